"""`FerroTokenizer`: a drop-in for transformers' fast `AutoTokenizer` objects, backed by the Rust core.

Python only checks arguments, resolves transformers' defaults and shapes the result; encoding, truncation,
padding and the numpy arrays are all done by `_core.Tokenizer.encode_fields` with the GIL released.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any

from . import _core, _entity_padding, _log, _marian, _morphology, _roc_bert, _targets
from ._added_token import _FLAGS as _ADDED_FLAGS
from ._api import LEFT_OUT, TransformersApiMixin
from ._arguments import (
    VERY_LARGE_INTEGER,
    CallPlan,
    check_side,
    merge_tokenizer_kwargs,
    normalize_inputs,
    plan_call,
)
from ._config import (
    CLASS_MODEL_FILES,
    CLASS_VOCABULARY_FILES,
    DEFAULT_MODEL_INPUT_NAMES,
    LAYOUT_CLASSES,
    LOWER_CASED_LOOKUP,
    LUKE_CLASSES,
    PHONEME_CTC_CLASSES,
    PYTHON_CLASSES,
    SPECIAL_TOKENS_ATTRIBUTES,
    TOKENIZER_FILE,
    default_model_input_names,
    keeps_special_words,
    prefix_space_document,
    read_settings,
    split_load_kwargs,
    tokenizer_file_text,
    write_settings,
)
from ._decoding import DecodingMixin, ids_list
from ._padding import pad_features
from ._special_tokens import SpecialTokensMixin
from .batch_encoding import BatchEncoding
from .chat import ChatTemplateMixin, as_template_attribute, read_chat_templates, write_chat_templates
from .tokenizer import Tokenizer

# Output keys in transformers' order; `fields` names what the core is asked for.
_FIELD_ORDER = (
    "input_ids",
    "token_type_ids",
    "attention_mask",
    "special_tokens_mask",
    "offset_mapping",
    "length",
    "overflow_to_sample_mapping",
)
# The requests of a plain call (`_call_plain`), by (token_type_ids, attention_mask) in model_input_names,
# whether the text came alone (its fields are then rows, not lists of one row) and split_special_tokens.
_PLAIN_REQUESTS = {
    (tt, am, alone, split): _core.EncodeRequest(
        return_token_type_ids=tt, return_attention_mask=am, unbatched=alone, split_special_tokens=split
    )
    for tt in (True, False)
    for am in (True, False)
    for alone in (True, False)
    for split in (True, False)
}


def _plain_request(
    padding: Any,
    truncation: Any,
    max_length: Any,
    stride: Any,
    padding_side: Any,
    return_tensors: Any,
) -> bool:
    """Whether these arguments ask for nothing (their defaults, or truncation=False)."""
    return (
        padding is False
        and (truncation is None or truncation is False)
        and max_length is None
        and stride == 0
        and padding_side is None
        and return_tensors is None
    )


# Attributes whose change leaves the resolved call plans valid.
_UNPLANNED = frozenset({"_plans", "_warned_too_long", "_model_type", "_clip_suffix"})
# Resolved call plans kept per tokenizer (distinct argument sets; a program uses a handful).
_MAX_PLANS = 64


def _python_class_lengths(length: Any, encodings: _core.Encodings, is_batched: bool) -> Any:
    """`return_length` as transformers' Python classes give it: one text's length as a number (counted
    after padding), a batch's counted before padding (they pad the batch after measuring each row)."""
    if not is_batched:
        return length[0] if type(length) is list and len(length) == 1 else length
    before = [sum(encodings.attention_mask(i)) for i in range(len(encodings))]
    if type(length) is list:
        return before
    import numpy as np

    if isinstance(length, np.ndarray):
        return np.asarray(before, dtype=length.dtype)
    if hasattr(length, "numpy"):  # a torch tensor
        import torch

        return torch.tensor(before, dtype=length.dtype)
    import mlx.core as mx

    return mx.array(before)


def _python_class_overflow(
    encodings: _core.Encodings, cut: tuple[str, int, bool], pairs: bool
) -> list[tuple[list[int], int] | None]:
    """Each input's `overflowing_tokens` and `num_truncated_tokens` as transformers' Python classes give them
    (None where nothing was cut): the tokens truncation cut from the truncated text, with `stride` tokens of
    what it kept beside the cut, read from the overflow the core kept (not a second tokenization)."""
    strategy, stride, left = cut
    seq = 1 if strategy == "only_second" else 0
    if seq == 1 and not pairs:
        return [None] * len(encodings)
    out: list[tuple[list[int], int] | None] = []
    for i in range(len(encodings)):
        removed = encodings.cut_ids(i, seq, left)
        if not removed:
            out.append(None)
            continue
        kept = [t for t, s in zip(encodings.ids(i), encodings.sequence_ids(i), strict=True) if s == seq]
        if left:
            out.append((removed + kept[:stride], len(removed)))
        else:
            out.append((kept[max(len(kept) - stride, 0) :] + removed, len(removed)))
    return out


class OverflowRowsError(AssertionError, ValueError):
    """Some rows of a Python class's batch were truncated and others not: transformers' Python classes then
    fail (an AssertionError), their `overflowing_tokens` having fewer rows than the batch."""


# The keys of one row of a Python class, in its order (a batch's attention mask comes last, with the padding).
_PYTHON_ROW_ORDER = ("input_ids", "token_type_ids", "special_tokens_mask")


