"""Special-token attributes and added tokens of `FerroTokenizer` (transformers' SpecialTokensMixin behaviour).

`tok.pad_token = tok.eos_token` only renames; `add_special_tokens` / `add_tokens` also register the tokens in
the Rust core so that they are never split.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ._config import SPECIAL_TOKENS_ATTRIBUTES, token_content

_ADDED_TOKEN_FLAGS = ("single_word", "lstrip", "rstrip", "normalized", "special")


def added_token_dict(token: object, special: bool) -> dict[str, Any]:
    """str / AddedToken-like object / dict → the dict `_core.Tokenizer.add_tokens` takes."""
    if isinstance(token, str):
        return {"content": token, "special": special, "normalized": not special}
    if isinstance(token, Mapping):
        out = {k: token[k] for k in ("content", *_ADDED_TOKEN_FLAGS) if k in token}
        if not isinstance(out.get("content"), str):
            raise TypeError(f"added token dict without a string `content`: {token!r}")
    else:
        content = getattr(token, "content", None)
        if not isinstance(content, str):
            raise TypeError(f"new_tokens: expected str or AddedToken, got {type(token).__name__}")
        out = {"content": content}
        for flag in _ADDED_TOKEN_FLAGS:
            value = getattr(token, flag, None)
            if isinstance(value, bool):
                out[flag] = value
    if special:
        out["special"] = True
    out.setdefault("special", False)
    out.setdefault("normalized", not out["special"])
    return out


class SpecialTokensMixin:
    """Named special tokens (bos/eos/unk/sep/pad/cls/mask + `_id` variants) and extra special tokens."""

    _special: dict[str, str | None]
    _extra_special: list[str]
    _tokenizer: Any
    _plans: dict[Any, Any]

    bos_token: str | None
    eos_token: str | None
    unk_token: str | None
    sep_token: str | None
    pad_token: str | None
    cls_token: str | None
    mask_token: str | None
    bos_token_id: int | None
    eos_token_id: int | None
    unk_token_id: int | None
    sep_token_id: int | None
    pad_token_id: int | None
    cls_token_id: int | None
    mask_token_id: int | None

    def convert_tokens_to_ids(self, tokens: str | Iterable[str]) -> Any:
        raise NotImplementedError

    def convert_ids_to_tokens(self, ids: int | Sequence[int], skip_special_tokens: bool = False) -> Any:
        raise NotImplementedError

    def _set_special(self, name: str, value: object) -> None:
        self._special[name] = token_content(value)
        self._plans = {}  # resolved call plans hold the pad id

    @property
    def special_tokens_map(self) -> dict[str, str]:
        return {k: v for k, v in self._special.items() if v is not None}

    @property
    def extra_special_tokens(self) -> list[str]:
        return list(self._extra_special)

    @extra_special_tokens.setter
    def extra_special_tokens(self, value: Iterable[object] | None) -> None:
        self._extra_special = [] if value is None else [t for t in map(token_content, value) if t is not None]

    @property
    def extra_special_tokens_ids(self) -> list[int]:
        return self.convert_tokens_to_ids(self._extra_special)

    # transformers v4 name of the same list.
    additional_special_tokens = extra_special_tokens
    additional_special_tokens_ids = extra_special_tokens_ids

    @property
    def all_special_tokens(self) -> list[str]:
        seen: dict[str, None] = {}
        for token in (*self._special.values(), *self._extra_special):
            if token is not None:
                seen.setdefault(token)
        return list(seen)

    @property
    def all_special_ids(self) -> list[int]:
        return self.convert_tokens_to_ids(self.all_special_tokens)

    def add_tokens(self, new_tokens: object, special_tokens: bool = False) -> int:
        """Add tokens to the vocabulary (never split); returns how many the core counted as new."""
        if not new_tokens:
            return 0
        if not isinstance(new_tokens, (list, tuple)):
            new_tokens = [new_tokens]
        self._plans = {}  # a new token may be the pad token
        dicts = [added_token_dict(t, special_tokens) for t in new_tokens]
        if self.__dict__.get("_analysed"):  # BertJapanese's analysers: matched in the text, as the class does
            dicts = [{**d, "normalized": False} for d in dicts]
        added = int(self._tokenizer.add_tokens(dicts))
        if self.__dict__.get("_python_class"):  # transformers' Python classes list them as extra specials
            special = set(self.all_special_tokens)  # type: ignore[attr-defined]
            for entry in dicts:
                if (special_tokens or entry.get("special")) and entry["content"] not in special:
                    self._extra_special.append(entry["content"])
                    special.add(entry["content"])
        return added

    def add_special_tokens(
        self,
        special_tokens_dict: Mapping[str, object],
        replace_extra_special_tokens: bool = True,
    ) -> int:
        """Set named special tokens (and extra ones) and add them to the vocabulary as special tokens."""
        if not special_tokens_dict:
            return 0
        items = dict(special_tokens_dict)
        if "additional_special_tokens" in items and not items.get("extra_special_tokens"):
            items["extra_special_tokens"] = items.pop("additional_special_tokens")
        allowed = {*SPECIAL_TOKENS_ATTRIBUTES, "extra_special_tokens"}
        to_add: list[object] = []
        for key, value in items.items():
            if key not in allowed:
                raise ValueError(f"Key {key} is not a valid special token. Valid keys are: {allowed}")
            if key == "extra_special_tokens":
                if not isinstance(value, (list, tuple)):
                    raise ValueError(
                        f"Tokens {value} for key {key} should all be str or AddedToken instances"
                    )
                fresh = [
                    t
                    for t in value
                    if replace_extra_special_tokens or token_content(t) not in self._extra_special
                ]
                names = [token_content(t) or "" for t in fresh]
                if replace_extra_special_tokens and fresh:
                    self._extra_special = names
                else:
                    self._extra_special.extend(names)
                to_add.extend(fresh)
            else:
                if not isinstance(value, str) and getattr(value, "content", None) is None:
                    raise ValueError(f"Token {value} for key {key} should be a str or an AddedToken instance")
                self._set_special(key, value)
                to_add.append(value)
        dicts = []
        for token in to_add:
            d = added_token_dict(token, True)
            if isinstance(token, str):
                d.update(lstrip=False, rstrip=False, single_word=False)
            dicts.append(d)
        self._plans = {}
        return int(self._tokenizer.add_tokens(dicts)) if dicts else 0

    def _register_special_tokens(self) -> None:
        """Make every named/extra special token an added token of the core, as transformers does at load."""
        known = {t["content"] for t in self._tokenizer.added_tokens()}
        # A class's own named tokens (Splinter's question token) are added by the loader where transformers adds
        # them, not here.
        named = [v for k, v in self._special.items() if k in SPECIAL_TOKENS_ATTRIBUTES and v is not None]
        missing = [t for t in dict.fromkeys((*named, *self._extra_special)) if t not in known]
        if missing:
            self._tokenizer.add_tokens([added_token_dict(t, True) for t in missing])


def _special_property(name: str) -> property:
    def get(self: SpecialTokensMixin) -> str | None:
        return self._special.get(name)

    def set_(self: SpecialTokensMixin, value: object) -> None:
        self._set_special(name, value)

    return property(get, set_, doc=f"The {name} (str), or None when not set.")


def _special_id_property(name: str) -> property:
    def get(self: SpecialTokensMixin) -> int | None:
        token = self._special.get(name)
        return None if token is None else self.convert_tokens_to_ids(token)

    def set_(self: SpecialTokensMixin, value: int | None) -> None:
        self._set_special(name, None if value is None else self.convert_ids_to_tokens(value))

    return property(get, set_, doc=f"The id of {name}, or None when not set.")


for _name in SPECIAL_TOKENS_ATTRIBUTES:
    setattr(SpecialTokensMixin, _name, _special_property(_name))
    setattr(SpecialTokensMixin, f"{_name}_id", _special_id_property(_name))
