"""Inline markup in user text: **bold**, ==highlight==, {red: coloured pen}, and emoji.

A backslash makes the next character literal (\\*, \\=, \\{, \\}, \\\\). Markup nests.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from pylatex.utils import NoEscape

from . import emoji
from .escape import ZERO_WIDTH, escape_text
from .theme import PEN_COLOURS

_PEN_OPEN = re.compile(r"\{([a-z]+):\s?")


@dataclass
class Span:
    """A piece of parsed text: kind is text, bold, highlight, pen or emoji."""

    kind: str
    text: str = ""
    children: list["Span"] = field(default_factory=list)


def parse(text: str) -> tuple[list[Span], list[str]]:
    """Parse markup into spans, with a message for every problem found."""
    problems: list[str] = []
    root = Span("root")
    stack = [root]
    buf: list[str] = []

    def flush() -> None:
        if buf:
            stack[-1].children.append(Span("text", "".join(buf)))
            buf.clear()

    def open_span(span: Span) -> None:
        flush()
        stack[-1].children.append(span)
        stack.append(span)

    def close_span(kind: str) -> bool:
        if stack[-1].kind != kind:
            return False
        flush()
        stack.pop()
        return True

    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            buf.append(text[i + 1])
            i += 2
            continue
        pair = text[i : i + 2]
        if pair in ("**", "=="):
            kind = "bold" if pair == "**" else "highlight"
            if not close_span(kind):
                if any(s.kind == kind for s in stack):
                    problems.append(f"'{pair}' at position {i + 1} closes a span opened inside another")
                open_span(Span(kind))
            i += 2
            continue
        pen = _PEN_OPEN.match(text, i)
        if pen:
            if pen.group(1) not in PEN_COLOURS:
                problems.append(
                    f"unknown pen colour '{pen.group(1)}' (known: {', '.join(sorted(PEN_COLOURS))})"
                )
            open_span(Span("pen", pen.group(1)))
            i = pen.end()
            continue
        if char == "}" and stack[-1].kind == "pen":
            close_span("pen")
            i += 1
            continue
        if emoji.is_emoji_start(text, i):
            end = emoji.take_cluster(text, i)
            flush()
            stack[-1].children.append(Span("emoji", text[i:end]))
            i = end
            continue
        buf.append(char)
        i += 1
    flush()
    for span in stack[1:]:
        opener = {"bold": "**", "highlight": "==", "pen": "{" + span.text + ":"}[span.kind]
        closer = {"bold": "**", "highlight": "==", "pen": "}"}[span.kind]
        problems.append(f"'{opener}' is never closed with '{closer}' (write \\{closer[0]} for a literal one)")
    return root.children, problems


def check(text: str) -> list[str]:
    """Every problem with a piece of markup: syntax and emoji the icon set lacks."""
    spans, problems = parse(text)
    known = emoji.known_codes() if _has_emoji(spans) else frozenset()
    for cluster in _emoji_in(spans):
        if emoji.emoji_code(cluster) not in known:
            problems.append(f"emoji {cluster} (U+{emoji.emoji_code(cluster).upper()}) has no Twemoji icon")
    return problems


def plain(text: str) -> str:
    """The text a reader sees, markup removed."""
    return "".join(_plain(s) for s in parse(text)[0])


def plain_characters(text: str) -> str:
    """The characters of the text that a font must draw: markup and emoji removed."""
    drawn = unicodedata.normalize("NFC", "".join(_drawn(s) for s in parse(text)[0]))
    return "".join(c for c in drawn if c not in ZERO_WIDTH)


def to_latex(text: str, *, inline: bool = False) -> NoEscape:
    """Render checked markup as LaTeX; newlines become paragraph breaks unless inline."""
    return NoEscape("".join(_render(s, inline) for s in parse(text)[0]))


def emoji_to_latex(cluster: str) -> NoEscape:
    """An emoji cluster as its Twemoji icon, with its characters as invisible text."""
    return NoEscape(f"\\tsemoji{{{emoji.emoji_code(cluster)}}}{{{escape_text(emoji.hidden_text(cluster))}}}")


def _plain(span: Span) -> str:
    if span.kind in ("text", "emoji"):
        return span.text
    return "".join(_plain(s) for s in span.children)


def _drawn(span: Span) -> str:
    if span.kind == "emoji":
        return ""
    if span.kind == "text":
        return span.text
    return "".join(_drawn(s) for s in span.children)


def _emoji_in(spans: list[Span]):
    for span in spans:
        if span.kind == "emoji":
            yield span.text
        yield from _emoji_in(span.children)


def _has_emoji(spans: list[Span]) -> bool:
    return next(_emoji_in(spans), None) is not None


def _render(span: Span, inline: bool) -> str:
    inner = "".join(_render(s, inline) for s in span.children)
    if span.kind == "text":
        parts = span.text.split("\n")
        joiner = " " if inline else "\\par "
        return joiner.join(escape_text(p) for p in parts)
    if span.kind == "emoji":
        return emoji_to_latex(span.text)
    if span.kind == "bold":
        return f"\\textbf{{{inner}}}"
    if span.kind == "pen":
        return f"\\textcolor{{ts-{span.text}}}{{{inner}}}"
    return " ".join(f"\\tshl{{{word}}}" for word in _words(span, inline))


def _words(span: Span, inline: bool) -> list[str]:
    """A highlight split at spaces, so that TeX can break its lines between words."""
    words: list[str] = [""]
    for child in span.children:
        if child.kind != "text":
            words[-1] += _render(child, inline)
            continue
        pieces = re.split(r"\s+", child.text)
        for n, piece in enumerate(pieces):
            if n:
                words.append("")
            words[-1] += escape_text(piece)
    return [w for w in words if w]
