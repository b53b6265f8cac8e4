"""`ferrotok._scratch.Scratch`: the temporary files of `ferrotok encode` (every format) and their cleanup."""

from __future__ import annotations

import os

from ferrotok._scratch import Scratch


def test_files_get_the_usual_permissions_and_cleanup_takes_the_whole_prefix(tmp_path):
    other = tmp_path / ".ferrotok-someone-else.part"
    other.write_bytes(b"kept")
    scratch = Scratch(tmp_path)
    first, second = scratch.new(".ids"), scratch.new(".out")
    assert first != second and all(p.startswith(scratch.path_prefix) for p in (first, second))
    umask = os.umask(0o022)
    os.umask(umask)
    assert os.stat(first).st_mode & 0o777 == 0o666 & ~umask  # kept once renamed into place
    # A worker's file and one whose creation was interrupted: made under the prefix by someone else.
    worker = f"{scratch.path_prefix}w{os.getpid()}-0.part"
    open(worker, "wb").close()
    os.unlink(second)
    scratch.cleanup()
    assert sorted(p.name for p in tmp_path.iterdir()) == [other.name]
    scratch.cleanup()  # nothing left: no error


def test_two_runs_in_one_folder_do_not_share_files(tmp_path):
    a, b = Scratch(tmp_path), Scratch(tmp_path)
    kept = b.new(".bin")
    a.new(".bin")
    a.cleanup()
    assert os.path.exists(kept)
