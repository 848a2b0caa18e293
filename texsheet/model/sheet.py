"""The sheet model, and its validation from located YAML data.

Every class here is a dataclass whose fields are the YAML keys. One generic converter reads
them (types, defaults, limits, documentation in field metadata), so the README's format
reference and the JSON Schema come from the same place as the validation.
"""
from __future__ import annotations

import dataclasses
import difflib
import functools
import itertools
import re
import types
import typing
import unicodedata
from dataclasses import dataclass
from typing import Any, ClassVar, NewType

import pyphen

from texsheet.errors import ContentError, Problem
from texsheet.model.mermaid_kinds import SUPPORTED as MERMAID_SUPPORTED
from texsheet.model.mermaid_kinds import Graph, Mindmap, Sequence, parse_mermaid
from texsheet.model.source import Source, Where
from texsheet.model.syntax import escape_advice, quoted
from texsheet.model.theme import PAGE_SIZES, PALETTES, PEN_COLOURS, THEMES
from texsheet.text import markup
from texsheet.text.emoji import emoji_code, twemoji_name
from texsheet.text.escape import INVISIBLE, find_forbidden
from texsheet.text.fonts import KNOWN_FAMILIES, FontSet, emoji_stand_in, package_hint, sheet_chains
from texsheet.text.machine import Machine
from texsheet.text.mathcheck import COMMANDS, PROGRAMMING, check_math, text_characters

Text = NewType("Text", str)  # user prose with inline markup
Code = NewType("Code", str)  # source code, printed as typed
Formula = NewType("Formula", str)  # a LaTeX formula in the safe subset of texsheet.mathcheck
Mermaid = NewType("Mermaid", str)  # a Mermaid flowchart, in the subset of texsheet.model.mermaid
Language = NewType("Language", str)  # a Pygments lexer name
Colour = NewType("Colour", str)  # a pen colour name
Icon = NewType("Icon", str)  # one emoji, typed as itself
FontName = NewType("FontName", str)  # a font family installed on the machine
FONT_NAME_PATTERN = r"[A-Za-z0-9 ]{1,64}"  # what a FontName may look like before fc-list is asked
MAX_PAGES = 6  # pages a sheet may take: more is a booklet, better written as several sheets
AUTO_PAGES = 0  # pages: auto, the fewest pages that hold the sheet
MAX_FONT_SIZE = 30.0  # pt: the largest theme.max_font_size


@functools.cache
def languages() -> frozenset[str]:
    """Every Pygments lexer name a code block may give (read once, when first asked)."""
    from pygments.lexers import get_all_lexers

    return frozenset(alias for _, aliases, _, _ in get_all_lexers() for alias in aliases)


