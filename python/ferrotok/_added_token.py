"""`AddedToken`, shared by both APIs (`ferrotok.Tokenizer` and the transformers drop-in), and the one
conversion from the core's added-token dicts to `AddedToken` objects."""

from __future__ import annotations

from typing import Any

_FLAGS = ("single_word", "lstrip", "rstrip", "normalized", "special")


class AddedToken:
    """A token added to the vocabulary (tokenizers' `AddedToken`, which transformers re-exports): never
    split, matched as a whole. It prints, compares and pickles as tokenizers' does.

    `normalized`, when not given, is the opposite of `special` (also once `add_special_tokens` makes the
    token special), as in tokenizers.
    """

    __slots__ = ("_normalized", "content", "lstrip", "rstrip", "single_word", "special")

    def __init__(
        self,
        content: str = "",
        single_word: bool = False,
        lstrip: bool = False,
        rstrip: bool = False,
        normalized: bool | None = None,
        special: bool = False,
    ) -> None:
        if not isinstance(content, str):
            raise TypeError(f"content: expected str, got {type(content).__name__}")
        self.content = content
        self.single_word = bool(single_word)
        self.lstrip = bool(lstrip)
        self.rstrip = bool(rstrip)
        self.special = bool(special)
        self._normalized = None if normalized is None else bool(normalized)

    @property
    def normalized(self) -> bool:
        return (not self.special) if self._normalized is None else self._normalized

    @normalized.setter
    def normalized(self, value: bool) -> None:
        self._normalized = bool(value)

    def __getstate__(self) -> dict[str, Any]:
        """tokenizers' state: the content and the five flags, `normalized` resolved."""
        return {"content": self.content, **{k: getattr(self, k) for k in _FLAGS}}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)  # type: ignore[misc]

    def __eq__(self, other: object) -> bool:
        # Equal to any AddedToken-like object (tokenizers' own included) with the same content and flags.
        content = getattr(other, "content", None)
        if not isinstance(content, str):
            return NotImplemented
        return content == self.content and all(getattr(other, k, None) == getattr(self, k) for k in _FLAGS)

    def __hash__(self) -> int:
        return hash(self.content)

    def __str__(self) -> str:
        return self.content

    def __repr__(self) -> str:
        flags = ", ".join(
            f"{k}={getattr(self, k)}" for k in ("rstrip", "lstrip", "single_word", "normalized", "special")
        )
        return f'AddedToken("{self.content}", {flags})'


def added_tokens_decoder(entries: list[dict[str, Any]]) -> dict[int, AddedToken]:
    """The core's added-token dicts (`_core.Tokenizer.added_tokens()`) → id → AddedToken, sorted by id."""
    return {
        t["id"]: AddedToken(t["content"], **{k: t[k] for k in _FLAGS})
        for t in sorted(entries, key=lambda t: t["id"])
    }


def special_entry(content: str, token_id: int) -> dict[str, Any]:
    """A special token's entry in a tokenizer.json's `added_tokens` (tokenizers' default flags)."""
    return {
        "id": token_id,
        "content": content,
        "single_word": False,
        "lstrip": False,
        "rstrip": False,
        "normalized": False,
        "special": True,
    }
