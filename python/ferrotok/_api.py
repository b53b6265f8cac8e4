"""The rest of transformers 5's tokenizer API on `FerroTokenizer`: attributes and helpers that scripts read
(`added_tokens_decoder`, `vocab`, `init_kwargs`, `save_vocabulary`, ...), kept apart from the encoding code.

What is left out, and why, is listed in `LEFT_OUT` (the README's API section says the same).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any, ClassVar

from . import _fsmt, _roc_bert
from ._added_token import AddedToken, added_tokens_decoder
from ._config import CLASS_VOCABULARY_FILES, SPECIAL_TOKENS_ATTRIBUTES

# Public names of a transformers 5.24 fast tokenizer that ferrotok does not offer, with the reason.
LEFT_OUT = {
    "get_response_parser": "response parsing (model output → message dict) is not tokenization",
    "parse_response": "response parsing (model output → message dict) is not tokenization",
    "push_to_hub": "ferrotok never writes to the Hub; save_pretrained then huggingface_hub.upload_folder",
    "register_for_auto_class": "registers custom tokenizer code with transformers' Auto classes",
    "set_truncation_and_padding": "mutates the backend's settings; ferrotok passes them per call",
    "convert_to_native_format": "converts slow (pure-Python) tokenizer files, which ferrotok does not run",
}


# Per class family, the vocabulary files `vocab_files_names` lists (transformers' class attribute).
_VOCAB_FILES = {
    "WordPiece": {"vocab_file": "vocab.txt", "tokenizer_file": "tokenizer.json"},
    "BPE": {"vocab_file": "vocab.json", "merges_file": "merges.txt"},
}


class TransformersApiMixin:
    """Attributes and helpers of transformers' `TokenizersBackend` that are not about encoding."""

    SPECIAL_TOKENS_ATTRIBUTES: ClassVar[list[str]] = list(SPECIAL_TOKENS_ATTRIBUTES)
    # Constant answers transformers gives for fast tokenizers.
    chat_control_tokens: list[str] | None = None
    response_template: str | None = None
    slow_tokenizer_class: None = None
    pretrained_vocab_files_map: ClassVar[dict[str, Any]] = {}
    init_inputs: tuple[Any, ...] = ()
    can_save_slow_tokenizer = True
    backend = "tokenizers"  # the fast backend's name: code that checks it takes its fast path
    clean_up_tokenization_spaces_for_bpe_even_though_it_will_corrupt_output = False

    name_or_path: str
    _init_config: dict[str, Any]
    _tokenizer: Any
    _special: dict[str, str | None]

    def get_vocab(self) -> dict[str, int]:
        raise NotImplementedError

    def _model_kind(self) -> str:
        raise NotImplementedError

    def convert_tokens_to_ids(self, tokens: Any) -> Any:
        raise NotImplementedError

    # --- BERT's own settings (BertTokenizer attributes), only on WordPiece tokenizers with a BERT normalizer -------
    def _bert_settings(self) -> dict[str, Any]:
        if self._model_kind() != "WordPiece":
            return {}
        normalizer = json.loads(self._document(False)).get("normalizer") or {}  # type: ignore[attr-defined]
        if normalizer.get("type") != "BertNormalizer":
            return {}
        return {
            "do_lower_case": self._init_config.get("do_lower_case", normalizer.get("lowercase", True)),
            "strip_accents": self._init_config.get("strip_accents", normalizer.get("strip_accents")),
            "tokenize_chinese_chars": self._init_config.get(
                "tokenize_chinese_chars", normalizer.get("handle_chinese_chars", True)
            ),
        }

    def __getattr__(self, name: str) -> Any:
        if (
            name in ("do_lower_case", "strip_accents", "tokenize_chinese_chars")
            and "_tokenizer" in self.__dict__
        ):
            settings = self._bert_settings()
            if name in settings:
                return settings[name]
        entity_settings = self.__dict__.get("_entity_settings")  # LUKE / mLUKE
        if entity_settings is not None:
            from . import _entities  # imported already: it made the settings

            if name in _entities.ATTRIBUTES:
                return _entities.attribute(self, entity_settings, name)
        roc_bert = self.__dict__.get("_roc_bert")  # RoCBert's tables and their lookups
        if roc_bert is not None and name in _roc_bert.ATTRIBUTES:
            return _roc_bert.attribute(self, roc_bert, name)
        layout = self.__dict__.get("_layout_settings")  # LayoutLMv2 / v3 / LayoutXLM / UDOP / MarkupLM
        if layout is not None:
            from . import _layout

            if name in _layout.attribute_names(layout):
                return _layout.attribute(self, layout, name)
        # A class's own named special tokens (Splinter's `question_token`) and their ids.
        special = self.__dict__.get("_special", {})
        base = name.removesuffix("_id")
        if base in special and base not in SPECIAL_TOKENS_ATTRIBUTES:
            token = special[base]
            return token if base == name or token is None else self.convert_tokens_to_ids(token)
        if "_init_config" in self.__dict__:  # the translation classes' language attributes
            from . import _marian, _targets

            found = _targets.language_attribute(self, name)
            if found is not _targets.UNSET:
                return found
            found = _marian.attribute(self, name)
            if found is not _marian.UNSET:
                return found
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __dir__(self) -> list[str]:
        from . import _marian, _targets

        classes: set[str] = set()
        if "_init_config" in self.__dict__:  # the translation classes' attributes
            classes = {*_targets.attribute_names(self), *_marian.attribute_names(self)}
        return sorted({*super().__dir__(), *self._bert_settings(), *classes})

    # --- attributes --------------------------------------------------------------------------------------
    @property
    def verbose(self) -> bool:
        return bool(self._init_config.get("verbose", False))

    @property
    def deprecation_warnings(self) -> dict[str, bool]:
        return {}

    @property
    def files_loaded(self) -> list[str]:
        return []

    @property
    def add_bos_token(self) -> bool:
        return bool(self.__dict__.get("_add_bos_token", self._init_config.get("add_bos_token", False)))

    @add_bos_token.setter
    def add_bos_token(self, value: bool) -> None:
        self._add_bos_token = bool(value)
        self.update_post_processor()

    @property
    def add_eos_token(self) -> bool:
        return bool(self.__dict__.get("_add_eos_token", self._init_config.get("add_eos_token", False)))

    @add_eos_token.setter
    def add_eos_token(self, value: bool) -> None:
        self._add_eos_token = bool(value)
        self.update_post_processor()

    def update_post_processor(self) -> None:
        """Replace the post-processor with transformers 5's template: `bos_token` before and `eos_token` after
        each sequence, as `add_bos_token` / `add_eos_token` say (what setting either flag does, for every class;
        a flag whose token is None is turned off). The second sequence and its tokens get type id 1."""
        tokens: dict[str, tuple[str, int]] = {}
        for flag, name in (("_add_bos_token", "bos_token"), ("_add_eos_token", "eos_token")):
            token = self._special.get(name)
            if token is None:
                if getattr(self, flag[1:]):
                    self.__dict__[flag] = False
                continue
            if getattr(self, flag[1:]):
                token_id = self.convert_tokens_to_ids(token)  # the unk id for a token outside the vocabulary
                if token_id is None:
                    raise ValueError(f"{name}: {token!r} is not in the vocabulary and there is no unk_token")
                tokens[flag] = (token, token_id)

        def sequence(seq: str, type_id: int) -> list[dict[str, Any]]:
            pieces: list[dict[str, Any]] = [{"Sequence": {"id": seq, "type_id": type_id}}]
            if "_add_bos_token" in tokens:
                pieces.insert(0, {"SpecialToken": {"id": tokens["_add_bos_token"][0], "type_id": type_id}})
            if "_add_eos_token" in tokens:
                pieces.append({"SpecialToken": {"id": tokens["_add_eos_token"][0], "type_id": type_id}})
            return pieces

        document = {
            "type": "TemplateProcessing",
            "single": sequence("A", 0),
            "pair": sequence("A", 0) + sequence("B", 1),
            "special_tokens": {
                token: {"id": token, "ids": [token_id], "tokens": [token]}
                for token, token_id in tokens.values()
            },
        }
        self._tokenizer.set_post_processor(json.dumps(document))

    @property
    def add_prefix_space(self) -> bool:
        return bool(self._init_config.get("add_prefix_space", False))

    @property
    def model(self) -> Any:
        """The backend model's description (type, unk_token, ...)."""
        return self._tokenizer.model

    @property
    def vocab(self) -> dict[str, int]:
        return self.get_vocab()

    @property
    def vocab_files_names(self) -> dict[str, str]:
        if _fsmt.is_fsmt(self):
            return dict(_fsmt.VOCAB_FILES_NAMES)
        return dict(_VOCAB_FILES.get(self._model_kind(), {"tokenizer_file": "tokenizer.json"}))

    @property
    def vocab_file(self) -> str | None:
        """The folder's vocabulary file (vocab.txt / vocab.json) when it has one."""
        name = self.vocab_files_names.get("vocab_file")
        path = os.path.join(self.name_or_path, name) if name and self.name_or_path else None
        return path if path and os.path.isfile(path) else None

    @property
    def added_tokens_decoder(self) -> dict[int, AddedToken]:
        """Id → AddedToken for every added token, sorted by id."""
        return added_tokens_decoder(self._tokenizer.added_tokens())

    @property
    def init_kwargs(self) -> dict[str, Any]:
        """The configuration the tokenizer was created from (tokenizer_config.json's entries and the special
        tokens), with the added tokens as `added_tokens_decoder`."""
        kwargs = dict(self._init_config)
        kwargs.update({k: v for k, v in self._special.items() if v is not None})
        kwargs["name_or_path"] = self.name_or_path
        kwargs["added_tokens_decoder"] = self.added_tokens_decoder
        kwargs.setdefault("backend", self.backend)
        return kwargs

    # --- transformers 4 names (removed in 5), for scripts written against them ---------------------------
    def encode_plus(self, text: Any, text_pair: Any = None, **kwargs: Any) -> Any:
        """transformers 4's single-input call: the same as `tokenizer(text, text_pair, **kwargs)`."""
        return self(text, text_pair, **kwargs)  # type: ignore[operator]

    def batch_encode_plus(self, batch_text_or_text_pairs: Sequence[Any], **kwargs: Any) -> Any:
        """transformers 4's batch call: texts, or (text, pair) tuples."""
        if (
            self.__dict__.get("_layout_settings") is not None
        ):  # words with boxes: `is_pair` says what `batch` holds
            from . import _layout

            return _layout.dispatch_batch(self, batch_text_or_text_pairs, kwargs.pop("is_pair", None), kwargs)
        batch = list(batch_text_or_text_pairs)
        if batch and isinstance(batch[0], tuple) and not kwargs.get("is_split_into_words"):
            firsts, seconds = zip(*batch, strict=True)
            return self(list(firsts), list(seconds), **kwargs)  # type: ignore[operator]
        return self(batch, **kwargs)  # type: ignore[operator]

    # --- helpers -----------------------------------------------------------------------------------------
    @classmethod
    def convert_added_tokens(cls, obj: Any, save: bool = False, add_type_field: bool = True) -> Any:
        """AddedToken ↔ its serialized dict (`{"__type": "AddedToken", ...}`), recursively, as transformers."""
        if isinstance(obj, dict) and obj.get("__type") == "AddedToken":
            fields = {k: v for k, v in obj.items() if k != "__type"}
            return AddedToken(**fields)
        if isinstance(obj, AddedToken) and save:
            state = obj.__getstate__()
            if add_type_field:
                state["__type"] = "AddedToken"
            else:
                state.pop("special")
            return state
        if isinstance(obj, (list, tuple)):
            return [cls.convert_added_tokens(o, save=save, add_type_field=add_type_field) for o in obj]
        if isinstance(obj, dict):
            return {
                k: cls.convert_added_tokens(v, save=save, add_type_field=add_type_field)
                for k, v in obj.items()
            }
        return obj

    def save_vocabulary(
        self, save_directory: str | os.PathLike[str], filename_prefix: str | None = None
    ) -> tuple[str, ...]:
        """Write the model's vocabulary files: vocab.txt for WordPiece, vocab.json + merges.txt for BPE
        (tokenizer.json for other models); returns their paths."""
        directory = os.fspath(save_directory)
        if not os.path.isdir(directory):
            raise OSError(f"save_vocabulary: save_directory ({directory}) should be a directory")
        kind = self._model_kind()
        prefix = f"{filename_prefix}-" if filename_prefix else ""
        tokenizer_class = str(self._init_config.get("tokenizer_class") or "").removesuffix("Fast")
        if tokenizer_class == "CpmAntTokenizer":
            return (self._save_cpm_ant_vocabulary(directory, filename_prefix),)
        if tokenizer_class == _fsmt.FSMT:  # the three files the class reads, when this was read from them
            written = _fsmt.save_files(self, directory, filename_prefix)
            if written:
                return written
        if kind in ("WordPiece", "BPE"):
            # The files tokenizers' `Model.save` writes, byte for byte.
            paths = tuple(self.backend_tokenizer.model.save(directory, filename_prefix))
            if tokenizer_class == "ProphetNetTokenizer":  # its vocab.txt under the name the class reads
                renamed = os.path.join(directory, prefix + CLASS_VOCABULARY_FILES[tokenizer_class])
                os.replace(paths[0], renamed)
                paths = (renamed,)
            return paths
        if kind == "WordLevel" and tokenizer_class in CLASS_VOCABULARY_FILES:
            # The character / protein classes: the vocabulary file their Python class reads back.
            model = json.loads(self._tokenizer.to_str(False))["model"]
            path = os.path.join(directory, prefix + CLASS_VOCABULARY_FILES[tokenizer_class])
            by_id = dict(sorted(model["vocab"].items(), key=lambda kv: kv[1]))
            with open(path, "w", encoding="utf-8") as f:
                if path.endswith(".txt"):
                    f.write("\n".join(by_id))
                else:
                    lang = self._init_config.get("target_lang")
                    json.dump({lang: by_id} if lang else by_id, f, ensure_ascii=False)
            return (path,)
        if kind == "Codes" and tokenizer_class == "MyT5Tokenizer":  # the maps, as the class writes them
            maps = json.loads(self._tokenizer.to_str(False))["model"].get("rewrite") or {}
            path = os.path.join(directory, prefix + CLASS_VOCABULARY_FILES[tokenizer_class])
            with open(path, "w", encoding="utf-8") as f:
                f.write(json.dumps(maps, indent=2, ensure_ascii=False))
            return (path,)
        if kind == "SubwordJapanese":  # GPTNeoXJapanese: vocab.txt and emoji.json
            return _save_subword_japanese(json.loads(self._tokenizer.to_str(False)), directory, prefix)
        if kind == "DigitComma" and tokenizer_class == "CpmTokenizer":  # transformers reads spiece.model
            return (self._copy_model_file(directory, prefix, "spiece.model"),)
        if kind == "Mapped" and tokenizer_class == "BartphoTokenizer":
            return self._save_bartpho(directory, prefix)
        if kind == "FastBPE" and tokenizer_class in _FASTBPE_JSON_CLASSES:  # vocab.json and merges.txt
            return _save_fastbpe_json(json.loads(self._tokenizer.to_str(False))["model"], directory, prefix)
        if kind == "FastBPE":  # PhoBERT, BERTweet: fastBPE's vocab.txt and bpe.codes (counts written as 1)
            return _save_fastbpe(json.loads(self._tokenizer.to_str(False))["model"], directory, prefix)
        path = os.path.join(directory, prefix + "tokenizer.json")
        with open(path, "w", encoding="utf-8") as f:
            f.write(self._tokenizer.to_str(True))
        return (path,)

    def _save_cpm_ant_vocabulary(self, directory: str, filename_prefix: str | None) -> str:
        """CPM-Ant's vocab.txt: the tokens by id, its space and newline tokens spelled as the class reads them."""
        prefix = f"{filename_prefix}-" if filename_prefix else ""
        path = os.path.join(directory, prefix + "vocab.txt")
        model = json.loads(self._tokenizer.to_str(False))["model"]
        spelled = {
            " ": str(self._init_config.get("space_token") or "</_>"),
            "\n": str(self._init_config.get("line_token") or "</n>"),
        }
        by_id = sorted(model["vocab"].items(), key=lambda kv: kv[1])
        with open(path, "w", encoding="utf-8") as f:
            f.write("".join(spelled.get(token, token) + "\n" for token, _ in by_id))
        return path

    def _save_bartpho(self, directory: str, prefix: str) -> tuple[str, ...]:
        """dict.txt (the tokens that are not special, in id order) and the SentencePiece model, copied from
        the folder it was loaded from (ferrotok keeps no copy of its bytes)."""
        vocab = json.loads(self._tokenizer.to_str(False))["model"]["vocab"]
        special = set(self.all_special_tokens)  # type: ignore[attr-defined]
        dict_path = os.path.join(directory, prefix + "dict.txt")
        with open(dict_path, "w", encoding="utf-8") as f:
            f.write(
                "".join(
                    f"{t} 1\n" for t, _ in sorted(vocab.items(), key=lambda kv: kv[1]) if t not in special
                )
            )
        return self._copy_model_file(directory, prefix, "sentencepiece.bpe.model"), dict_path

    def _copy_model_file(self, directory: str, prefix: str, name: str) -> str:
        """The SentencePiece model `name`, copied from the folder it was loaded from (ferrotok keeps no copy
        of its bytes)."""
        source = os.path.join(self.name_or_path or "", name)
        target = os.path.join(directory, prefix + name)
        if not os.path.isfile(source):
            raise OSError(f"save_vocabulary: {source} (the SentencePiece model to copy) is missing")
        if os.path.abspath(source) != os.path.abspath(target):
            import shutil  # here: saving only (its import costs every run's start-up)

            shutil.copyfile(source, target)
        return target

    def save_chat_templates(
        self,
        save_directory: str | os.PathLike[str],
        tokenizer_config: dict[str, Any],
        filename_prefix: str | None = None,
        save_jinja_files: bool = True,
    ) -> tuple[dict[str, Any], list[str]]:
        """Write the chat template(s) as transformers 5 does; returns the config and the files written."""
        from .chat import write_chat_templates

        template = getattr(self, "chat_template", None)
        files = write_chat_templates(
            os.fspath(save_directory), template, tokenizer_config, save_jinja_files, filename_prefix
        )
        return tokenizer_config, files


