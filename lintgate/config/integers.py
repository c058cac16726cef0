"""Integers in a config file as its readers keep them (lintgate.json's and pyproject.toml's
alike, so that both get the same verdicts)."""

from __future__ import annotations

__all__ = ["HugeInt", "config_int"]

_INT_DIGITS = 18


class HugeInt(str):
    """An integer of more than 18 digits, kept as its text: no key takes one, and converting
    it would cost time (Python refuses more than 4300 digits)."""


def config_int(text: str) -> int | HugeInt:
    """The integer written `text` (decimal digits, maybe a minus sign): an int, or a HugeInt
    when it has more than 18 digits."""
    return HugeInt(text) if len(text.lstrip("-")) > _INT_DIGITS else int(text)