def _python_class_fields(
    data: dict[str, Any], encodings: _core.Encodings, is_batched: bool, cut: Any, pairs: bool, lists: bool
) -> dict[str, Any]:
    """A Python class's result: its length, overflow fields (with `lists`, not tensors) and key order."""
    if "length" in data:
        data["length"] = _python_class_lengths(data["length"], encodings, is_batched)
    ordered = {key: data[key] for key in _PYTHON_ROW_ORDER if key in data}
    if cut is not None:
        overflow = _python_class_overflow(encodings, cut, pairs)
        rows = [row for row in overflow if row is not None]
        if rows and len(rows) < len(overflow):
            raise OverflowRowsError(
                f"return_overflowing_tokens: {len(rows)} of the batch's {len(overflow)} rows were truncated; "
                "this class returns overflowing tokens for a batch only when every row is"
            )
        if rows and lists and is_batched:
            ordered["overflowing_tokens"] = [row[0] for row in rows]
            ordered["num_truncated_tokens"] = [row[1] for row in rows]
        elif rows and lists:
            ordered["overflowing_tokens"], ordered["num_truncated_tokens"] = rows[0]
    # One text's attention mask comes from its padding, before the length; a batch's after every field.
    if not is_batched and "attention_mask" in data:
        ordered["attention_mask"] = data["attention_mask"]
    ordered.update(
        (key, value) for key, value in data.items() if key not in ordered and key != "attention_mask"
    )
    if is_batched and "attention_mask" in data:
        ordered["attention_mask"] = data["attention_mask"]
    return ordered


