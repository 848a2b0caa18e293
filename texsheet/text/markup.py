"""Inline markup in user text, parsed into spans.

**bold**, ==highlight==, {red: coloured pen}, `code` (CommonMark code spans), $math$ and
$$display math$$ (pandoc's rules for what opens and closes), and emoji typed as themselves.
A backslash escapes only the characters markup gives a meaning to (\\ * = { } ` $); before
any other character it is an ordinary backslash, so C:\\Users and \\d+ print as typed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from texsheet.text import emoji

ESCAPABLE = frozenset("\\*={}`$")
# The pens {name: text} may name; every theme's palette gives each of them a colour.
PENS = ("ink", "red", "orange", "yellow", "green", "teal", "blue", "purple", "pink", "brown", "grey")
_PEN_OPEN = re.compile(r"\{([a-z]+):\s?")


@dataclass
class Span:
    """A piece of parsed text.

    kind is text, bold, highlight, pen (text is the pen's name), emoji, code, math or
    display (math on a line of its own); start is the offset of the span in the typed text.
    """

    kind: str
    text: str = ""
    children: list["Span"] = field(default_factory=list)
    start: int = 0


@dataclass(frozen=True)
class MarkupProblem:
    """A problem at an offset of the typed text."""

    offset: int
    message: str


def parse(text: str) -> tuple[list[Span], list[MarkupProblem]]:
    """Parse markup into spans, with every problem found. **, == and {pen: open a mark only
    where a closing one follows: an opener left open at the end is read again as text (and
    what it had taken for its closer may then open a mark of its own). One whose closer
    follows inside another mark is a problem: the marks cross."""
    plain: set[int] = set()
    while True:
        parser = _Parser(text, frozenset(plain))
        spans, problems = parser.run()
        unclosed = {span.start for span in parser.stack[1:]} - parser.crossed
        if not unclosed:
            return spans, problems
        plain |= unclosed


class _Parser:
    def __init__(self, text: str, plain: frozenset[int] = frozenset()):
        self.text = text
        self.plain = plain  # offsets of openers that are text: no closer follows them
        self.problems: list[MarkupProblem] = []
        self.crossed: set[int] = set()  # offsets of openers whose closer came inside another mark
        self.root = Span("root")
        self.stack = [self.root]
        self.buf: list[str] = []
        self.buf_start = 0

    def run(self) -> tuple[list[Span], list[MarkupProblem]]:
        text, i = self.text, 0
        while i < len(text):
            i = self.step(i)
        self.flush(len(text))
        return self.root.children, self.problems

    def step(self, i: int) -> int:
        text = self.text
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in ESCAPABLE:
            self.add(text[i + 1], i)
            return i + 2
        if char == "`":
            return self.code_span(i)
        if char == "$":
            return self.math(i)
        pair = text[i : i + 2]
        if pair in ("**", "=="):
            return self.delimiter(i, "bold" if pair == "**" else "highlight")
        pen = _PEN_OPEN.match(text, i)
        if pen and pen.group(1) in PENS and i not in self.plain:
            self.open(Span("pen", pen.group(1), start=i))
            return pen.end()
        if char == "}" and self.stack[-1].kind == "pen":
            self.flush(i)
            self.stack.pop()
            return i + 1
        if emoji.is_emoji_start(text, i):
            end = emoji.take_cluster(text, i)
            self.leaf(Span("emoji", text[i:end], start=i))
            return end
        self.add(char, i)
        return i + 1

    def delimiter(self, i: int, kind: str) -> int:
        """** and == open when a non-space follows and close when a non-space precedes them;
        one with spaces on both sides is literal, as in `a == b`."""
        text = self.text
        can_open = i + 2 < len(text) and not text[i + 2].isspace() and i not in self.plain
        can_close = i > 0 and not text[i - 1].isspace()
        if can_close and self.stack[-1].kind == kind:
            self.flush(i)
            self.stack.pop()
        elif can_close and any(span.kind == kind for span in self.stack) and not can_open:
            opener = next(span for span in reversed(self.stack) if span.kind == kind)
            self.crossed.add(opener.start)
            self.problems.append(MarkupProblem(i, f"'{text[i:i + 2]}' closes a span opened outside the one it is in; "
                                                  "close the inner one first"))
            self.add(text[i : i + 2], i)
        elif can_open:
            if any(span.kind == kind for span in self.stack):
                self.problems.append(MarkupProblem(i, f"'{text[i:i + 2]}' closes a span opened inside another"))
            self.open(Span(kind, start=i))
        else:
            self.add(text[i : i + 2], i)
        return i + 2

    def code_span(self, i: int) -> int:
        """A run of n backticks opens a code span that the next run of exactly n closes;
        without one, the backticks are literal."""
        text = self.text
        n = len(text) - i - len(text[i:].lstrip("`"))
        for closer in re.finditer(r"`+", text[i + n :]):
            if len(closer.group()) == n:
                content = text[i + n : i + n + closer.start()].replace("\n", " ")
                if len(content) > 2 and content[0] == content[-1] == " " and content.strip():
                    content = content[1:-1]
                self.leaf(Span("code", content, start=i))
                return i + n + closer.end()
        self.add("`" * n, i)
        return i + n

    def math(self, i: int) -> int:
        """$...$ opens on a non-space and closes after a non-space, not before a digit (so
        "costs $5 and $10" is text); $$...$$ is a formula on a line of its own."""
        text = self.text
        if text.startswith("$$", i):
            end = text.find("$$", i + 2)
            if end > i + 2:
                self.leaf(Span("display", text[i + 2 : end], start=i + 2))
                return end + 2
            self.add("$$", i)
            return i + 2
        if i + 1 < len(text) and not text[i + 1].isspace():
            j = i + 1
            while j < len(text):
                if text[j] == "\\":
                    j += 2
                    continue
                if text[j] == "$" and not text[j - 1].isspace() and not (j + 1 < len(text) and text[j + 1].isdigit()):
                    self.leaf(Span("math", text[i + 1 : j], start=i + 1))
                    return j + 1
                j += 1
        self.add("$", i)
        return i + 1

    def add(self, chars: str, at: int) -> None:
        if not self.buf:
            self.buf_start = at
        self.buf.append(chars)

    def flush(self, at: int) -> None:
        if self.buf:
            self.stack[-1].children.append(Span("text", "".join(self.buf), start=self.buf_start))
            self.buf.clear()

    def open(self, span: Span) -> None:
        self.flush(span.start)
        self.stack[-1].children.append(span)
        self.stack.append(span)

    def leaf(self, span: Span) -> None:
        self.flush(span.start)
        self.stack[-1].children.append(span)


def escape_markup(text: str) -> str:
    """Text that parses back to exactly text: every character markup could read is escaped."""
    return "".join("\\" + c if c in ESCAPABLE else c for c in text)


def walk(spans: list[Span]):
    """Every span, depth first, in reading order."""
    for span in spans:
        yield span
        yield from walk(span.children)


def plain(text: str) -> str:
    """The text a reader sees, markup removed (formulas as their source)."""
    return "".join(_plain(s) for s in parse(text)[0])


def _plain(span: Span) -> str:
    if span.kind in ("text", "emoji", "code", "math", "display"):
        return span.text
    return "".join(_plain(s) for s in span.children)
