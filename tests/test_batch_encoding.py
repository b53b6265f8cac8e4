"""BatchEncoding: dict behaviour, alignment queries, tensor conversion."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from ferrotok import BatchEncoding


def test_dict_and_attribute_access(ft):
    enc = ft(["hello world", "hi"])
    assert isinstance(enc, BatchEncoding)
    assert list(enc) == ["input_ids", "token_type_ids", "attention_mask"]
    assert enc.input_ids is enc["input_ids"]
    assert enc[:1]["input_ids"] == [enc["input_ids"][0]]
    assert enc.is_fast and enc.n_sequences == 1
    with pytest.raises(AttributeError):
        _ = enc.no_such_field
    assert dict(enc)["attention_mask"] == [[1, 1, 1, 1], [1, 1, 1]]


def test_row_views(ft):
    enc = ft(["hello world", "hi"], ["x", "y z"])
    assert enc.n_sequences == 2
    row = enc[1]
    assert row.tokens == ["[CLS]", "hi", "[SEP]", "y", "z", "[SEP]"]
    assert row.sequence_ids == [None, 0, None, 1, 1, None]
    assert row.word_ids == [None, 0, None, 0, 1, None]
    assert len(row) == 6 and len(enc.encodings) == 2
    assert enc[-1].ids == row.ids
    with pytest.raises(IndexError):
        enc[5]


def test_alignment_queries(ft):
    enc = ft("Hello wonderful world")
    assert enc.tokens() == ["[CLS]", "hello", "wonderful", "world", "[SEP]"]
    assert enc.word_ids() == [None, 0, 1, 2, None]
    assert enc.token_to_word(2) == 1
    assert enc.token_to_sequence(1) == 0
    assert enc.token_to_chars(3) == (16, 21)
    assert enc.token_to_chars(0) is None
    assert enc.word_to_tokens(1) == (2, 3)
    assert enc.char_to_token(7) == 2
    assert enc.char_to_word(17) == 2
    assert enc.char_to_token(5) is None  # the space


def test_convert_to_tensors_and_ragged(ft):
    enc = ft(["hello world", "hi"], padding=True)
    enc.convert_to_tensors("np")
    assert isinstance(enc["input_ids"], np.ndarray) and enc["input_ids"].shape == (2, 4)
    ragged = BatchEncoding({"input_ids": [[1, 2], [3]]}, tensor_type="np")
    assert ragged["input_ids"].dtype == object
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError, match="Unable to create tensor"):
        BatchEncoding({"input_ids": [[1, 2], [3]]}, tensor_type="pt")
    assert isinstance(BatchEncoding({"input_ids": [[1, 2]]}, tensor_type="pt")["input_ids"], torch.Tensor)


def test_pickle_keeps_data(ft):
    enc = ft(["hello world"])
    clone = pickle.loads(pickle.dumps(enc))
    assert clone["input_ids"] == enc["input_ids"]
    assert not clone.is_fast


def test_pad_result_has_no_alignment(ft):
    padded = ft.pad({"input_ids": [[101, 102], [101, 7592, 102]]})
    assert padded["input_ids"] == [[101, 102, 0], [101, 7592, 102]]
    assert padded["attention_mask"] == [[1, 1, 0], [1, 1, 1]]
    with pytest.raises(ValueError):
        padded.tokens()


# Rows are built outside the garbage collector and handed to it on return (rust/bindings/lists.rs): every
# returned list must be tracked again, so that a cycle a user builds through a row is still collected.
# One thread builds the rows after encoding, two threads while the pool encodes (batches >= 256).
GC_SCRIPT = """
import gc, weakref
from ferrotok import AutoTokenizer
tok = AutoTokenizer.from_pretrained({model!r})
lines = [f"line {{i}}: caf\u00e9 na\u00efve {{'x' * (i % 7)}}" for i in range(700)]
single = tok("one text", return_offsets_mapping=True)
batch = tok(lines, lines[::-1], return_offsets_mapping=True, return_special_tokens_mask=True)
def check_tracked(enc):
    for key, rows in enc.items():
        assert gc.is_tracked(rows), key
        for row in rows if isinstance(rows[0], list) else []:
            assert gc.is_tracked(row), key
check_tracked(single)
check_tracked(batch)
class Holder:
    pass
refs = []
for row in (single["input_ids"], batch["input_ids"][3], batch["attention_mask"][699], batch["offset_mapping"][0]):
    h = Holder()
    h.row = row
    row.append(h)
    refs.append(weakref.ref(h))
del single, batch, h, row
gc.collect()
assert all(r() is None for r in refs), [r() for r in refs]
print("ok")
"""


@pytest.mark.parametrize("threads", ["1", "2"])
def test_list_rows_are_tracked_by_the_garbage_collector(model_dir, threads):
    script = GC_SCRIPT.format(model=str(model_dir))
    env = dict(os.environ, RAYON_NUM_THREADS=threads, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    r = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "ok"