# Classes whose fastBPE pieces and merges are read from vocab.json and merges.txt.
def _save_subword_japanese(document: dict[str, Any], directory: str, prefix: str) -> tuple[str, str]:
    """vocab.txt (each id's variants joined by commas) and emoji.json (the emoji the normalizer replaces,
    in its order, and the model's tags) as GPTNeoXJapanese's class writes them."""
    model = document["model"]
    vocab = os.path.join(directory, prefix + "vocab.txt")
    with open(vocab, "w", encoding="utf-8", newline="") as f:
        f.write("".join(",".join(line) + "\n" for line in model["lines"]))
    steps = (document.get("normalizer") or {}).get("normalizers") or []
    # The first eight replacements are the class's spaces, newlines, tabs and dashes; then its emoji.
    emoji = {step["pattern"]["String"]: step["content"] for step in steps[8:]}
    path = os.path.join(directory, prefix + "emoji.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"emoji": emoji, "emoji_inv": model.get("emoji_inv") or {}}, f)
    return vocab, path


_FASTBPE_JSON_CLASSES = frozenset({"CTRLTokenizer", "BlenderbotSmallTokenizer"})


def _save_fastbpe_json(model: dict[str, Any], directory: str, prefix: str) -> tuple[str, str]:
    """vocab.json (the tokens by id) and merges.txt (a `#version` header, one `left right` line per merge), as
    the class reads them back."""
    vocab_path = os.path.join(directory, prefix + "vocab.json")
    merges_path = os.path.join(directory, prefix + "merges.txt")
    with open(vocab_path, "w", encoding="utf-8") as f:
        json.dump(dict(sorted(model["vocab"].items(), key=lambda kv: kv[1])), f, ensure_ascii=False)
    with open(merges_path, "w", encoding="utf-8") as f:
        merges = (m.split(" ", 1) if isinstance(m, str) else m for m in model["merges"])
        f.write("".join(f"{line}\n" for line in ["#version: 0.2", *(f"{a} {b}" for a, b in merges)]))
    return vocab_path, merges_path


def _save_fastbpe(model: dict[str, Any], directory: str, prefix: str) -> tuple[str, str]:
    """vocab.txt (the tokens after the class's four leading specials, in id order) and bpe.codes, as the
    class reads them back."""
    vocab_path = os.path.join(directory, prefix + "vocab.txt")
    codes_path = os.path.join(directory, prefix + "bpe.codes")
    tokens = [t for t, i in sorted(model["vocab"].items(), key=lambda kv: kv[1]) if i >= 4]
    with open(vocab_path, "w", encoding="utf-8") as f:
        f.write("".join(f"{t} 1\n" for t in tokens))
    with open(codes_path, "w", encoding="utf-8") as f:
        merges = (m.split(" ", 1) if isinstance(m, str) else m for m in model["merges"])
        f.write("".join(f"{a} {b} 1\n" for a, b in merges))
    return vocab_path, codes_path
