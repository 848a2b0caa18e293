"""Markdown's inline markup to texsheet's: the markdown-it parser that notes are read with, and
inline nodes (bold, ==mark==, code, math, links, HTML...) as markup that reads back as the same text."""
from __future__ import annotations

import functools
import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline.state_inline import Delimiter, StateInline
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from texsheet.read.pieces import SourceLines
from texsheet.text import emoji
from texsheet.text import markup
from texsheet.text.markup import escape_markup
from texsheet.text.mathcheck import check_math


def _mark_tokenize(state: StateInline, silent: bool) -> bool:
    """==mark== delimiters, the way markdown-it's strikethrough rule reads ~~ (markdown-it-mark)."""
    start = state.pos
    if silent or state.src[start] != "=":
        return False
    scanned = state.scanDelims(start, True)
    length = scanned.length
    if length < 2:
        return False
    if length % 2:
        state.push("text", "", 0).content = "="
        length -= 1
    for _ in range(length // 2):
        state.push("text", "", 0).content = "=="
        state.delimiters.append(Delimiter(marker=0x3D, length=0, token=len(state.tokens) - 1, end=-1,
                                          open=scanned.can_open, close=scanned.can_close))
    state.pos += scanned.length
    return True


def _mark_pairs(state: StateInline, delimiters: list[Delimiter]) -> None:
    lone = []
    for opener in delimiters:
        if opener.marker != 0x3D or opener.end == -1:
            continue
        closer = delimiters[opener.end]
        for token, kind, nesting in ((state.tokens[opener.token], "mark_open", 1), (state.tokens[closer.token], "mark_close", -1)):
            token.type, token.tag, token.nesting, token.markup, token.content = kind, "mark", nesting, "==", ""
        before = state.tokens[closer.token - 1]
        if before.type == "text" and before.content == "=":
            lone.append(closer.token - 1)
    while lone:  # an odd '=' of a run goes after the closing tags, as markdown-it does for '~'
        i = lone.pop()
        j = i + 1
        while j < len(state.tokens) and state.tokens[j].type == "mark_close":
            j += 1
        state.tokens[i], state.tokens[j - 1] = state.tokens[j - 1], state.tokens[i]


def _mark_post(state: StateInline) -> None:
    _mark_pairs(state, state.delimiters)
    for meta in state.tokens_meta:
        if meta and "delimiters" in meta:
            _mark_pairs(state, meta["delimiters"])


@functools.cache
def markdown_parser() -> MarkdownIt:
    """CommonMark with GFM tables and strikethrough, front matter, task lists, $math$ and ==mark==."""
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md.use(front_matter_plugin).use(tasklists_plugin)
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True)
    md.inline.ruler.before("emphasis", "mark", _mark_tokenize)
    md.inline.ruler2.before("emphasis", "mark", _mark_post)
    return md


def parse_tree(text: str) -> SyntaxTreeNode:
    return SyntaxTreeNode(markdown_parser().parse(text))