class FerroTokenizer(DecodingMixin, SpecialTokensMixin, ChatTemplateMixin, TransformersApiMixin):
    """A tokenizer with transformers' `PreTrainedTokenizerFast` interface and Hugging Face-exact outputs."""

    def __init__(
        self,
        tokenizer: _core.Tokenizer | Tokenizer,
        *,
        name_or_path: str = "",
        model_max_length: int | None = None,
        padding_side: str = "right",
        truncation_side: str = "right",
        model_input_names: Sequence[str] | None = None,
        clean_up_tokenization_spaces: bool = False,
        split_special_tokens: bool = False,
        pad_token_type_id: int = 0,
        extra_special_tokens: Sequence[object] | None = None,
        init_config: dict[str, Any] | None = None,
        chat_template: str | dict[str, str] | list[dict[str, str]] | None = None,
        **special_tokens: object,
    ) -> None:
        if isinstance(tokenizer, Tokenizer):  # the tokenizers-style wrapper: share its core
            tokenizer = tokenizer._tokenizer
        if not isinstance(tokenizer, _core.Tokenizer):
            raise TypeError(f"tokenizer: expected ferrotok._core.Tokenizer, got {type(tokenizer).__name__}")
        # Model-specific named tokens (Wav2Vec2's `word_delimiter_token`) join the special tokens map too.
        unknown = {
            k for k in special_tokens if k not in SPECIAL_TOKENS_ATTRIBUTES and not k.endswith("_token")
        }
        if unknown:
            raise TypeError(f"unexpected keyword arguments: {sorted(unknown)}")
        self._tokenizer = tokenizer
        self.name_or_path = str(name_or_path)
        self.model_max_length = int(model_max_length) if model_max_length is not None else VERY_LARGE_INTEGER
        self.padding_side = padding_side
        self.truncation_side = truncation_side
        self.model_input_names = list(model_input_names or DEFAULT_MODEL_INPUT_NAMES)
        self.clean_up_tokenization_spaces = bool(clean_up_tokenization_spaces)
        self.split_special_tokens = split_special_tokens
        self.pad_token_type_id = int(pad_token_type_id)
        self._init_config = dict(init_config or {})
        self._needs_phonemizer = _needs_phonemizer(self._init_config)
        # The added tokens apply_chat_template(sanitize_control_tokens=True) treats as control tokens.
        self.chat_control_tokens = self._init_config.get("chat_control_tokens")
        if self.chat_control_tokens is not None and not isinstance(self.chat_control_tokens, (list, tuple)):
            raise TypeError(
                f"`chat_control_tokens` should be a list of strings, got {self.chat_control_tokens!r}"
            )
        self.chat_template = as_template_attribute(chat_template)
        self._special = dict.fromkeys(SPECIAL_TOKENS_ATTRIBUTES)
        self._extra_special = []
        for name, value in special_tokens.items():
            self._set_special(name, value)
        self.extra_special_tokens = extra_special_tokens
        self._model_type: str | None = None
        self._warned_too_long = False
        self._register_special_tokens()
        self._plans: dict[tuple[Any, ...], CallPlan] = {}
        # BertJapanese with MeCab / Sudachi: the analyser as the core's normalizer (`_morphology`).
        self._analysed = _morphology.attach(tokenizer, self._init_config, list(self.all_special_tokens))
        # LUKE / mLUKE: the entity vocabulary and task (`_entities`); None for other classes.
        # `_entities` (and the dataclasses it defines) is imported for those classes only: start-up time.
        self._entity_settings = None
        if str(self._init_config.get("tokenizer_class") or "").removesuffix("Fast") in LUKE_CLASSES:
            from . import _entities

            self._entity_settings = _entities.load_settings(self._init_config, self.name_or_path)
        # RoCBert: the shape and pronunciation tables of its extra columns (`_roc_bert`); None for others.
        self._roc_bert = _roc_bert.load_tables(self._init_config, self.name_or_path)
        # transformers' Python classes (`PYTHON_CLASSES`): pairs cut one token at a time, and a split of the
        # special tokens leaves every added token unmatched.
        self._python_class = (
            str(self._init_config.get("tokenizer_class") or "").removesuffix("Fast") in PYTHON_CLASSES
        )
        self._tokenizer.split_skips_added_tokens = self._python_class
        self._tokenizer.split_keeps_special_words = keeps_special_words(self._init_config)
        # LayoutLMv2 / LayoutLMv3 / LayoutXLM: words with boxes (`_layout`), MarkupLM: nodes with xpaths
        # (`_markup`); None for other classes.
        self._layout_settings = None
        if str(self._init_config.get("tokenizer_class") or "").removesuffix("Fast") in LAYOUT_CLASSES:
            from . import _layout

            self._layout_settings = _layout.load_settings(self._init_config)

    def __setattr__(self, name: str, value: Any) -> None:
        # Resolved call plans depend on the settings: any change of one forgets them.
        object.__setattr__(self, name, value)
        if name not in _UNPLANNED:
            self.__dict__["_plans"] = {}

    # --- loading / saving -----------------------------------------------------------------------------
    @classmethod
    def from_pretrained(
        cls, pretrained_model_name_or_path: str | os.PathLike[str], **kwargs: Any
    ) -> FerroTokenizer:
        """Load a local model folder (tokenizer.json, or vocab.txt / vocab.json + merges.txt) and its configs;
        a model id, a tokenizer.json file or the Hub's arguments (`revision`, `cache_dir`, ...) go through
        `AutoTokenizer.from_pretrained`, as transformers' class method resolves them too."""
        directory = os.fspath(pretrained_model_name_or_path)
        from .auto import IGNORED_ARGUMENTS
        from .hub import HUB_ARGUMENTS

        if not os.path.isdir(directory) or any(k in kwargs for k in (*HUB_ARGUMENTS, *IGNORED_ARGUMENTS)):
            from .auto import AutoTokenizer

            return AutoTokenizer.from_pretrained(directory, **kwargs)
        has_file = os.path.isfile(os.path.join(directory, TOKENIZER_FILE))
        own, entries, overrides = split_load_kwargs(kwargs, has_file)
        from ._no_file import load_folder

        return cls._from_loaded(directory, load_folder(directory, overrides), own, entries, has_file)

    @classmethod
    def _from_loaded(
        cls,
        directory: str,
        loaded: tuple[Any, Any],
        own: dict[str, Any] | None = None,
        entries: dict[str, Any] | None = None,
        has_file: bool | None = None,
    ) -> FerroTokenizer:
        """`from_pretrained` given what `_core.load_folder(directory, overrides)` returned for `kwargs` split
        into `own` and `entries` (none by default: the overrides `"{}"`)."""
        own = {} if own is None else own
        entries = {} if entries is None else entries
        if has_file is None:
            has_file = os.path.isfile(os.path.join(directory, TOKENIZER_FILE))
        core, from_model = loaded
        tokenizer_class = entries.get("tokenizer_class")
        settings = read_settings(
            directory, from_model, core, tokenizer_class if isinstance(tokenizer_class, str) else None
        )
        prefix_space = entries.pop("add_prefix_space", None)
        settings["init_config"].update(entries)
        _marian.check_folder(directory, settings["init_config"])
        settings["chat_template"] = read_chat_templates(directory, settings["init_config"])
        settings.update(own)
        if prefix_space is not None:
            settings["init_config"]["add_prefix_space"] = bool(prefix_space)
            document = prefix_space_document(
                core.to_str(False), settings["init_config"].get("tokenizer_class"), bool(prefix_space)
            )
            if document is not None:
                core = _core.Tokenizer.from_str(document)
        class_name = str(settings["init_config"].get("tokenizer_class") or "").removesuffix("Fast")
        if not has_file and class_name in PYTHON_CLASSES:
            restore_added_tokens(core, directory, settings)
        tokenizer = cls(core, **settings)
        tokenizer.__dict__["_directory"] = directory  # Marian's target side reads the folder again
        if has_file:  # explicit flags rebuild the template beside a tokenizer.json (the file's flags do not)
            for flag in ("add_bos_token", "add_eos_token"):
                if flag in entries:
                    setattr(tokenizer, flag, entries[flag])
        return tokenizer

    @classmethod
    def from_file(cls, path: str | os.PathLike[str], **kwargs: Any) -> FerroTokenizer:
        """Load a single tokenizer.json (no config files: settings come from `kwargs`)."""
        path = os.fspath(path)
        kwargs.setdefault("name_or_path", path)
        kwargs.pop("add_prefix_space", None)  # recorded only, as by transformers' generic class
        kwargs.setdefault("model_input_names", default_model_input_names("TokenizersBackend"))
        return cls(_core.Tokenizer.from_file(path), **kwargs)

    def _document(self, pretty: bool) -> str:
        """The tokenizer.json text of the core (with its placeholder normalizer where an analyser is set)."""
        if not self.__dict__.get("_analysed"):
            return self._tokenizer.to_str(pretty)
        with _morphology.serializable(self._tokenizer):
            return self._tokenizer.to_str(pretty)

    def _settings(self) -> dict[str, Any]:
        return {
            "name_or_path": self.name_or_path,
            "model_max_length": self.model_max_length,
            "padding_side": self.padding_side,
            "truncation_side": self.truncation_side,
            "model_input_names": list(self.model_input_names),
            "clean_up_tokenization_spaces": self.clean_up_tokenization_spaces,
            "split_special_tokens": self.split_special_tokens,
            "pad_token_type_id": self.pad_token_type_id,
            "extra_special_tokens": list(self._extra_special),
            "init_config": dict(self._init_config),
            "chat_template": self.chat_template,
            **{k: v for k, v in self._special.items() if v is not None},
        }

    def save_pretrained(
        self,
        save_directory: str | os.PathLike[str],
        legacy_format: bool | None = None,
        filename_prefix: str | None = None,
        push_to_hub: bool = False,
        save_format: str | None = None,
        *,
        save_jinja_files: bool = True,
        **_: Any,
    ) -> tuple[str, ...]:
        """Write the folder transformers writes: tokenizer.json (the Python classes' vocabulary files and
        added_tokens.json instead), tokenizer_config.json (with the special tokens: transformers 5 writes no
        special_tokens_map.json), the chat template(s) (chat_template.jinja, additional_chat_templates/, or
        into the config with `save_jinja_files=False`) and the class's own files (RoCBert's tables,
        Marian's vocabularies and models, ...), each named `{filename_prefix}-...` when a prefix is given,
        as transformers does. `legacy_format=False` raises transformers' ValueError for the classes that are
        Python classes there; otherwise it and `save_format` change nothing (transformers 5 ignores them for
        fast tokenizers too)."""
        if push_to_hub:
            raise NotImplementedError(f"push_to_hub: {LEFT_OUT['push_to_hub']}")
        if legacy_format is False and self._python_class:
            raise ValueError(
                "Only fast tokenizers (instances of PreTrainedTokenizerFast) can be saved in non legacy format."
            )
        directory = os.fspath(save_directory)
        prefix = f"{filename_prefix}-" if filename_prefix else ""
        if os.path.isfile(directory):
            raise OSError(f"save_directory ({directory}) should be a directory, not a file")
        os.makedirs(directory, exist_ok=True)
        # transformers' Python classes (`PYTHON_CLASSES`) save their vocabulary files, the added tokens in the
        # config and added_tokens.json, and no tokenizer.json: ferrotok writes the same folder (its own stages,
        # FastBPE, Mapped, Moses..., stay out of any file the tokenizers library reads) and builds the
        # pipeline back from those files at load. Without the files they are built from (a tokenizer read
        # from a tokenizer.json alone), tokenizer.json is written instead.
        class_name = str(self._init_config.get("tokenizer_class") or "").removesuffix("Fast")
        vocabulary: tuple[str, ...] = ()
        python_files = class_name in PYTHON_CLASSES
        if python_files:
            try:
                vocabulary = self._python_class_files(directory, filename_prefix, class_name)
            except OSError:
                python_files = self._model_kind() == "Codes"  # ByT5's, CANINE's... config is enough
        tokenizer_path = os.path.join(directory, prefix + TOKENIZER_FILE)
        if python_files:
            if os.path.isfile(tokenizer_path):  # a stale file would be read back instead of the config
                os.remove(tokenizer_path)
        else:
            with open(tokenizer_path, "w", encoding="utf-8") as f:
                f.write(tokenizer_file_text(self._document(True)))
        special_map: dict[str, Any] = dict(self.special_tokens_map)
        if self._extra_special:
            special_map["extra_special_tokens"] = list(self._extra_special)
        # add_bos_token / add_eos_token are not written back (as by transformers): the template holds them.
        skipped = ("name_or_path", "added_tokens_decoder", "add_bos_token", "add_eos_token")
        config = {k: v for k, v in self._init_config.items() if k not in skipped}
        for key in (*SPECIAL_TOKENS_ATTRIBUTES, "additional_special_tokens", "extra_special_tokens"):
            config.pop(key, None)
        config.update(special_map)
        config.setdefault("tokenizer_class", "TokenizersBackend")
        config.update(
            model_max_length=self.model_max_length,
            padding_side=self.padding_side,
            truncation_side=self.truncation_side,
            model_input_names=list(self.model_input_names),
            clean_up_tokenization_spaces=self.clean_up_tokenization_spaces,
        )
        if "split_special_tokens" in config:  # transformers writes back the init entries with their values
            config["split_special_tokens"] = self.split_special_tokens
        if self.chat_control_tokens is not None:
            config["chat_control_tokens"] = list(self.chat_control_tokens)
        config.update(_targets.saved_languages(self))
        config.update(_marian.saved_settings(self))
        if self._entity_settings is not None:  # LUKE / mLUKE: the entity vocabulary goes in the config
            from . import _entities

            config.update(_entities.saved_settings(self._entity_settings))
        if class_name == "DebertaV2Tokenizer" and self._model_kind() == "Unigram":
            # transformers' class rebuilds its Unigram at load with the config's `unk_id` (1 without it)
            import json

            config.setdefault("unk_id", json.loads(self._tokenizer.to_str(False))["model"].get("unk_id"))
        if python_files:
            config["added_tokens_decoder"] = {
                str(i): {"content": t.content, **{k: getattr(t, k) for k in _ADDED_FLAGS}}
                for i, t in self.added_tokens_decoder.items()
            }
            vocabulary = (*vocabulary, *self._save_added_tokens_file(directory, prefix))
        templates = write_chat_templates(
            directory, self.chat_template, config, save_jinja_files, filename_prefix
        )
        if not python_files and class_name in CLASS_VOCABULARY_FILES:
            vocabulary = self.save_vocabulary(directory, filename_prefix)
        if self._roc_bert is not None and not python_files:
            vocabulary = (*vocabulary, *_roc_bert.save(self._roc_bert, directory, filename_prefix))
        if not python_files:
            vocabulary = (*vocabulary, *_marian.save_files(self, directory, filename_prefix))
        written = (*write_settings(directory, config, prefix), *templates, *vocabulary)
        return written if python_files else (*written, tokenizer_path)

    def _python_class_files(
        self, directory: str, filename_prefix: str | None, class_name: str
    ) -> tuple[str, ...]:
        """The vocabulary files transformers' Python class `class_name` writes and reads back; OSError when
        they cannot be written (a tokenizer not read from them)."""
        prefix = f"{filename_prefix}-" if filename_prefix else ""
        if class_name in CLASS_MODEL_FILES:  # SentencePiece classes: copied from the folder read
            return tuple(
                self._copy_model_file(directory, prefix, name) for name in CLASS_MODEL_FILES[class_name]
            )
        if class_name in ("MarianTokenizer", "FSMTTokenizer"):  # their files, from the folder read
            written = _marian.save_files(self, directory, filename_prefix)
            if not written:
                raise OSError(f"{class_name}: the folder's vocabulary files are missing")
            return written
        written = (
            self.save_vocabulary(directory, filename_prefix) if class_name in CLASS_VOCABULARY_FILES else ()
        )
        if any(os.path.basename(p).endswith(TOKENIZER_FILE) for p in written):
            for path in written:
                os.remove(path)
            raise OSError(f"{class_name}: no vocabulary file of its own")
        if self._roc_bert is not None:
            written = (*written, *_roc_bert.save(self._roc_bert, directory, filename_prefix))
        return written

    def _save_added_tokens_file(self, directory: str, prefix: str) -> tuple[str, ...]:
        """added_tokens.json: the added tokens past the model's vocabulary, as transformers' Python classes
        write it (nothing when there are none)."""
        import json

        size = self.vocab_size
        added = {t.content: i for i, t in self.added_tokens_decoder.items() if i >= size}
        path = os.path.join(directory, prefix + "added_tokens.json")
        if not added:
            if os.path.isfile(path):
                os.remove(path)
            return ()
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps(added, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        return (path,)

    def train_new_from_iterator(
        self,
        text_iterator: Any,
        vocab_size: int,
        length: int | None = None,
        new_special_tokens: list[Any] | None = None,
        special_tokens_map: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> FerroTokenizer:
        """A tokenizer with this one's pipeline and special tokens and a model of the same kind trained on
        `text_iterator` (str or lists of str); `kwargs` go to the trainer (see `ferrotok.trainers`)."""
        from .training import train_new_from_iterator

        return train_new_from_iterator(
            self, text_iterator, vocab_size, length, new_special_tokens, special_tokens_map, **kwargs
        )

    def __getstate__(self) -> dict[str, Any]:
        settings = self._settings()
        if self._entity_settings is not None:  # LUKE / mLUKE: the entity vocabulary travels too
            settings["init_config"].setdefault("entity_vocab", self._entity_settings.vocab)
        if self._roc_bert is not None:  # RoCBert: its two tables too
            settings["init_config"].update(_roc_bert.pickled_config(self._roc_bert))
        return {
            "tokenizer_json": self._document(False),
            "settings": settings,
            "attributes": _targets.pickled_attributes(self),
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(_core.Tokenizer.from_str(state["tokenizer_json"]), **state["settings"])  # type: ignore[misc]
        self.__dict__.update(state.get("attributes", {}))  # the languages set, Marian's folder

    def __repr__(self) -> str:
        added = "".join(
            f"\n\t{t['id']}: AddedToken({t['content']!r}, rstrip={t['rstrip']}, lstrip={t['lstrip']},"
            f" single_word={t['single_word']}, normalized={t['normalized']}, special={t['special']}),"
            for t in self._tokenizer.added_tokens()
        )
        return (
            f"{type(self).__name__}(name_or_path='{self.name_or_path}', vocab_size={self.vocab_size},"
            f" model_max_length={self.model_max_length}, padding_side='{self.padding_side}',"
            f" truncation_side='{self.truncation_side}', special_tokens={self.special_tokens_map},"
            f" added_tokens_decoder={{{added}{chr(10) if added else ''}}})"
        )

    # --- settings -------------------------------------------------------------------------------------
    @property
    def padding_side(self) -> str:
        return self._padding_side

    @padding_side.setter
    def padding_side(self, value: str) -> None:
        self._padding_side = check_side("padding_side", value) or "right"

    @property
    def truncation_side(self) -> str:
        return self._truncation_side

    @truncation_side.setter
    def truncation_side(self, value: str) -> None:
        self._truncation_side = check_side("truncation_side", value) or "right"

    @property
    def split_special_tokens(self) -> bool:
        """Whether special tokens in the text are tokenized as ordinary text instead of being matched (the
        default of every call; a call's `split_special_tokens=` overrides it)."""
        return self._split_special_tokens

    @split_special_tokens.setter
    def split_special_tokens(self, value: bool) -> None:
        self._split_special_tokens = bool(value)
        # As transformers does at init: the backend's own flag follows (for calls made on the backend).
        self._tokenizer.encode_special_tokens = self._split_special_tokens

    @property
    def src_lang(self) -> Any:
        """The translation classes' source language (setting it makes the source template current)."""
        return _targets.get_lang(self, "src_lang")

    @src_lang.setter
    def src_lang(self, value: str) -> None:
        _targets.set_lang(self, "src_lang", value)

    @property
    def tgt_lang(self) -> Any:
        """The translation classes' target language (SeamlessM4T: setting it makes the target template
        current until the next call)."""
        return _targets.get_lang(self, "tgt_lang")

    @tgt_lang.setter
    def tgt_lang(self, value: str | None) -> None:
        _targets.set_lang(self, "tgt_lang", value)

    @property
    def backend_tokenizer(self) -> Tokenizer:
        """The `tokenizers.Tokenizer`-style object behind this tokenizer (sharing its vocabulary)."""
        return Tokenizer(self._tokenizer)

    @property
    def decoder(self) -> Any:
        """The backend's decoder as a `tokenizers.decoders`-style object (`decode(tokens)`), or None."""
        return self.backend_tokenizer.decoder

    @property
    def is_fast(self) -> bool:
        return True

    @property
    def vocab_size(self) -> int:
        return self._tokenizer.vocab_size(False)

    def __len__(self) -> int:
        return self._tokenizer.vocab_size(True)

    def get_vocab(self) -> dict[str, int]:
        return self._tokenizer.get_vocab(True)

    @property
    def added_tokens_encoder(self) -> dict[str, int]:
        return {t["content"]: t["id"] for t in self._tokenizer.added_tokens()}

    def get_added_vocab(self) -> dict[str, int]:
        return self.added_tokens_encoder

    def num_special_tokens_to_add(self, pair: bool = False) -> int:
        return self._tokenizer.num_special_tokens_to_add(bool(pair))

    @property
    def max_len_single_sentence(self) -> int:
        return self.model_max_length - self.num_special_tokens_to_add(False)

    @property
    def max_len_sentences_pair(self) -> int:
        return self.model_max_length - self.num_special_tokens_to_add(True)

    # --- ids <-> tokens -------------------------------------------------------------------------------
    def convert_tokens_to_ids(self, tokens: str | Iterable[str]) -> Any:
        """One token's id, or a list of ids for an iterable of tokens; anything else (None, a number,
        a list holding a non-str) raises transformers' TypeError."""
        added = self._lower_cased_lookup()
        if isinstance(tokens, str):
            return self._token_id(tokens, added)
        return [self._token_id(t, added) for t in tokens]

    def _token_id(self, token: str, added: dict[str, int] | None) -> Any:
        if not isinstance(token, str):
            # tokenizers' `token_to_id` message, which transformers' fast classes raise.
            what = "'None'" if token is None else f"'{type(token).__name__}' object"
            raise TypeError(f"{what} is not an instance of 'str'")
        if added is not None and token not in added:
            token = token.lower()
        found = self._tokenizer.token_to_id(token)
        return self.unk_token_id if found is None else found

    def _lower_cased_lookup(self) -> dict[str, int] | None:
        """The added tokens, for the classes whose transformers class lower-cases every other token before
        looking it up (BlenderbotSmall); None for the others."""
        tokenizer_class = str(self._init_config.get("tokenizer_class") or "").removesuffix("Fast")
        return self.added_tokens_encoder if tokenizer_class in LOWER_CASED_LOOKUP else None

    def convert_ids_to_tokens(self, ids: int | Sequence[int], skip_special_tokens: bool = False) -> Any:
        ids = ids_list(ids)
        core = _marian.decoding_core(self)  # Marian's target vocabulary, with separate vocabularies
        if isinstance(ids, int):
            return core.id_to_token(_marian.target_ids(self, [ids])[0])
        skip = set(self.all_special_ids) if skip_special_tokens else set()
        kept = _marian.target_ids(self, [int(i) for i in ids if int(i) not in skip])
        return [core.id_to_token(i) for i in kept]

    def get_special_tokens_mask(
        self,
        token_ids_0: Sequence[int],
        token_ids_1: Sequence[int] | None = None,
        already_has_special_tokens: bool = False,
    ) -> list[int]:
        if not already_has_special_tokens:
            raise NotImplementedError("get_special_tokens_mask needs already_has_special_tokens=True")
        if token_ids_1 is not None:
            raise ValueError(
                "You should not supply a second sequence if the provided sequence of ids is already formatted "
                "with special tokens for the model."
            )
        special = set(self.all_special_ids)
        return [1 if int(i) in special else 0 for i in token_ids_0]

    # --- encoding -------------------------------------------------------------------------------------
    def __call__(
        self,
        text: str | Sequence[str] | Sequence[Sequence[str]] | None = None,
        text_pair: str | Sequence[str] | Sequence[Sequence[str]] | None = None,
        add_special_tokens: bool = True,
        padding: bool | str = False,
        truncation: bool | str | None = None,
        max_length: int | None = None,
        stride: int = 0,
        is_split_into_words: bool = False,
        pad_to_multiple_of: int | None = None,
        padding_side: str | None = None,
        return_tensors: str | None = None,
        return_token_type_ids: bool | None = None,
        return_attention_mask: bool | None = None,
        return_overflowing_tokens: bool = False,
        return_special_tokens_mask: bool = False,
        return_offsets_mapping: bool = False,
        return_length: bool = False,
        verbose: bool = True,
        **kwargs: Any,
    ) -> BatchEncoding:
        """Tokenize one text, a batch, or pairs of them, exactly as transformers' fast tokenizers do."""
        if "tokenizer_kwargs" in kwargs:
            named = {
                k: v for k, v in locals().items() if k not in ("self", "kwargs") and not k.startswith("__")
            }
            return self(**merge_tokenizer_kwargs(named, kwargs))
        if self._needs_phonemizer or "do_phonemize" in kwargs:
            self._check_phonemize(kwargs)
        if self._layout_settings is not None and not kwargs.pop("_layout_inner", False):
            from . import _layout

            return _layout.dispatch(self, text, text_pair, _call_arguments(locals()), kwargs)
        split = self._split_special_tokens
        if self._entity_settings is not None and (kwargs or self._entity_settings.task is not None):
            from . import _entities

            entity_result = _entities.call(self, text, text_pair, _call_arguments(locals()), kwargs)
            if entity_result is not None:
                return entity_result
        # A call encodes its text in input mode (its targets, `_targets.call`, in target mode).
        if self.__dict__.get("_lang_mode") not in (None, "source") and "_in_target_mode" not in self.__dict__:
            _targets.set_mode(self, "source")
        if kwargs and not _targets.TARGET_KEYS.isdisjoint(kwargs):
            arguments = _call_arguments(locals())
            return _targets.call(self, text, text_pair, arguments, kwargs)  # type: ignore[no-any-return]
        if self._roc_bert is not None and not kwargs.pop(_roc_bert.INNER, False):
            return _roc_bert.call(self, (text, text_pair), _call_arguments(locals()), kwargs)
        if kwargs:
            given = kwargs.pop("split_special_tokens", None)
            split = split if given is None else bool(given)
            if kwargs.pop("sanitize_control_tokens", False):  # text marked by apply_chat_template
                from ._chat_sanitize import encode_marked_call

                return encode_marked_call(  # type: ignore[no-any-return]
                    self,
                    text,
                    add_special_tokens,
                    padding,
                    truncation,
                    max_length,
                    pad_to_multiple_of,
                    padding_side,
                    return_attention_mask,
                    return_tensors,
                )
        if (
            text_pair is None
            and add_special_tokens is True
            and _plain_request(padding, truncation, max_length, stride, padding_side, return_tensors)
            and is_split_into_words is False
            and pad_to_multiple_of is None
            and return_token_type_ids is None
            and return_attention_mask is None
            and return_overflowing_tokens is False
            and return_special_tokens_mask is False
            and return_offsets_mapping is False
            and return_length is False
            and not kwargs
        ):
            plain = self._call_plain(text, verbose, split_special_tokens=split)
            if plain is not None:
                return plain
        first, second, is_batched = normalize_inputs(text, text_pair, bool(is_split_into_words))
        # Resolved once per distinct set of arguments (and settings: any change clears `_plans`), in
        # `plan_call`'s order. The types of the arguments whose values can compare equal across types are part
        # of the key, so that `padding=1` is not taken for `padding=True`.
        if self.__dict__.get(
            "_analysed"
        ):  # BertJapanese's analysers: no offsets, as transformers' class gives none
            return_offsets_mapping = False
        arguments = (
            add_special_tokens,
            padding,
            truncation,
            max_length,
            stride,
            is_split_into_words,
            pad_to_multiple_of,
            padding_side,
            return_tensors,
            return_token_type_ids,
            return_attention_mask,
            return_overflowing_tokens,
            return_special_tokens_mask,
            return_offsets_mapping,
            return_length,
            verbose,
            split,
        )
        key = (
            second is not None,
            is_batched,
            arguments,
            type(padding),
            type(truncation),
            type(max_length),
            type(stride),
        )
        try:
            plan = self._plans[key]
        except (KeyError, TypeError):  # TypeError: an unhashable argument (the checks below refuse it)
            plan = None
        if plan is None:
            plan = plan_call(self, is_batched, *arguments)
            if len(self._plans) >= _MAX_PLANS:
                self._plans.clear()
            self._plans[key] = plan
        if plan.cut is not None and second is not None and plan.cut[0] == "longest_first" and first:
            raise ValueError(
                "return_overflowing_tokens: this class returns no overflowing tokens for pairs truncated with "
                "longest_first; use truncation='only_first' or 'only_second'"
            )
        if not first:
            return self._empty_batch(plan.fields, plan.overflow, plan.tensor_type)
        # The core returns the fields in transformers' order, rows already unwrapped for a text given alone.
        data, encodings = self._encode(first, second, plan)
        if self._python_class:
            # No overflow fields with tensors; RoCBert still checks that every row or none was cut.
            cut = plan.cut if plan.tensor_type is None or self._roc_bert is not None else None
            data = _python_class_fields(
                data, encodings, is_batched, cut, second is not None, plan.tensor_type is None
            )
        if plan.check_length and not self._warned_too_long:
            ids = data["input_ids"]
            self._warn_if_too_long(ids.shape[-1] if hasattr(ids, "shape") else encodings.longest())
        return BatchEncoding._adopt(data, encodings, 2 if second is not None else 1)

    def _call_plain(
        self, text: Any, verbose: bool, ids_only: bool = False, split_special_tokens: bool = False
    ) -> BatchEncoding | None:
        """`tok(text)` or `tok(list_of_str)` with no padding, truncation or extra outputs, the commonest
        calls: the general path's result without its argument checks, which cost more than encoding a
        short line. None when `text` is anything else (the general path then handles or rejects it)."""
        single = type(text) is str
        if not single and not (type(text) is list and text):
            return None
        if ids_only:
            request = _PLAIN_REQUESTS[False, False, single, split_special_tokens]
        else:
            names = self.model_input_names
            request = _PLAIN_REQUESTS[
                "token_type_ids" in names, "attention_mask" in names, single, split_special_tokens
            ]
        try:
            data, encodings = self._tokenizer.encode_fields([text] if single else text, None, request)
        except TypeError:
            # Pairs as tuples, non-str items: the general path handles or names them.
            return None
        if verbose and not self._warned_too_long and encodings.longest() > self.model_max_length:
            self._warn_if_too_long(encodings.longest())
        # The core returns these fields in transformers' order (input_ids, token_type_ids, attention_mask).
        return BatchEncoding._adopt(data, encodings, 1)

    def _encode(
        self, first: list[Any], second: list[Any] | None, plan: CallPlan
    ) -> tuple[dict[str, Any], _core.Encodings]:
        # Lone surrogates are repaired by the core (as U+FFFD, surrogate pairs joined) on the way in.
        try:
            data, encodings = self._tokenizer.encode_fields(first, second, plan.request)
        except ValueError:
            if plan.lists_request is None:
                raise
            # Rows of different lengths: transformers makes object arrays for "np" and refuses "pt".
            data, encodings = self._tokenizer.encode_fields(first, second, plan.lists_request)
            return BatchEncoding(data, tensor_type=plan.tensor_type).data, encodings
        if plan.tensor_type == "pt":
            import torch

            data = {k: torch.from_numpy(v) if hasattr(v, "dtype") else v for k, v in data.items()}
        elif plan.tensor_type == "mlx":
            import mlx.core as mx

            data = {k: mx.array(v) if hasattr(v, "dtype") else v for k, v in data.items()}
        return data, encodings

    def _check_phonemize(self, kwargs: dict[str, Any]) -> None:
        """Wav2Vec2Phoneme phonemizes its text unless `do_phonemize=False` (a call's choice stays, as in
        transformers); ferrotok does not run the `phonemizer` package."""
        if "do_phonemize" in kwargs:
            self._needs_phonemizer = bool(kwargs.pop("do_phonemize")) and _needs_phonemizer(
                {**self._init_config, "do_phonemize": True}
            )
        if self._needs_phonemizer:
            raise ImportError(
                f"{self._init_config.get('tokenizer_class')} with do_phonemize=True needs the `phonemizer` "
                "package and espeak, which ferrotok does not run: pass phonemes separated by spaces with "
                "do_phonemize=False (in tokenizer_config.json or the call)"
            )

    def _empty_batch(self, fields: list[str], overflow: bool, tensor_type: str | None) -> BatchEncoding:
        keys = ["input_ids", *fields] + (["overflow_to_sample_mapping"] if overflow else [])
        data: dict[str, Any] = {key: [] for key in _FIELD_ORDER if key in keys}
        return BatchEncoding(data, tensor_type=tensor_type, n_sequences=1)

    def _warn_if_too_long(self, longest: int) -> None:
        if self._warned_too_long:
            return
        if longest > self.model_max_length:
            _log.warning(
                "Token indices sequence length is longer than the specified maximum sequence length for this "
                f"model ({longest} > {self.model_max_length}). Running this sequence through the model will "
                "result in indexing errors"
            )
            self._warned_too_long = True

    def encode(
        self,
        text: str | Sequence[str],
        text_pair: str | Sequence[str] | None = None,
        add_special_tokens: bool = True,
        padding: bool | str = False,
        truncation: bool | str | None = None,
        max_length: int | None = None,
        stride: int = 0,
        padding_side: str | None = None,
        return_tensors: str | None = None,
        **kwargs: Any,
    ) -> Any:
        """The input ids of one text (or pair)."""
        if self._needs_phonemizer or "do_phonemize" in kwargs:
            self._check_phonemize(kwargs)
        if (
            text_pair is None
            and add_special_tokens is True
            and not kwargs
            and _plain_request(padding, truncation, max_length, stride, padding_side, return_tensors)
        ):
            if type(text) is str:
                # One str, the commonest call of a serving thread: only the ids list is made.
                try:
                    ids = self._tokenizer.encode_ids(text, self._split_special_tokens)
                except (UnicodeEncodeError, TypeError):
                    pass  # the general path repairs or names what the core would not take
                else:
                    self._warn_if_too_long(len(ids))
                    return ids
            plain = self._call_plain(text, True, True, self._split_special_tokens)
            if plain is not None:
                return plain["input_ids"]
        if self._layout_settings is not None and getattr(self._layout_settings, "text_targets", False):
            kwargs["_layout_inner"] = True  # UDOP's `encode` takes plain text
        return self(
            text,
            text_pair,
            add_special_tokens=add_special_tokens,
            padding=padding,
            truncation=truncation,
            max_length=max_length,
            stride=stride,
            padding_side=padding_side,
            return_tensors=return_tensors,
            **kwargs,
        )["input_ids"]

    def tokenize(
        self, text: str, pair: str | None = None, add_special_tokens: bool = False, **kwargs: Any
    ) -> list[str]:
        """The token strings of one text (no special tokens unless asked)."""
        if self._layout_settings is not None:  # the layout classes tokenize plain text too
            kwargs["_layout_inner"] = True
        return self(text, pair, add_special_tokens=add_special_tokens, **kwargs).tokens()

    def pad(self, encoded_inputs: Any, *args: Any, **kwargs: Any) -> BatchEncoding:
        """`pad(encoded_inputs, padding=True, max_length=None, ...)`, transformers' signature; LUKE / mLUKE
        pad their entity fields too (and take `max_entity_length`)."""
        if self._entity_settings is not None:
            return _entity_padding.pad(self, encoded_inputs, *args, **kwargs)
        return pad_features(self, encoded_inputs, *args, **kwargs)


def _needs_phonemizer(config: dict[str, Any]) -> bool:
    """Whether a Wav2Vec2Phoneme tokenizer would phonemize its text (transformers' default)."""
    name = str(config.get("tokenizer_class") or "").removesuffix("Fast")
    return name in PHONEME_CTC_CLASSES and config.get("do_phonemize", True) is not False


# `__call__`'s own arguments that the LUKE entity path and the text_target path take over.
_CALL_ARGUMENTS = (
    "add_special_tokens",
    "padding",
    "truncation",
    "max_length",
    "stride",
    "is_split_into_words",
    "pad_to_multiple_of",
    "padding_side",
    "return_tensors",
    "return_token_type_ids",
    "return_attention_mask",
    "return_overflowing_tokens",
    "return_special_tokens_mask",
    "return_offsets_mapping",
    "return_length",
    "verbose",
)


def _call_arguments(frame: dict[str, Any]) -> dict[str, Any]:
    """`__call__`'s arguments by name, from its `locals()` (read only on those two paths)."""
    return {name: frame[name] for name in _CALL_ARGUMENTS}


def restore_added_tokens(core: Any, directory: str, settings: dict[str, Any]) -> None:
    """The added tokens of the folder's `added_tokens_decoder` past the vocabulary that the loader of a
    Python class's files did not add (the tokens `add_tokens` added before `save_pretrained`), each on the
    id it was saved with, before the special tokens are registered; the config's extra special tokens among
    the special ones join `settings["extra_special_tokens"]`, as transformers' Python classes read them."""
    from ._config import merged_config

    config = merged_config(directory)
    decoder = config.get("added_tokens_decoder")
    if not isinstance(decoder, dict):
        return
    vocab = core.get_vocab(True)
    for key, entry in sorted(decoder.items(), key=lambda kv: int(kv[0]) if kv[0].isdigit() else -1):
        if not key.isdigit() or not isinstance(entry, dict) or entry.get("content") in vocab:
            continue
        size = core.vocab_size(True)
        if int(key) < size:  # a token of the vocabulary the class's loader spells its own way
            continue
        if int(key) > size:  # a gap: the ids would differ, leave them out
            break
        flags = {k: entry[k] for k in _ADDED_FLAGS if isinstance(entry.get(k), bool)}
        core.add_tokens([{"content": entry["content"], **flags}])
        vocab[entry["content"]] = int(key)
    special_added = {e.get("content") for e in decoder.values() if isinstance(e, dict) and e.get("special")}
    extra = list(settings.get("extra_special_tokens") or [])
    listed = config.get("extra_special_tokens")
    for token in listed if isinstance(listed, list) else ():  # the config's extra specials among them
        if token in special_added and token not in extra:
            extra.append(token)
    if extra:
        settings["extra_special_tokens"] = extra