def fld(default: Any = dataclasses.MISSING, *, doc: str, **limits: Any) -> Any:
    """A model field: its default, a line of documentation, and limits checked on load."""
    metadata = {"doc": doc, **limits}
    if isinstance(default, list):
        return dataclasses.field(default_factory=lambda: list(default), metadata=metadata)
    if dataclasses.is_dataclass(default):
        return dataclasses.field(default_factory=lambda: dataclasses.replace(default), metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


# ----------------------------------------------------------------------------- page and theme


@dataclass(kw_only=True)
class Page:
    """The paper."""

    size: str = fld("a4", doc="paper size", choices=sorted(PAGE_SIZES))
    orientation: str = fld("portrait", doc="portrait or landscape", choices=["portrait", "landscape"])
    margin: float = fld(7.0, doc="space around the page edge, mm", minimum=0, maximum=40)
    gap: float = fld(4.0, doc="space between rows and between panels, mm", minimum=0, maximum=30)


@dataclass(kw_only=True)
class Theme:
    """Paper, pens and fonts: a built-in theme by name, each of its keys overridable."""

    shorthand: ClassVar[str] = "name"
    presets: ClassVar[dict[str, dict[str, str]]] = THEMES
    name: str = fld("graph", doc="the built-in theme the other keys start from", choices=sorted(THEMES))
    paper: str = fld("grid", doc="grid, dots, lines (ruled, with a margin) or plain", choices=["grid", "dots", "lines", "plain"])
    grid: float = fld(5.0, doc="spacing of the grid, dots or lines, mm", minimum=2, maximum=30)
    grid_colour: str = fld("B7CBEA", doc="colour of the grid, dots or lines, hex RGB", pattern=r"[0-9A-Fa-f]{6}")
    paper_colour: str = fld("FFFFFF", doc="paper colour, hex RGB", pattern=r"[0-9A-Fa-f]{6}")
    palette: str = fld("classic", doc="what the named pens look like", choices=sorted(PALETTES))
    ink: Colour = fld("ink", doc="pen colour of the text")
    highlighter: str = fld("FFE14D", doc="highlighter colour for ==text==, hex RGB", pattern=r"[0-9A-Fa-f]{6}")
    font: FontName = fld("Comic Neue", doc="body font (Latin and all but Hangul)")
    hangul_font: FontName = fld("NanumBarunpen", doc="Hangul font of body text (kotex's)")
    hand_font: FontName = fld("Comic Neue", doc="handwriting font of titles and labels (Latin and all but Hangul)")
    hand_hangul_font: FontName = fld("Nanum Pen Script", doc="Hangul font of titles and labels (kotex's)")
    code_font: FontName = fld("D2Coding", doc="monospace font of code (Hangul and Latin)")
    font_size: float | None = fld(None, doc="body text size, pt; left out, texsheet chooses it to fill the page", minimum=5, maximum=20)
    min_font_size: float = fld(6.5, doc="smallest size a panel's text may shrink to, to fit, pt", minimum=4, maximum=20)
    max_font_size: float = fld(24.0, doc="largest size text may grow to, to fill the page, pt", minimum=5, maximum=MAX_FONT_SIZE)
    seed: int = fld(1, doc="seed of the hand-drawn wobble; change it for another drawing", minimum=0, maximum=99999)
    wobble: float = fld(0.7, doc="how far hand-drawn lines stray, pt (0 for ruler-straight lines)", minimum=0, maximum=3)


# ----------------------------------------------------------------------------- blocks


@dataclass(kw_only=True)
class Block:
    """A piece of panel content. `kind:` in the YAML chooses the subclass."""

    kind: ClassVar[str]
    heading: Text = fld("", doc="a small heading above the block")
    column: int = fld(0, doc="in a panel of several columns: start column N (1 = left) with this block", minimum=0, maximum=4)


BLOCK_KINDS: dict[str, type] = {}


def block_kind(name: str):
    def register(cls):
        cls.kind = name
        BLOCK_KINDS[name] = cls
        return cls

    return register


@dataclass(kw_only=True)
class Stage:
    """One stage box of a pipeline."""

    title: Text = fld(doc="the stage's name, large")
    label: Text = fld("", doc="small label above the title, e.g. STAGE 1")
    subtitle: Text = fld("", doc="a line under the title")
    icon: Icon = fld("", doc="an emoji beside the label")
    colour: Colour = fld("", doc="the box's pen colour (default: the panel's)")
    notes: list[Text] = fld([], doc="lines inside the box", max_items=8)
    chain: list[Text] = fld([], doc="under the box: an input-to-output chain, joined by down arrows", max_items=5)


@block_kind("pipeline")
@dataclass(kw_only=True)
class Pipeline(Block):
    """Stage boxes left to right, joined by arrows."""

    stages: list[Stage] = fld(doc="the stages, in order", min_items=1, max_items=6)


@dataclass(kw_only=True)
class Item:
    """A line of a list, with an optional icon in place of the bullet."""

    shorthand: ClassVar[str] = "text"
    text: Text = fld(doc="the item")
    icon: Icon = fld("", doc="an emoji in place of the bullet")
    items: list[Item] = fld([], doc="sub-items, indented under this one (a sub-item may have its own)", max_items=20)


@block_kind("bullets")
@dataclass(kw_only=True)
class Bullets(Block):
    """A bulleted list."""

    items: list[Item] = fld(doc="the items (a string, or text: and icon:)", min_items=1, max_items=20)


@block_kind("callout")
@dataclass(kw_only=True)
class Callout(Block):
    """The big quoted insight, on a slightly rotated sticky note."""

    text: Text = fld(doc="the quote")
    colour: Colour = fld("yellow", doc="the note's colour")


@block_kind("table")
@dataclass(kw_only=True)
class Table(Block):
    """A table with hand-drawn rules."""

    header: list[Text] = fld([], doc="column headings; left out, a table of rows only", max_items=6)
    rows: list[list[Text]] = fld(doc="rows, each a list of cells as long as header (or the first row)", min_items=1, max_items=20)
    widths: list[float] = fld([], doc="relative column widths (default: by their content)", minimum=0.1, maximum=100)

    @property
    def width(self) -> int:
        """The number of columns."""
        return len(self.header) if self.header else len(self.rows[0])


@dataclass(kw_only=True)
class CheckItem:
    """A checklist line."""

    shorthand: ClassVar[str] = "text"
    text: Text = fld(doc="the item")
    done: bool = fld(False, doc="draw a tick in the box")


@block_kind("checklist")
@dataclass(kw_only=True)
class Checklist(Block):
    """Hand-drawn check boxes."""

    items: list[CheckItem] = fld(doc="the items (a string, or text: and done:)", min_items=1, max_items=20)


@dataclass(kw_only=True)
class Step:
    """One step of a flow."""

    shorthand: ClassVar[str] = "text"
    text: Text = fld(doc="the step")
    note: Text = fld("", doc="a smaller line beside the arrow after this step")


@block_kind("flow")
@dataclass(kw_only=True)
class Flow(Block):
    """A vertical chain of steps joined by down arrows, for steps of a sentence or with a note beside an arrow; short steps read better across, as a diagram (flowchart LR)."""

    steps: list[Step] = fld(doc="the steps, top to bottom", min_items=1, max_items=10)


@dataclass(kw_only=True)
class Column:
    """One side of a comparison."""

    title: Text = fld(doc="the column's heading")
    items: list[Text] = fld(doc="its lines", min_items=1, max_items=12)
    colour: Colour = fld("", doc="the column's pen colour (default: the panel's)")


@block_kind("compare")
@dataclass(kw_only=True)
class Compare(Block):
    """Two labelled columns side by side, with a 'vs' between."""

    left: Column = fld(doc="the left column")
    right: Column = fld(doc="the right column")
    vs: Text = fld("vs", doc="the word between the columns")


@block_kind("takeaways")
@dataclass(kw_only=True)
class Takeaways(Block):
    """Numbered key points, each with a hand-drawn tick."""

    items: list[Text] = fld(doc="the points", min_items=1, max_items=12)
    columns: int | None = fld(None, doc="how many columns to set them in, read across; left out, as many (up to 3) as set the points in the fewest lines", minimum=1, maximum=3)
    numbered: bool = fld(False, doc="number the points 1, 2, 3 instead of ticking them")


@block_kind("code")
@dataclass(kw_only=True)
class CodeBlock(Block):
    """Source code in a monospace font, highlighted, its indentation kept."""

    code: Code = fld(doc="the code, as typed (a YAML block: code: |)")
    language: Language = fld("", doc="a Pygments lexer name such as python, bash, yaml (default: no highlighting)")


@block_kind("math")
@dataclass(kw_only=True)
class MathBlock(Block):
    """A displayed formula, centred."""

    math: Formula = fld(doc="the formula in LaTeX math (the subset in the README), without $")


@block_kind("text")
@dataclass(kw_only=True)
class TextBlock(Block):
    """A paragraph."""

    text: Text = fld(doc="the paragraph")
    align: str = fld("left", doc="left or center", choices=["left", "center"])
    size: str = fld("normal", doc="small, normal or large", choices=["small", "normal", "large"])
    hand: bool = fld(False, doc="set it in the handwriting font")


@block_kind("diagram")
@dataclass(kw_only=True)
class Diagram(Block):
    """A Mermaid flowchart, sequence diagram or mindmap, drawn by hand: a flowchart's nodes placed
    by Graphviz, the others by texsheet, everything sized by its text."""

    mermaid: Mermaid = fld(doc=f"the diagram in Mermaid's syntax: {MERMAID_SUPPORTED} (a YAML block: mermaid: |); the README's Diagrams section lists the subset")

    @functools.cached_property
    def parsed(self) -> Graph | Sequence | Mindmap:
        """The diagram read (validation has refused a text that does not read as one)."""
        parsed, problems = parse_mermaid(self.mermaid)
        if parsed is None:
            raise ValueError(f"not a diagram texsheet draws: {problems[0].message}")
        return parsed


# ----------------------------------------------------------------------------- sheet


@dataclass(kw_only=True)
class Panel:
    """A framed box of blocks."""

    title: Text = fld(doc="the panel's heading (\"\" for none: the content starts at the panel's top)")
    subtitle: Text = fld("", doc="a smaller line beside the heading")
    icon: Icon = fld("", doc="an emoji before the heading")
    colour: Colour = fld("blue", doc="the panel's accent colour")
    width: float | None = fld(None, doc="width share within its row; left out, the row's panels share it by their content", minimum=0.05, maximum=100)
    columns: int | None = fld(None, doc="set the blocks in this many columns, side by side; left out, one, or two where that suits a wide panel better", minimum=1, maximum=4)
    column_widths: list[float] = fld([], doc="relative widths of the columns (default: equal)", minimum=0.1, maximum=100)
    hero: bool = fld(False, doc="the page's main panel: a heavier frame and a larger title")
    blocks: list[Block] = fld(doc="the content, top to bottom", min_items=1, max_items=16)


@dataclass(kw_only=True)
class Row:
    """A band of the page holding panels side by side."""

    height: float | None = fld(None, doc="height share of the page; left out, as tall as its content needs", minimum=0.05, maximum=100)
    panels: list[Panel] = fld(doc="the panels, left to right", min_items=1, max_items=6)


@dataclass(kw_only=True)
class Sheet:
    """A sheet: one page, or as many as pages: gives."""

    alternatives: ClassVar[tuple[str, ...]] = ("rows", "panels")  # exactly one of these is given

    title: Text = fld(doc="the banner's title")
    subtitle: Text = fld("", doc="the line under the title (source, author)")
    icon: Icon = fld("", doc="an emoji on both sides of the title")
    colour: Colour = fld("blue", doc="the banner's colour")
    language: str = fld("en", doc="the language whose rules hyphenate a long word of letters that must part at a line's end (en, de, fr, es, ...; pyphen's dictionaries)", pattern=r"[a-z]{2,3}(_[A-Z]{2})?")
    title_height: float = fld(0.0, doc="height share of the title banner, like a row's; 0 makes it just tall enough for its text", minimum=0, maximum=100)
    pages: int = fld(1, doc="how many pages the sheet may take; its panels are shared among them in reading order, the title on "
                            "the first; auto: the fewest pages that hold it", minimum=1, maximum=MAX_PAGES, auto=True)
    page: Page = fld(Page(), doc="the paper")
    theme: Theme = fld(Theme(), doc="paper, pens and fonts")
    rows: list[Row] | None = fld(None, doc="the bands of the page, top to bottom, each with its panels; or panels: instead", min_items=1, max_items=12)
    panels: list[Panel] | None = fld(None, doc="the panels in reading order, for texsheet to arrange in rows; instead of rows:", min_items=1, max_items=24)

    def placed_panels(self) -> list[tuple[Where, Panel]]:
        """Every panel with its place in the content: rows.R.panels.P, or panels.N (while the
        content is checked, a row or panel refused is None, and left out)."""
        if self.panels is not None:
            return [(("panels", n), panel) for n, panel in enumerate(self.panels) if panel is not None]
        return [(("rows", r, "panels", p), panel) for r, row in enumerate(self.rows or ()) if row is not None
                for p, panel in enumerate(row.panels) if panel is not None]


# ----------------------------------------------------------------------------- validation


@dataclass
class _Found:
    """The problems found so far, and the places they are about. Each check runs on what the
    data holds, however many problems came before; a rule between keys skips a key whose value
    was refused, so that one mistake is one problem. Warnings are what builds, but not as
    written: said at their place, refusing nothing."""

    source: Source
    problems: list[Problem] = dataclasses.field(default_factory=list)
    refused: set[Where] = dataclasses.field(default_factory=set)
    warnings: list[Problem] = dataclasses.field(default_factory=list)

    def add(self, where: Where, message: str, offset: int | None = None, *, about: Where | None = None) -> None:
        """A problem at where (at offset of its text); about is the place refused, if not where."""
        self.problems.append(self.source.problem(where, message, offset))
        self.refused.add(where if about is None else about)

    def warn(self, where: Where, message: str, offset: int | None = None) -> None:
        """A warning at where (at offset of its text)."""
        self.warnings.append(self.source.problem(where, message, offset))

    def usable(self, *wheres: Where) -> bool:
        """Whether the value at each of wheres is as typed, not refused and stood in for."""
        return not any(where in self.refused for where in wheres)


def validate_sheet(source: Source, machine: Machine | None = None, require_fonts: bool = True) -> Sheet:
    """The Sheet described by source; a ContentError lists every problem at once.

    Keys and values, the rules between keys, and every text field are checked in one pass, so
    a typo does not hide a short table row or a wrong formula. With a machine, every character
    is also checked against its fonts and every emoji against its icons, so that what passes
    here also builds. A theme font that is not installed is a problem when its name looks
    misspelt; else, without require_fonts, it only skips the glyph checks (missing_fonts says
    which), as on a machine without the theme's fonts. What builds but not as written (an emoji
    without its icon) is left in source.warnings.
    """
    found = _Found(source, list(source.problems))
    sheet = _convert(Sheet, source.data, (), found)
    _check_across_fields(sheet, found)
    fonts = _check_fonts(sheet.theme, found, machine, require_fonts)
    _check_texts(sheet, found, fonts, machine)
    source.warnings = sorted(found.warnings, key=lambda w: (w.line, w.column))
    if found.problems:
        raise ContentError(found.problems)
    return sheet


def _check_across_fields(sheet: Sheet, found: _Found) -> None:
    """Rules that tie one key to another, which the per-field limits cannot see."""
    theme = sheet.theme
    sizes = [("theme", key) for key in ("min_font_size", "font_size", "max_font_size")]
    if theme is not None and found.usable(*sizes) and theme.min_font_size > (theme.font_size or theme.max_font_size):
        above = "theme.font_size" if theme.font_size else "theme.max_font_size"
        found.add(("theme", "min_font_size"), f"theme.min_font_size {theme.min_font_size:g} is above {above} {theme.font_size or theme.max_font_size:g}")
    if found.usable(("language",)) and pyphen.language_fallback(sheet.language) is None:
        found.add(("language",), f"no hyphenation dictionary for language {sheet.language!r}; "
                                 f"pyphen has {', '.join(sorted({name.split('_')[0] for name in pyphen.LANGUAGES}))}")
    if sheet.rows is None and sheet.panels is None:
        found.add((), "the sheet needs rows: (panels in bands you arrange) or panels: (texsheet arranges them)")
    elif sheet.rows is not None and sheet.panels is not None:
        found.add(("panels",), "give rows: or panels:, not both (panels: lets texsheet arrange the rows)")
    for place, panel in sheet.placed_panels():
        given = "" if panel.columns else " (columns: left out; give it)"
        columns_known = found.usable(place + ("columns",))
        if columns_known and found.usable(place + ("column_widths",)) and panel.column_widths and len(panel.column_widths) != (panel.columns or 1):
            found.add(place + ("column_widths",), f"{len(panel.column_widths)} column widths for columns: {panel.columns or 1}{given}")
        for b, block in enumerate(panel.blocks):
            where = place + ("blocks", b)
            if block is None:
                continue
            if columns_known and found.usable(where + ("column",)) and block.column > (panel.columns or 1):
                found.add(where + ("column",), f"column {block.column}, but the panel has columns: {panel.columns or 1}{given}")
            if isinstance(block, Table) and found.usable(where + ("header",)):
                against = "the header has" if block.header else "the first row has"
                for n, cells in enumerate(block.rows):
                    if found.usable(where + ("rows", n)) and len(cells) != block.width:
                        found.add(where + ("rows", n), f"table row has {len(cells)} cell{'s' if len(cells) != 1 else ''}, {against} {block.width}")
                if found.usable(where + ("widths",)) and block.widths and len(block.widths) != block.width:
                    found.add(where + ("widths",), f"{len(block.widths)} widths for {block.width} columns")


FONT_KEYS = ("font", "hangul_font", "hand_font", "hand_hangul_font", "code_font")
FONT_SUGGEST_CUTOFF = 0.85  # closer than SUGGEST_CUTOFF: font families differ by a word (NanumGothic, NanumGothic Eco)


def _check_fonts(theme: Theme | None, found: _Found, machine: Machine | None, require_fonts: bool) -> FontSet | None:
    """The fonts to check glyphs against: the machine's, when it has every font of the theme;
    else None, and the glyph checks are skipped.

    A theme font that compile would not find is a problem when require_fonts, or when its name
    is close to an installed family or to one texsheet names (a misspelling); without
    fontconfig, only the second can be told.
    """
    installed = machine.fonts if machine is not None else None
    if theme is None:
        return None
    complete = True
    for key in FONT_KEYS:
        name = getattr(theme, key)
        if not found.usable(("theme", key)) or name is None:
            complete = False
            continue
        if installed is not None and installed.installed(name):
            continue
        complete = False
        near = _nearest_font(name, installed)
        hint = f"; did you mean '{near}'?" if near else ""
        if installed is not None and (near or require_fonts):
            found.add(("theme", key), f"theme.{key}: no font family '{name}' is installed (fc-list){hint}", 0)
        elif near:
            found.add(("theme", key), f"theme.{key}: '{name}' is not a font family texsheet knows{hint}", 0)
    return installed if complete else None


def _nearest_font(name: str, installed: FontSet | None) -> str | None:
    """The installed or known family name is a misspelling of (case and spaces aside), or None."""
    if name in KNOWN_FAMILIES:
        return None

    def squeezed(family: str) -> str:
        return family.lower().replace(" ", "")

    families = sorted(KNOWN_FAMILIES | (installed.families() if installed is not None else frozenset()))
    by_squeezed = {squeezed(family): family for family in reversed(families)}
    close = difflib.get_close_matches(squeezed(name), list(by_squeezed), n=1, cutoff=FONT_SUGGEST_CUTOFF)
    return by_squeezed[close[0]] if close else None


def _check_texts(sheet: Sheet, found: _Found, fonts: FontSet | None, machine: Machine | None) -> None:
    """Markup, formulas, code languages, emoji and glyphs of every text field, each problem at
    the character it is about. fonts: what to check glyphs against (None: not checked); kotex
    sets Hangul in each role's Hangul font, so those count as drawing it."""
    theme = sheet.theme or Theme()
    chains = sheet_chains(theme.font, theme.hand_font, theme.code_font, hangul_fonts(theme))
    if fonts is not None:
        fonts = fonts.with_hangul(hangul_pairs(theme))
    prose = chains["body"] + tuple(f for f in chains["hand"] if f not in chains["body"])

    def glyphs(where: Where, text: str, chain: tuple[str, ...], start: int) -> None:
        if fonts is None:
            return
        text = unicodedata.normalize("NFC", text)
        for n, char in enumerate(text):
            if char.isspace() or char in INVISIBLE or unicodedata.combining(char):
                continue
            cluster = char + "".join(itertools.takewhile(unicodedata.combining, text[n + 1:]))
            if fonts.face_for(cluster, chain) is None:
                shown = " + ".join(f"U+{ord(c):04X}" for c in cluster)
                found.add(where, f"{_name(where)}: no installed font draws '{cluster}' ({shown}); "
                                 f"the package {package_hint(char)} would", start + n)

    def emoji_icon(where: Where, cluster: str, at: int) -> None:
        if machine is not None and machine.twemoji is not None and twemoji_name(cluster, machine.twemoji) is None:
            stand_in = emoji_stand_in(cluster, fonts, prose)
            drawn = f"drawn in {stand_in} instead" if stand_in else (
                "drawn as a box with a question mark (no installed font draws it)" if fonts is not None
                else "drawn in a font that has it, else as a box with a question mark")
            found.warn(where, f"{_name(where)}: emoji {cluster} (U+{emoji_code(cluster).upper()}) has no Twemoji icon; {drawn}", at)

    def formula(where: Where, text: str, display: bool, start: int) -> None:
        for problem in check_math(text, display=display):
            found.add(where, f"{_name(where)}: {problem.message}", start + problem.offset)
        if fonts is None:
            return
        for offset, char in text_characters(text):
            if not char.isascii() and not fonts.draws(theme.font, char):
                found.add(where, f"{_name(where)}: '{char}' (U+{ord(char):04X}) in \\text{{...}} is set in the body font, "
                                 f"{theme.font}, which does not draw it: write it outside the formula", start + offset)

    def text(where: Where, value: str, start: int = 0) -> None:
        spans, markup_problems = markup.parse(value)
        for problem in markup_problems:
            found.add(where, f"{_name(where)}: {problem.message}", start + problem.offset)
        for span in markup.walk(spans):
            if span.kind == "text":
                glyphs(where, span.text, prose, start + span.start)
            elif span.kind == "code":
                glyphs(where, span.text, chains["code"], start + span.start)
            elif span.kind == "emoji":
                emoji_icon(where, span.text, start + span.start)
            elif span.kind in ("math", "display"):
                formula(where, span.text, span.kind == "display", start + span.start)

    for where, tp, value in _text_fields(sheet, ()):
        if value is None:  # refused already
            continue
        if tp is Text:
            text(where, value)
        elif tp is Mermaid:
            parsed, mermaid_problems = parse_mermaid(value)
            for problem in mermaid_problems:
                found.add(where, f"{_name(where)}: {problem.message}", problem.offset)
            if parsed is not None:  # every label is text of the sheet, with its markup
                for label, start in parsed.texts():
                    text(where, label, start)
        elif tp is Code:
            glyphs(where, value, chains["code"], 0)
        elif tp is Formula:
            formula(where, value, True, 0)
        elif tp is Icon and value:
            spans, _ = markup.parse(value)
            if len(spans) != 1 or spans[0].kind != "emoji":
                found.add(where, f"{_name(where)}: an icon is one emoji typed as itself, such as 🧀")
            else:
                emoji_icon(where, value, 0)
        elif tp is Language and value and value not in languages():
            found.add(where, f"{_name(where)}: unknown language '{value}' (a Pygments lexer name such as python, bash, yaml){_suggest(value, languages())}")


# Every name a backslash starts in LaTeX that texsheet knows, and the text commands people type
# from habit (\textbf, \newline): a YAML escape that swallowed the backslash of one of these was
# surely meant for LaTeX.
LATEX_NAMES = frozenset(COMMANDS) | PROGRAMMING | {"\\begin", "\\end"} | frozenset(
    "\\" + name for name in ("textbf textit texttt textsc textrm textsf textnormal today newline newpage noindent"
                             " footnote footnotesize normalsize tiny verb vspace bigskip bfseries ref eqref fbox").split())


def _swallowed_backslashes(tp: Any, where: Where, found: _Found) -> bool:
    """Whether YAML's double-quoted escapes ate a backslash LaTeX needed in the text at where;
    each such backslash is a problem at its place, with the fix.

    YAML reads \\t, \\n, \\f, \\b, \\a, \\v, \\e, \\r, \\N, \\L, \\P and \\_ in double quotes
    quietly (the others, \\c of \\circ, are syntax errors, see syntax.explain). Such an escape
    is taken for a swallowed LaTeX backslash when the escape and the letters after it spell a
    command LaTeX knows (\\theta, \\nu, \\frac, \\alpha), wherever it stands; or when it stands
    inside a formula: a formula field, or $...$ or $$...$$ in text. Elsewhere, "line one\\nline
    two" keeps its line break and "Tab\\there" its tab, as YAML means them.
    """
    raw, escapes = found.source.quiet_escapes(where)
    if not escapes:
        return False
    formulas = []
    if tp is Text:
        formulas = [(span.start, span.start + len(span.text)) for span in markup.walk(markup.parse(raw)[0]) if span.kind in ("math", "display")]
    swallowed = [escape for escape in escapes
                 if tp is Formula or escape.name in LATEX_NAMES or _control_then_letters(escape.name)
                 or any(start <= escape.offset < end for start, end in formulas)]
    for escape in swallowed:
        line, column = escape.place
        found.problems.append(Problem(found.source.path, line, column, f"{_name(where)}: {escape_advice(escape.name)}"))
    if swallowed:
        found.refused.add(where)
    return bool(swallowed)


def _control_then_letters(name: str) -> bool:
    """Whether an escape gives a control character no sheet holds (\\a, \\b, \\e, \\f, \\v) and
    letters follow it: \\emph or \\bfseries typed in double quotes, a LaTeX command surely."""
    return name[1:2] in ("a", "b", "e", "f", "v") and name[2:3].isalpha()


def missing_fonts(sheet: Sheet, machine: Machine) -> list[str]:
    """The theme's fonts this machine does not have (none when it cannot tell)."""
    theme = sheet.theme
    if machine.fonts is None:
        return []
    return [family for family in dict.fromkeys(getattr(theme, key) for key in FONT_KEYS) if not machine.fonts.installed(family)]


def hangul_fonts(theme: Theme) -> dict[str, str]:
    """Each role's Hangul font, which kotex sets its Hangul in."""
    return {"body": theme.hangul_font, "hand": theme.hand_hangul_font, "code": theme.code_font}


def hangul_pairs(theme: Theme) -> list[tuple[str, str]]:
    """Each role's font with its Hangul font."""
    fonts = {"body": theme.font, "hand": theme.hand_font, "code": theme.code_font}
    return [(fonts[role], hangul) for role, hangul in sorted(hangul_fonts(theme).items())]


def _name(where: Where) -> str:
    return ".".join(str(w) for w in where)


def _text_fields(node: Any, where: Where):
    """(where, type, value) for every text-like value in the model: prose, code, formulas, icons."""
    if isinstance(node, list):
        for n, item in enumerate(node):
            yield from _text_fields(item, where + (n,))
    elif dataclasses.is_dataclass(node):
        hints = typing.get_type_hints(type(node))
        for field in dataclasses.fields(node):
            value, tp = getattr(node, field.name), hints[field.name]
            if tp in (Text, Code, Formula, Icon, Language, Mermaid):
                yield where + (field.name,), tp, value
            elif tp == list[Text]:
                yield from ((where + (field.name, n), Text, item) for n, item in enumerate(value))
            elif tp == list[list[Text]]:
                yield from ((where + (field.name, n, m), Text, cell) for n, row in enumerate(value) for m, cell in enumerate(row))
            else:
                yield from _text_fields(value, where + (field.name,))


def _convert(tp: Any, value: Any, where: Where, found: _Found, meta=None) -> Any:
    """The value at where as type tp; a value refused is stood in for (None, [], a default)."""
    meta = meta or {}
    source = found.source

    def bad(message: str) -> None:
        found.add(where, message)

    name = _name(where) or "the sheet"
    optional = optional_of(tp)
    if optional is not None:
        return None if value is None else _convert(optional, value, where, found, meta)
    if value is None:
        bad(f"{name}: a value is missing")
        return [] if typing.get_origin(tp) is list else None
    if dataclasses.is_dataclass(tp) or tp is Block:
        return _convert_mapping(tp, value, where, found)
    if typing.get_origin(tp) is list:
        if not isinstance(value, list):
            bad(f"{name}: expected a list (lines starting with '- ')")
            return []
        low, high = meta.get("min_items"), meta.get("max_items")
        if low is not None and len(value) < low:
            bad(f"{name}: needs at least {low} item{'s' if low > 1 else ''}")
        if high is not None and len(value) > high:
            bad(f"{name}: has {len(value)} items; at most {high} fit")
        item_type = typing.get_args(tp)[0]
        item_meta = {k: v for k, v in meta.items() if k not in ("min_items", "max_items")}
        return [_convert(item_type, item, where + (n,), found, item_meta) for n, item in enumerate(value)]
    if isinstance(value, (list, dict)):
        bad(f"{name}: expected a single value, not a {'list' if isinstance(value, list) else 'mapping'}")
        return None
    if meta.get("auto") and value == "auto":
        return AUTO_PAGES
    if tp in (int, float):
        return _convert_number(tp, value, name, meta, bad)
    if tp is bool:
        if not isinstance(value, bool):
            bad(f"{name}: expected true or false, not {_shown(value, source.typed(where))}")
            return False
        return value
    if tp in (Text, Code, Formula, Mermaid):
        if _swallowed_backslashes(tp, where, found):
            return None
        # Prose may be typed as any scalar: `title: 2024` is the text "2024", as typed.
        value = value if isinstance(value, str) else source.typed(where) or str(value)
    elif not isinstance(value, str):
        typed = source.typed(where)
        bad(f"{name}: expected text, not {_shown(value, typed)}; write it in quotes: '{typed}'")
        return ""
    return _convert_string(tp, value, name, meta, bad)


def _shown(value: Any, typed: str | None) -> str:
    """How a typed value reads in a message: the number 12, the text '12', true."""
    if isinstance(value, bool):
        return f"the value {typed or str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {typed or value}"
    return f"the text '{value}'"


def optional_of(tp: Any) -> Any:
    """T for a type T | None, else None."""
    if isinstance(tp, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return args[0] if len(args) == 1 else None
    return None


def _convert_number(tp, value: Any, name: str, meta, bad):
    """A number as YAML 1.2 reads it: 12, 1.5, 1e3, 0x10; a whole number may be written 2.0."""
    wanted = "a whole number" if tp is int else "a number"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        quoted = " (numbers are written without quotes)" if isinstance(value, str) else ""
        bad(f"{name}: expected {wanted}, not {_shown(value, None)}{quoted}")
        return tp(meta.get("minimum", 0))
    number = value
    if number != number or number in (float("inf"), float("-inf")):
        bad(f"{name}: expected a finite number")
        return tp(meta.get("minimum", 0))
    if tp is int and not float(number).is_integer():
        bad(f"{name}: expected {wanted}, not {number:g}")
        return int(number)
    number = tp(number)
    if "minimum" in meta and number < meta["minimum"]:
        bad(f"{name}: {number:g} is below the smallest allowed, {meta['minimum']}")
    if "maximum" in meta and number > meta["maximum"]:
        bad(f"{name}: {number:g} is above the largest allowed, {meta['maximum']}")
    return number


def _convert_string(tp, value: str, name: str, meta, bad) -> str:
    forbidden = find_forbidden(value)
    if forbidden:
        bad(f"{name}: {forbidden[1]}")
        return ""
    if "choices" in meta and value not in meta["choices"]:
        bad(f"{name}: '{value}' is not one of {', '.join(meta['choices'])}{_suggest(value, meta['choices'])}")
    if "pattern" in meta and not re.fullmatch(meta["pattern"], value):
        bad(f"{name}: '{value}' is not a hex colour such as 1F2A44")
    if tp is Colour and (value or meta.get("default") != "") and value not in PEN_COLOURS:
        bad(f"{name}: unknown colour '{value}' (known: {', '.join(sorted(PEN_COLOURS))}){_suggest(value, PEN_COLOURS)}")
    elif tp is FontName and not re.fullmatch(FONT_NAME_PATTERN, value):
        bad(f"{name}: a font name is letters, digits and spaces")
    return value


def _convert_mapping(tp: Any, value: Any, where: Where, found: _Found) -> Any:
    """An instance of the dataclass tp (or of the block kind value names); a required key that
    is missing is stood in for, so that the checks after this one can read the rest."""
    name = _name(where) or "the sheet"
    source = found.source
    shorthand = getattr(tp, "shorthand", None)
    if shorthand and value is not None and not isinstance(value, (dict, list)):
        value = {shorthand: value}
        if where in source.scalars:  # messages about the text point into the string typed
            source.scalars.setdefault(where + (shorthand,), source.scalars[where])
    if not isinstance(value, dict):
        found.add(where, f"{name}: expected a mapping of keys")
        return None
    presets = getattr(tp, "presets", None)
    if presets:
        preset = value.get(shorthand, tp.__dataclass_fields__[shorthand].default)
        value = {**(presets.get(preset, {}) if isinstance(preset, str) else {}), **value}
    if tp is Block:
        kind = value.get("kind")
        if not isinstance(kind, str) or kind not in BLOCK_KINDS:
            known = ", ".join(BLOCK_KINDS)
            if kind is None:
                found.add(where, f"{name}: a block needs kind: (one of {known})")
            else:
                found.add(where + ("kind",), f"{name}: unknown block kind '{kind}' (known: {known}){_suggest(str(kind), BLOCK_KINDS)}", about=where)
            return None
        tp = BLOCK_KINDS[kind]
        value = {k: v for k, v in value.items() if k != "kind"}
    fields = {f.name: f for f in dataclasses.fields(tp)}
    hints = typing.get_type_hints(tp)
    meant = set()  # keys an unknown key is taken for a misspelling of: not also reported missing
    for key in value:
        if key not in fields:
            colon = _colon_hint(tp, value, where, source) if not _suggest(key, fields) else ""
            found.add(where + (key,), f"unknown key '{key}' in {name}{_suggest(key, fields)}{colon}")
            meant.update(difflib.get_close_matches(str(key), list(fields), n=1, cutoff=SUGGEST_CUTOFF) + ([tp.shorthand] if colon else []))
    kwargs = {}
    for field in dataclasses.fields(tp):
        if field.name in value:
            meta = {**field.metadata, "default": field.default}
            kwargs[field.name] = _convert(hints[field.name], value[field.name], where + (field.name,), found, meta)
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            if field.name not in meant:
                found.add(where, f"{name}: missing key '{field.name}' ({field.metadata['doc']})", about=where + (field.name,))
            found.refused.add(where + (field.name,))
            kwargs[field.name] = [] if typing.get_origin(hints[field.name]) is list else None
    return tp(**kwargs)


def _colon_hint(tp: Any, value: dict, where: Where, source: Source) -> str:
    """For a list item typed as `- Step 1: do it`, which YAML reads as a key and its value: the
    quotes that make it the text meant."""
    if getattr(tp, "shorthand", None) and len(value) == 1:
        [(key, text)] = value.items()
        typed = source.typed(where + (key,))
        if typed is not None and not isinstance(text, (dict, list)):
            return f"; YAML reads a colon and a space as a key and its value: for the text, write - {quoted(f'{key}: {typed}')}"
    return ""


SUGGEST_CUTOFF = 0.6  # how alike a word must be to a name to be suggested as a misspelling of it


def _suggest(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=SUGGEST_CUTOFF)
    return f"; did you mean '{close[0]}'?" if close else ""