class InlineReader:
    """Inline nodes to texsheet markup and plain text, noting what does not carry over."""

    def __init__(self, src: SourceLines):
        self.src = src

    def inline_text(self, nodes: list[SyntaxTreeNode], line: int) -> tuple[str, str]:
        """(markup, plain text) of inline nodes; markup that would not read back is plain text."""
        text, plain = self.inline(nodes, line)
        spans, problems = markup.parse(text)
        if problems or markup.plain(text) != plain:
            self.src.note(line, "inline markup that texsheet would read differently was kept as plain text")
            return escape_text(plain), plain
        return text, plain

    def inline(self, nodes: list[SyntaxTreeNode], line: int) -> tuple[str, str]:
        out, plain = [], []
        for node in nodes:
            m, p = self.inline_node(node, line)
            out.append(m)
            plain.append(p)
        return "".join(out), "".join(plain)

    def inline_node(self, node: SyntaxTreeNode, line: int) -> tuple[str, str]:
        kind = node.type
        if kind == "text":
            return escape_text(node.content), node.content
        if kind == "softbreak":
            return " ", " "
        if kind == "hardbreak":
            return "\n", "\n"
        if kind in ("strong", "mark"):
            text, plain = self.inline(node.children, line)
            delimiter = "**" if kind == "strong" else "=="
            if not plain.strip() or plain != plain.strip():
                return text, plain
            return f"{delimiter}{text}{delimiter}", plain
        if kind in ("em", "s"):
            self.src.note(line, "*italic* and ~~struck~~ text keep their words, without the style (texsheet has neither)")
            return self.inline(node.children, line)
        if kind == "code_inline":
            return code_span(node.content), node.content
        if kind in ("math_inline", "math_inline_double"):
            display = kind == "math_inline_double"
            problems = check_math(node.content, display=display)
            if problems:
                self.src.note(line, f"a formula texsheet does not set ({problems[0].message}) was kept as code")
                return code_span(node.content), node.content
            delimiter = "$$" if display else "$"
            return f"{delimiter}{node.content}{delimiter}", node.content
        if kind == "link":
            text, plain = self.inline(node.children, line)
            if node.info != "auto":
                self.src.note(line, f"a link keeps its text; its URL {shorten(node.attrs.get('href', ''))} was dropped")
            return text, plain
        if kind == "image":
            _, alt = self.inline(node.children, line)
            self.src.note(line, f"an image {shorten(str(node.attrs.get('src', '')))} was kept as its alt text '{shorten(alt)}'")
            return escape_text(alt), alt
        if kind == "html_inline":
            if re.fullmatch(r"<br\s*/?>", node.content.strip(), re.IGNORECASE):
                self.src.note(line, "<br> became a new line")
                return "\n", "\n"
            if "task-list-item-checkbox" in node.content:
                return "", ""
            self.src.note(line, f"HTML {shorten(node.content)} was kept as text")
            return escape_text(node.content), node.content
        content = node.content or self.inline(node.children, line)[1]
        self.src.note(line, f"inline {kind} was kept as text")
        return escape_text(content), content


_PEN_OPEN = re.compile(r"\{[a-z]+:")


def escape_text(text: str) -> str:
    """Plain text as markup that reads back as the same text, escaping only what markup could
    read: backticks and dollars, * and = next to another or at either end, a { that would open a
    pen, a backslash before a character markup escapes or at the end. Where that does not read
    back (markup rules this does not know), every markup character is escaped."""
    out = []
    last = len(text) - 1
    for i, char in enumerate(text):
        before, after = text[i - 1 : i], text[i + 1 : i + 2]
        if char in "`$":
            escape = True
        elif char in "*=":
            escape = i in (0, last) or char in (before, after)
        elif char == "{":
            escape = bool(_PEN_OPEN.match(text, i)) or i == last
        elif char == "\\":
            escape = not after or after in markup.ESCAPABLE
        else:
            escape = False
        out.append("\\" + char if escape else char)
    result = "".join(out)
    if markup.parse(result)[1] or markup.plain(result) != text:
        return escape_markup(text)
    return result


def split_icon(text: str, both_ends: bool = False) -> tuple[str, str]:
    """(icon, rest) when markup starts with an emoji and a space; else ("", text)."""
    if not text or not emoji.is_emoji_start(text, 0):
        return "", text
    end = emoji.take_cluster(text, 0)
    icon, rest = text[:end], text[end:]
    if not rest[:1].isspace() or not rest.strip():
        return "", text
    rest = rest.strip()
    if both_ends and rest.endswith(icon) and rest[: -len(icon)].strip():
        rest = rest[: -len(icon)].rstrip()
    return icon, rest


def code_span(code: str) -> str:
    """A texsheet code span that reads back as code."""
    if not code:
        return ""
    fence = "`" * (max((len(m) for m in re.findall(r"`+", code)), default=0) + 1)
    pad = " " if code[0] == "`" or code[-1] == "`" or (code[0] == code[-1] == " " and code.strip()) else ""
    return f"{fence}{pad}{code}{pad}{fence}"


def is_clean(text: str) -> bool:
    """Whether a piece of markup parses without problems on its own."""
    return not markup.parse(text)[1]


def shorten(text: str, length: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"
