"""The worker threads of `encode --format bin` (`ferrotok._threads`): jobs run on the pool's threads, each
job's value or error is read back, a job cancelled before it starts is skipped, and shutdown ends the threads."""

from __future__ import annotations

import threading

import pytest
from ferrotok._threads import Threads


def test_jobs_run_on_the_pool_s_threads_and_give_their_values():
    pool = Threads(2, "test-pool")
    jobs = [pool.submit(lambda n: (n * n, threading.current_thread().name), n) for n in range(20)]
    results = [job.result(timeout=60) for job in jobs]
    pool.shutdown(wait=True)
    assert [value for value, _ in results] == [n * n for n in range(20)]
    assert {name for _, name in results} <= {"test-pool_0", "test-pool_1"}
    assert all(job.done() for job in jobs)
    assert not any(t.name.startswith("test-pool") for t in threading.enumerate())


def test_a_job_s_error_is_raised_by_its_result_and_the_pool_goes_on():
    pool = Threads(2, "test-pool")

    def job(n):
        if n == 3:
            raise ValueError("three")
        return n

    jobs = [pool.submit(job, n) for n in range(6)]
    with pytest.raises(ValueError, match="three"):
        jobs[3].result(timeout=60)
    assert [jobs[n].result(timeout=60) for n in (0, 1, 2, 4, 5)] == [0, 1, 2, 4, 5]
    pool.shutdown(wait=True)


def test_a_result_not_ready_times_out_and_shutdown_skips_jobs_not_started():
    pool = Threads(1, "test-pool")
    started, gate = threading.Event(), threading.Event()
    ran: list[int] = []

    def job(n):
        started.set()
        assert gate.wait(60)
        ran.append(n)
        return n

    first = pool.submit(job, 0)
    assert started.wait(60)  # the one thread is inside the first job
    later = [pool.submit(job, n) for n in (1, 2)]
    with pytest.raises(TimeoutError):
        first.result(timeout=0.05)
    assert not first.done()
    threading.Timer(0.2, gate.set).start()
    pool.shutdown(wait=True, cancel_futures=True)
    assert first.result(timeout=0) == 0 and ran == [0]  # started: run to its end
    assert all(job.done() and job.result(timeout=0) is None for job in later)  # skipped
