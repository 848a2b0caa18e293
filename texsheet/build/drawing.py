"""A sheet ready to be drawn: its text asked of the typesetter, then laid out and rendered from
TeX's measurements. Loaded only when a sheet is built, not when its outputs are current."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from texsheet.build import measure
from texsheet.layout.page import ask_texts
from texsheet.errors import Problem
from texsheet.layout.pages import Document, ask_page_texts, layout_document
from texsheet.layout.quality import SPARSE, empty_share, lonely_panels
from texsheet.model.sheet import MAX_FONT_SIZE, Sheet, hangul_fonts
from texsheet.model.source import Source
from texsheet.tex.render import Source as RenderSource
from texsheet.tex.render import render_document, render_picture, render_preamble
from texsheet.text.fonts import make_faces
from texsheet.text.machine import Machine
from texsheet.text.typeset import Typesetter


class Drawing:
    """A sheet ready to be drawn once its text is measured: its faces, every segment of its
    text, the preamble they need, and the key under which their measurements are kept (the
    preamble with every face, and the faces' font files: an upgraded font is measured anew)."""

    def __init__(self, source: Source, sheet: Sheet, machine: Machine):
        self.source, self.sheet = source, sheet
        self.pages = sheet.pages  # as laid out, once document() has run (pages: auto chooses them)
        self.faces = make_faces(sheet.theme.font, sheet.theme.hand_font, sheet.theme.code_font, machine.fonts, machine.twemoji,
                                hangul_fonts(sheet.theme))
        self.typesetter = Typesetter(self.faces, language=sheet.language)
        ask_texts(sheet, self.typesetter)
        ask_page_texts(sheet, self.typesetter)
        self.segments = self.typesetter.segments()
        self.preamble = render_preamble(sheet, self.faces, "".join(sorted(s.tex for s in self.segments)))
        every_face = " ".join(f"{declared.command} " for declared in self.faces.declared.values())
        families = ({family for _, family, _ in self.faces.declared} | {d.hangul for d in self.faces.declared.values()}
                    | {self.faces.emoji_text}) - {None, ""}
        files = machine.fonts.identity(families) if machine.fonts else ""
        self.fonts_key = hashlib.sha256(f"{render_preamble(sheet, self.faces, every_face)}\0{files}".encode()).hexdigest()

    def icon_pages(self) -> dict[str, int]:
        """The page in the Twemoji PDF of every icon the sheet shows."""
        text = "".join(s.tex for s in self.segments)
        return {code: int(page) for code, page in re.findall(r"\\tsemoji\{([0-9a-f-]+)\}\{(\d+)\}", text)}

    def document(self, metrics) -> str:
        """The sheet's .tex, laid out from metrics: a picture for each page."""
        laid = layout_document(self.sheet, self.typesetter.measured(metrics), self.source)
        self.pages = len(laid.pages)
        for warning in turned_diagrams(laid) + blank_panels(laid) + sparse_pages(laid):
            if warning not in self.source.warnings:
                self.source.warnings.append(warning)
        widths = {tex: size[0] for tex, size in metrics.items()}
        source = RenderSource(self.source.path.name, _element_lines(laid.source))
        pictures = [render_picture(laid.sheet, page, widths, source) for page in laid.pages]
        return render_document(self.preamble, "\n".join(pictures), self.source.path.name, len(pictures))


def render_tex(source: Source, sheet: Sheet, machine: Machine, cache: Path) -> str:
    """The sheet's .tex from the measurements kept in cache (all its text must be there)."""
    drawing = Drawing(source, sheet, machine)
    known = measure.read_cache(cache, drawing.fonts_key)
    return drawing.document(measure.metrics_of(drawing.segments, known)[0])


def _element_lines(source: Source) -> dict:
    """The content line of every element the .tex names in a comment."""
    return {where: line for where, (line, _) in source.marks.items()}


def turned_diagrams(laid: Document) -> list[Problem]:
    """A warning for each left-to-right flowchart the layout drew top-down, its column being too
    narrow for it across: the page shows it otherwise than written."""
    found = []
    for page in laid.pages:
        for panel in page.panels:
            for placed in panel.blocks:
                drawn = placed.geometry.parts.get("direction")
                written = getattr(placed.block, "parsed", None)
                if drawn and getattr(written, "direction", drawn) in ("LR", "RL") and drawn not in ("LR", "RL"):
                    found.append(laid.source.problem(placed.where + ("mermaid",), f"the {written.direction} flowchart is drawn "
                                                     "top-down: its column is too narrow for it across (give its panel more width, "
                                                     "or a row of its own, to keep it across)"))
    return found


def blank_panels(laid: Document) -> list[Problem]:
    """A warning for each panel more than a third blank on a page whose text is, somewhere, at
    the smallest size: room the page gives to a gap that text needed."""
    least = laid.sheet.theme.min_font_size
    found = []
    for page in laid.pages:
        for panel, share in lonely_panels(page, least):
            row = laid.sheet.rows[panel.where[1]] if panel.where[0] == "rows" else None
            if row is not None and row.height is not None:
                advice = f"give its row less height (now {row.height:g})"
            else:
                advice = "give it more to say, or set it in a row beside shorter panels (rows:)"
            found.append(laid.source.problem(panel.where, f"panel '{panel.panel.title}' is {share:.0%} blank while text "
                                             f"on its page is set at the smallest size, {least:g} pt: {advice}"))
    return found


def sparse_pages(laid: Document) -> list[Problem]:
    """A warning, at the sheet's title, for a page more than SPARSE empty with all its text at
    the largest size it may take: the content is too little for the page, and what would fill it."""
    theme = laid.sheet.theme
    if theme.font_size:
        return []
    found = []
    for k, page in enumerate(laid.pages):
        if page.size < theme.max_font_size - 0.01:
            continue
        empty = empty_share(page)
        if empty > SPARSE:
            which = f"page {k + 1}" if len(laid.pages) > 1 else "the page"
            larger = f", a larger theme.max_font_size (up to {MAX_FONT_SIZE:g})" if theme.max_font_size < MAX_FONT_SIZE else ""
            found.append(laid.source.problem(("title",), f"{which} is {empty:.0%} empty with its text at the largest size, "
                                             f"{theme.max_font_size:g} pt: more content{larger}, or a smaller page "
                                             "(page: size: a5) would fill it"))
    return found
