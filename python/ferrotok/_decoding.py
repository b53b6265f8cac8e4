"""Decoding for `FerroTokenizer`: ids back to text, with transformers' clean-up of spaces and CLIP's
end-of-word suffix."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import _fsmt, _marian
from ._config import (
    BLANK_CLASSES,
    CPM_DECODE_CLASSES,
    CTC_CLASSES,
    PHONEME_CTC_CLASSES,
    PYTHON_BACKEND_CLASSES,
    STRIPPED_DECODE_CLASSES,
    WORD_CTC_CLASSES,
)

_CLEANUPS = (
    (" .", "."),
    (" ?", "?"),
    (" !", "!"),
    (" ,", ","),
    (" ' ", "'"),
    (" n't", "n't"),
    (" 'm", "'m"),
    (" 's", "'s"),
    (" 've", "'ve"),
    (" 're", "'re"),
)


def ids_list(ids: Any) -> Any:
    """numpy arrays / torch tensors → lists; ints stay ints."""
    return ids.tolist() if hasattr(ids, "tolist") else ids


class DecodingMixin:
    """decode / batch_decode and their helpers, over the core's decoder (`self._tokenizer`)."""

    _tokenizer: Any
    _init_config: dict[str, Any]
    _model_type: str | None
    clean_up_tokenization_spaces: bool

    if TYPE_CHECKING:  # FerroTokenizer's own; no stub here, which would shadow it in the bases

        def convert_tokens_to_ids(self, tokens: Any) -> Any: ...

        def convert_ids_to_tokens(self, ids: Any, skip_special_tokens: bool = False) -> Any: ...

        @property
        def pad_token(self) -> str | None: ...

        @property
        def unk_token(self) -> str | None: ...

        @property
        def pad_token_id(self) -> int | None: ...

        @property
        def eos_token_id(self) -> int | None: ...

        @property
        def bos_token_id(self) -> int | None: ...

        @property
        def all_special_ids(self) -> list[int]: ...

    def decode(
        self,
        token_ids: Any,
        skip_special_tokens: bool = False,
        clean_up_tokenization_spaces: bool | None = None,
        group_tokens: bool = True,
        **_: Any,
    ) -> Any:
        """Ids → text; a batch (list of lists, 2-D array) gives a list of texts. `group_tokens`: CTC
        classes (LASR, Parakeet) merge repeated ids and drop the blank (pad) id first, as transformers."""
        ids = ids_list(token_ids)
        if isinstance(ids, dict):
            ids = ids["input_ids"]
        if isinstance(ids, int):
            ids = [ids]
        if not isinstance(ids, (list, tuple)):
            raise TypeError(
                f"token_ids: expected int, list of ints or an array, got {type(token_ids).__name__}"
            )
        if ids and isinstance(ids[0], (list, tuple)):
            return self.batch_decode(
                ids, skip_special_tokens, clean_up_tokenization_spaces, group_tokens, **_
            )
        if self._tokenizer_class() in PHONEME_CTC_CLASSES:
            text = self._phoneme_text(ids, bool(skip_special_tokens), group_tokens, **_)
            return self._clean_up(text, clean_up_tokenization_spaces)
        if self._tokenizer_class() in BLANK_CLASSES:
            return self._clean_up(
                self._blank_text(ids, bool(skip_special_tokens)), clean_up_tokenization_spaces
            )
        ids, skip = self._ctc_ids(ids, group_tokens, bool(skip_special_tokens))
        ids, skip = _fsmt.decoding_ids(self, ids, skip)  # FSMT drops its special ids itself
        core = _marian.decoding_core(self)  # Marian's target side, with separate vocabularies
        text = self._clip_decode(core.decode(_marian.target_ids(self, ids), skip))
        return self._clean_up(self._ctc_text(text), clean_up_tokenization_spaces)

    def batch_decode(
        self,
        sequences: Any,
        skip_special_tokens: bool = False,
        clean_up_tokenization_spaces: bool | None = None,
        group_tokens: bool = True,
        **options: Any,
    ) -> list[str]:
        batch = ids_list(sequences)
        if not isinstance(batch, (list, tuple)):
            raise TypeError(
                f"sequences: expected a list of id lists or an array, got {type(sequences).__name__}"
            )
        if not batch:
            return []
        if not isinstance(batch[0], (list, tuple)):
            batch = [batch]
        skip = bool(skip_special_tokens)
        if self._tokenizer_class() in BLANK_CLASSES:
            return [
                self._clean_up(self._blank_text(ids_list(s), skip), clean_up_tokenization_spaces)
                for s in batch
            ]
        if self._tokenizer_class() in PHONEME_CTC_CLASSES:
            return [
                self._clean_up(
                    self._phoneme_text(ids_list(s), skip, group_tokens, **options),
                    clean_up_tokenization_spaces,
                )
                for s in batch
            ]
        rows = [self._ctc_ids(ids_list(s), group_tokens, skip)[0] for s in batch]
        rows = [_fsmt.decoding_ids(self, row, skip)[0] for row in rows]  # FSMT drops its special ids itself
        skip = _fsmt.decoding_ids(self, [], skip)[1]
        rows = [_marian.target_ids(self, row) for row in rows]
        if self._tokenizer_class() in WORD_CTC_CLASSES:
            skip = False  # dropped by `_ctc_ids`
        texts = _marian.decoding_core(self).decode_batch(rows, skip)
        return [
            self._clean_up(self._ctc_text(self._clip_decode(t)), clean_up_tokenization_spaces) for t in texts
        ]

    def _tokenizer_class(self) -> str:
        return str(self._init_config.get("tokenizer_class") or "").removesuffix("Fast")

    def _ctc_ids(self, ids: Any, group_tokens: bool, skip: bool) -> tuple[Any, bool]:
        """The ids the decoder sees, and whether it still skips special tokens."""
        cls = self._tokenizer_class()
        if cls in WORD_CTC_CLASSES:
            if skip:  # before merging repeats; the word delimiter is kept
                delimiter = self.convert_tokens_to_ids(self._init_config.get("word_delimiter_token") or "|")
                specials = set(self.all_special_ids) - {delimiter}
                ids = [i for i in ids if i not in specials]
            skip = False
        elif cls == "CpmAntTokenizer":
            # transformers' CpmAntTokenizer drops pad, eos and bos (and negative ids) before decoding.
            dropped = {self.pad_token_id, self.eos_token_id, self.bos_token_id}
            return [i for i in ids if i >= 0 and i not in dropped], skip
        elif cls not in CTC_CLASSES:
            return ids, skip
        if group_tokens:
            ids = [key for key, _ in itertools.groupby(ids)]
        pad = self.pad_token_id
        return [i for i in ids if i != pad], skip

    def _blank_text(self, ids: Any, skip: bool) -> str:
        """transformers' VitsTokenizer: with `add_blank`, every second token (the chars between the
        blanks), joined."""
        tokens = self.convert_ids_to_tokens([int(i) for i in ids], skip_special_tokens=skip)
        if self._init_config.get("add_blank", True) and len(tokens) > 1:
            tokens = tokens[1::2]
        return "".join(t for t in tokens if t is not None)

    def _phoneme_text(
        self,
        ids: Any,
        skip: bool,
        group_tokens: bool = True,
        filter_word_delimiter_token: bool = True,
        **_: Any,
    ) -> str:
        """transformers' Wav2Vec2PhonemeCTCTokenizer: the tokens (special ones skipped first), repeats
        grouped, the pad token and the word delimiter dropped, joined with spaces. An empty input gives ""
        (transformers raises)."""
        tokens = self.convert_ids_to_tokens([int(i) for i in ids], skip_special_tokens=skip)
        unk = self.unk_token
        tokens = [unk if t is None else t for t in tokens]
        if group_tokens:
            tokens = [key for key, _ in itertools.groupby(tokens)]
        tokens = [t for t in tokens if t != self.pad_token]
        delimiter = self._init_config.get("word_delimiter_token")
        if filter_word_delimiter_token and delimiter is not None:
            tokens = [t for t in tokens if t != delimiter]
        return " ".join(tokens).strip()

    def _ctc_text(self, text: str) -> str:
        if self._tokenizer_class() not in WORD_CTC_CLASSES:
            return text
        text = text.strip()
        return text.lower() if self._init_config.get("do_lower_case") else text

    def convert_tokens_to_string(self, tokens: Sequence[str]) -> str:
        if self._tokenizer_class() in CPM_DECODE_CLASSES:
            # CPM's own rule: the tokens joined, "▁" read as a space, stripped (its decode's space removal
            # comes after, in `_decode`).
            return "".join(tokens).replace("\u2581", " ").strip()
        # transformers joins the tokens with the decoder (or the class's own rule) and cleans up no spaces.
        if self._tokenizer_class() == "GPTNeoXJapaneseTokenizer":
            # Its tokens are shown as text already (`<SP>` as " "): the class joins and strips them.
            return "".join(tokens).strip()
        return self.decode(self.convert_tokens_to_ids(list(tokens)), clean_up_tokenization_spaces=False)

    def _clip_decode(self, text: str) -> str:
        """transformers' CLIPTokenizer turns each end-of-word suffix (`</w>`) into a space, then strips."""
        suffix = getattr(self, "_clip_suffix", None)
        if suffix is None:
            cls = str(self._init_config.get("tokenizer_class") or "")
            is_clip = cls in ("CLIPTokenizer", "CLIPTokenizerFast")
            suffix = (self._tokenizer.model.end_of_word_suffix or "") if is_clip else ""
            self._clip_suffix = suffix
        if suffix:
            return text.replace(suffix, " ").strip()
        # These Python classes join their pieces and strip the result (Python's whitespace).
        cls = self._tokenizer_class()
        text = text.strip() if cls in STRIPPED_DECODE_CLASSES else text
        if cls in CPM_DECODE_CLASSES:
            return text.replace(" ", "").replace("\u2582", " ").replace("\u2583", "\n")
        return text

    def _clean_up(self, text: str, clean_up: bool | None) -> str:
        if clean_up is None:
            clean_up = self.clean_up_tokenization_spaces
        if clean_up and self._tokenizer_class() == "ClvpTokenizer":
            return self._clvp_clean_up(text)
        # transformers' fast tokenizers skip this clean-up for BPE models (it would eat real spaces before
        # punctuation); its pure-Python classes do not.
        if not clean_up or (self._model_kind() == "BPE" and not self._python_backend()):
            return text
        return self.clean_up_tokenization(text)

    def _clvp_clean_up(self, text: str) -> str:
        """transformers' ClvpTokenizer's own clean-up: `[SPACE]` and `[STOP]` (where the vocabulary has
        them) become spaces, the unknown token goes, runs of two or three spaces become one."""
        for token in ("[SPACE]", "[STOP]"):
            if self._tokenizer.token_to_id(token) is not None:
                text = text.replace(token, " ")
        unk = self.unk_token
        if unk:
            text = text.replace(unk, "")
        return text.replace("   ", " ").replace("  ", " ")

    @staticmethod
    def clean_up_tokenization(text: str) -> str:
        for before, after in _CLEANUPS:
            text = text.replace(before, after)
        return text

    def _python_backend(self) -> bool:
        tokenizer_class = str(self._init_config.get("tokenizer_class") or "")
        return tokenizer_class in PYTHON_BACKEND_CLASSES

    def _model_kind(self) -> str:
        if self._model_type is None:
            self._model_type = str(self._tokenizer.model.type)
        return self._model_type
