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

from texsheet.read import markdown_html
from texsheet.read.markdown_html import Tag, read_tag
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
        if text.strip("\n") != text:  # a <br> at either end of a line breaks nothing
            text, plain = text.strip("\n"), plain.strip("\n")
        spans, problems = markup.parse(text)
        if problems or markup.plain(text) != plain:
            self.src.note(line, "inline markup that texsheet would read differently was kept as plain text")
            return escape_text(plain), plain
        return text, plain

    def inline(self, nodes: list[SyntaxTreeNode], line: int) -> tuple[str, str]:
        out, plain = [], []
        texts = {i: n.content for i, n in enumerate(nodes) if n.type == "text"}  # what is left of each text node
        i = 0
        while i < len(nodes):
            node = nodes[i]
            tag = read_tag(node.content) if node.type == "html_inline" else None
            close = _closing(nodes, i, tag) if tag is not None and tag.kind == "open" else None
            if close is not None:
                m, p = self.html_span(tag, nodes[i + 1 : close], line)
                # **<u>words</u>**하면: CommonMark reads no bold when a letter follows the closing
                # **, but the author meant one around the tag.
                before, after = texts.get(i - 1, ""), texts.get(close + 1, "")
                if out and before.endswith("**") and after.startswith("**") and p.strip() == p and p and not m.startswith("**"):
                    out[-1], plain[-1] = self.text_markup(before[:-2], line)
                    texts[close + 1] = after[2:]
                    m = f"**{m}**"
                i = close + 1
            elif node.type == "text":
                m, p = self.text_markup(texts[i], line)
                i += 1
            else:
                m, p = self.inline_node(node, line)
                i += 1
            out.append(m)
            plain.append(p)
        return "".join(out), "".join(plain)

    def text_markup(self, content: str, line: int) -> tuple[str, str]:
        content = self.shortcodes(content, line)
        return escape_text(content), content

    def html_span(self, tag: Tag, inner: list[SyntaxTreeNode], line: int) -> tuple[str, str]:
        """<tag>inner</tag> as the texsheet markup nearest to it."""
        text, plain = self.inline(inner, line)
        name = tag.name
        if name in markdown_html.BOLD_TAGS + markdown_html.MARK_TAGS:
            delimiter = "**" if name in markdown_html.BOLD_TAGS else "=="
            if not plain.strip() or plain != plain.strip() or text.startswith(delimiter) and text.endswith(delimiter):
                return text, plain
            if name in markdown_html.MARK_TAGS and name != "mark":
                self.src.note(line, f"<{name}> became a highlight (==text==)")
            return f"{delimiter}{text}{delimiter}", plain
        if name in markdown_html.CODE_TAGS:
            return code_span(plain), plain
        if name in markdown_html.SCRIPT_TAGS:
            script = markdown_html.script_text(plain, name)
            if script is not None:
                return script, script
            self.src.note(line, f"<{name}> text has no Unicode {name}script letters; it keeps its words")
            return text, plain
        if name == "a" and tag.attrs.get("href"):
            self.src.note(line, f"a link keeps its text; its URL {shorten(tag.attrs['href'])} was dropped")
        elif name not in markdown_html.PLAIN_TAGS:
            self.src.note(line, f"HTML <{name}> keeps its words, without the tag")
        elif name in ("em", "i", "s", "del", "strike"):
            self.src.note(line, f"<{name}> text keeps its words, without the style (texsheet has none)")
        return text, plain

    def inline_node(self, node: SyntaxTreeNode, line: int) -> tuple[str, str]:
        kind = node.type
        if kind == "text":
            return self.text_markup(node.content, line)
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
            src = str(node.attrs.get("src", ""))
            if is_badge(src):
                self.src.note(line, f"a badge {shorten(src)} ('{shorten(alt)}') was dropped")
                return "", ""
            self.src.note(line, f"an image {shorten(str(node.attrs.get('src', '')))} was kept as its alt text '{shorten(alt)}'")
            return escape_text(alt), alt
        if kind == "html_inline":
            if "task-list-item-checkbox" in node.content:
                return "", ""
            tag = read_tag(node.content)
            if tag is None:
                self.src.note(line, f"HTML {shorten(node.content)} was kept as text")
                return escape_text(node.content), node.content
            if tag.name in markdown_html.BREAK_TAGS:  # <br>, <br/> and the </br> notes also write
                self.src.note(line, "<br> became a new line")
                return "\n", "\n"
            if tag.kind == "comment":
                self.src.note(line, "an HTML comment was dropped")
            elif tag.name in markdown_html.DROPPED_TAGS:
                self.src.note(line, f"{markdown_html.describe(tag)} was dropped (texsheet draws no images from notes)",
                              lost=markdown_html.has_words(tag))
            elif tag.name == "a" and tag.kind == "open" and not tag.attrs.get("href"):
                pass  # an anchor (<a name=...>), a place to link to: nothing to draw
            elif tag.name != "a":
                self.src.note(line, f"HTML <{'/' if tag.kind == 'close' else ''}{tag.name}> without its pair was dropped")
            return "", ""
        content = node.content or self.inline(node.children, line)[1]
        self.src.note(line, f"inline {kind} was kept as text")
        return escape_text(content), content


    def shortcodes(self, text: str, line: int) -> str:
        """GitHub's :shortcode: emoji as the emoji."""
        if text.count(":") < 2:
            return text

        def emoji_of(match: re.Match) -> str:
            found = markdown_html.shortcode(match.group(1))
            if found is None:
                return match.group(0)
            self.src.note(line, f"the shortcode {match.group(0)} became {found}")
            return found

        return _SHORTCODE.sub(emoji_of, text)


BADGE_HOSTS = ("shields.io", "badge", "travis-ci", "codecov.io", "circleci.com", "badgen.net", "awesome.re")


def is_badge(src: str) -> bool:
    """Whether an image is a status badge (shields.io and the like), which says nothing on paper."""
    return any(host in src.lower() for host in BADGE_HOSTS)


def _closing(nodes: list[SyntaxTreeNode], start: int, tag: Tag) -> int | None:
    """The index of the tag closing nodes[start], at the same depth, or None."""
    depth = 0
    for j in range(start + 1, len(nodes)):
        if nodes[j].type != "html_inline":
            continue
        other = read_tag(nodes[j].content)
        if other is None or other.name != tag.name:
            continue
        if other.kind == "open":
            depth += 1
        elif other.kind == "close":
            if depth == 0:
                return j
            depth -= 1
    return None


_SHORTCODE = re.compile(r":([a-z0-9_+-]+):")
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
