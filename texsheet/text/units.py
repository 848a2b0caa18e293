"""Lengths as the generated .tex writes them."""
from __future__ import annotations

PT = 25.4 / 72.27  # millimetres in a TeX point


def fmt(number: float) -> str:
    """The one number format of the generated .tex: at most two decimals, no trailing zeros."""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
