"""The sheet as LaTeX text: a pure function of the model, its layout and the fonts chosen.

Templates draw the numbers the layout decided; text arrives as lines already broken, each
segment a box TeX measured. Nothing here asks the machine or the disk (templates aside).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from jinja2.sandbox import SandboxedEnvironment
from pylatex.utils import NoEscape

from . import markup
from .escape import escape_chars
from .blocks import Item, Placed, Rect
from .layout import Layout, PanelLayout
from .model import Sheet
from .fonts import Faces
from .paragraphs import Segment
from .templates import LOADER, SYNTAX, template_source
from .theme import PALETTES
from .typeset import TextBox
from .units import PT, fmt
from .wobble import coordinates, element_seed, ellipse, rectangle, wobble

ENGINE = "xelatex"
ICONS = "texsheet-icons"  # the folder beside the .tex holding the icons it places, CODE.pdf each
REFERENCE_SIZE = 10.0  # pt at which TeX measures every segment
MEASURED = "texsheet-measured"  # what a driver says on the terminal when it has measured
BOX_STEP = 12.0  # of boxes inside blocks
LINE_STEP = 14.0  # of rules and arrows
MARKER_STEP = 6.0  # of ticks
MARKER_WOBBLE = 0.35  # pt: check boxes and ticks are small, so they stray less
HIGHLIGHT_REACH = (0.17, 0.27, 0.79)  # em: a highlighter stroke reaches this far left, below and above


@dataclass(frozen=True)
class Source:
    """What the comments of the .tex name: the content file and each element's line."""

    name: str
    lines: dict  # where -> line


def _finalize(value):
    """Every value a template prints is escaped unless texsheet built it (NoEscape)."""
    if isinstance(value, NoEscape):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return fmt(value)
    return NoEscape(escape_chars(str(value)))


def _comment(text: str) -> NoEscape:
    """Text for a TeX comment: one line, as typed, markup removed."""
    return NoEscape(re.sub(r"[\x00-\x1f\x7f]", " ", markup.plain(str(text))))


_ENV = SandboxedEnvironment(loader=LOADER, finalize=_finalize, **SYNTAX)


_ENV.filters["comment"] = _comment
_ENV.globals["inset"] = lambda rect, d: Rect(rect.x + d, rect.y + d, rect.w - 2 * d, rect.h - 2 * d)


# ----------------------------------------------------------------------------- text


class _Text:
    """Text boxes as TeX, given each segment's width (em) as TeX measured it."""

    def __init__(self, widths: dict[str, float]):
        self.widths = widths

    def __call__(self, box: TextBox, indent: str = "") -> NoEscape:
        """Highlighter strokes behind the box's marked runs, then its lines, each placed at its
        baseline (mm; y downwards is negated)."""
        size = box.size
        out = []
        for x, baseline, line in box.lines:
            for start, end, mark in self._marked_runs(line.items, size):
                out.append(_mark_tex(box.x + x + start, box.y + baseline, end - start, size, mark, indent))
        lines = []
        for x, baseline, line in box.lines:
            if line.items:
                left = box.x + x + line.items[0][0] * size * PT
                lines.append(f"{indent}  \\tsl{{{fmt(left)}}}{{{fmt(-(box.y + baseline))}}}{{{self._line(line.items, size)}}}")
        if lines:
            out.append(f"{indent}\\tstext{{{fmt(size)}}}{{{box.colour}}}{{%\n" + "%\n".join(lines) + "}%")
        return NoEscape("\n".join(out))

    def _line(self, items: tuple, size: float) -> str:
        """Segments one after another, the glue between them as kerns (pt): their widths are known."""
        parts = []
        end = items[0][0]
        for x, segment in items:
            gap = (x - end) * size
            if gap > 0.0005:
                parts.append(f"\\kern{gap:.3f}pt")
            parts.append(f"\\hbox{{{segment.tex}}}")
            end = x + self.widths[segment.tex]
        return "".join(parts)

    def _marked_runs(self, items: tuple, size: float) -> list[tuple[float, float, str]]:
        """(start, end, mark) in mm of the runs of highlighted or code segments of a line."""
        runs: list[list] = []
        for x, segment in items:
            end = x + self.widths[segment.tex]
            if segment.mark and runs and runs[-1][2] == segment.mark and runs[-1][3]:
                runs[-1][1] = end
            elif segment.mark:
                runs.append([x, end, segment.mark, True])
            elif runs:
                runs[-1][3] = False
        em = size * PT
        return [(start * em, end * em, mark) for start, end, mark, _ in runs]


def _mark_tex(x: float, baseline: float, width: float, size: float, mark: str, indent: str) -> str:
    em = size * PT
    left, below, above = HIGHLIGHT_REACH
    if mark == "code":
        return (f"{indent}\\fill[ts-grey!14,rounded corners=0.4mm] ({fmt(x - 0.12 * em)},{fmt(-(baseline + 0.3 * em))}) "
                f"rectangle ({fmt(x + width + 0.12 * em)},{fmt(-(baseline - 0.85 * em))});")
    seed = element_seed(0, f"{x:.2f}/{baseline:.2f}")
    corners = [(x - left * em, baseline + below * em), (x + width + left * em, baseline + below * em),
               (x + width + left * em, baseline - above * em), (x - left * em, baseline - above * em)]
    jittered = wobble(corners, seed, 1000.0, 0.03 * size, closed=True)
    return f"{indent}\\fill[ts-hl,opacity=0.6] {coordinates(jittered, closed=True)};"


# ----------------------------------------------------------------------------- drawing helpers


class _Pen:
    """Wobbly paths for one element: each asks for its seed by name."""

    def __init__(self, sheet: Sheet, element: str):
        self.seed, self.amplitude, self.element = sheet.theme.seed, sheet.theme.wobble, element

    def _seed(self, part: str) -> int:
        return element_seed(self.seed, f"{self.element}/{part}")

    def box(self, rect: Rect, part: str = "box", step: float = BOX_STEP, amplitude: float | None = None) -> NoEscape:
        amplitude = self.amplitude if amplitude is None else min(amplitude, self.amplitude)
        points = wobble(rectangle(rect.x, rect.y, rect.w, rect.h), self._seed(part), step, amplitude, closed=True)
        return NoEscape(coordinates(points, closed=True))

    def line(self, points, part: str = "line", step: float = LINE_STEP, amplitude: float | None = None) -> NoEscape:
        amplitude = self.amplitude if amplitude is None else min(amplitude, self.amplitude)
        points = [(p.x, p.y) if hasattr(p, "x") else p for p in points]
        return NoEscape(coordinates(wobble(points, self._seed(part), step, amplitude)))

    def oval(self, cx: float, cy: float, rx: float, ry: float, part: str = "oval") -> NoEscape:
        points = wobble(ellipse(cx, cy, rx, ry), self._seed(part), 1000.0, self.amplitude, closed=True)
        return NoEscape(coordinates(points, closed=True))

    def straight(self, rect: Rect) -> NoEscape:
        return NoEscape(f"({fmt(rect.x)},{fmt(-rect.y)}) rectangle ({fmt(rect.right)},{fmt(-rect.bottom)})")


def _marker_tex(item: Item, pen: _Pen, n: int, text: _Text) -> str:
    em = item.text.size * PT
    x, y = item.x, item.baseline
    colour = f"ts-{item.colour}"
    if item.marker == "dot":
        return f"  \\fill[{colour}] ({fmt(x + 0.3 * em)},{fmt(-(y - 0.3 * em))}) circle ({fmt(0.17 * em)});"
    if item.marker in ("box", "done"):
        side = 0.8 * em
        square = Rect(x + 0.1 * em, y - 0.72 * em, side, side)
        out = f"  \\draw[ts pen,line width=0.6pt] {pen.box(square, f'box{n}', side / PT, MARKER_WOBBLE)};"
        if item.marker == "done":
            tick = [(x + 0.24 * em, y - 0.35 * em), (x + 0.5 * em, y - 0.08 * em), (x + 1.05 * em, y - 0.95 * em)]
            out += f"\n  \\draw[ts pen,ts-green,line width=1.2pt] {pen.line(tick, f'tick{n}', MARKER_STEP, MARKER_WOBBLE)};"
        return out
    if item.marker == "tick":
        tick = [(x + 0.05 * em, y - 0.32 * em), (x + 0.35 * em, y - 0.02 * em), (x + 0.9 * em, y - 0.78 * em)]
        return f"  \\draw[ts pen,ts-green,line width=1.1pt] {pen.line(tick, f'tick{n}', MARKER_STEP, MARKER_WOBBLE)};"
    return text(item.label) if item.label is not None else ""


# ----------------------------------------------------------------------------- the document


def render_picture(sheet: Sheet, layout: Layout, widths: dict[str, float], source: Source) -> str:
    """The sheet's picture: paper, banner, panels and blocks. widths is each segment's width in
    em, as TeX measured it."""
    text = _Text(widths)
    panels = [_panel_view(sheet, panel, source, text) for panel in layout.panels]
    return _ENV.get_template("picture.tex.j2").render(
        sheet=sheet, layout=layout, panels=panels, source_name=source.name, text=text, pen=lambda element: _Pen(sheet, element),
    )


def render_document(preamble: str, picture: str, source_name: str) -> str:
    """The complete .tex of a sheet: a page holding its picture, buildable on its own."""
    return _ENV.get_template("sheet.tex.j2").render(
        preamble=NoEscape(preamble), body=NoEscape(picture), source_name=source_name, engine=ENGINE,
    )


def render_sheet(sheet: Sheet, layout: Layout, faces: Faces, widths: dict[str, float], source: Source) -> str:
    """The complete .tex of the sheet, its preamble holding what its text uses."""
    return render_document(render_preamble(sheet, faces, "".join(widths)), render_picture(sheet, layout, widths, source), source.name)


def render_block(sheet: Sheet, placed: Placed, widths: dict[str, float], source_name: str = "sheet", line: int = 0) -> str:
    """One block's drawing and text, in the scope that places it (what golden files hold)."""
    return _block_tex(sheet, placed, source_name, line, _Text(widths))


def _panel_view(sheet: Sheet, panel: PanelLayout, source: Source, text: _Text) -> dict:
    element = ".".join(str(w) for w in panel.where)
    return {
        "layout": panel,
        "element": element,
        "line": source.lines.get(panel.where, 0),
        "blocks": [NoEscape(_block_tex(sheet, placed, source.name, source.lines.get(placed.where, 0), text)) for placed in panel.blocks],
    }


def _block_tex(sheet: Sheet, placed: Placed, source_name: str, line: int, text: _Text) -> str:
    element = ".".join(str(w) for w in placed.where)
    pen = _Pen(sheet, element)
    geometry = placed.geometry
    drawing = _ENV.get_template(f"block_{placed.block.kind}.tex.j2").render(
        geo=geometry, parts=geometry.parts, pen=pen, text=text,
    ).rstrip("\n")
    markers = [_marker_tex(item, pen, n, text) for n, item in enumerate(geometry.items)]
    texts = [] if geometry.parts.get("draws_text") else [text(box) for box in geometry.texts]
    heading = [text(placed.heading)] if placed.heading is not None else []
    inner = "\n".join(part for part in [drawing, *markers, *heading, *texts] if part)
    return (f"% {placed.block.kind} ({source_name}:{line})\n"
            f"\\begin{{scope}}[shift={{({fmt(placed.x)},{fmt(-placed.y)})}}]\n{inner}\n\\end{{scope}}")


def render_preamble(sheet: Sheet, faces: Faces, text: str) -> str:
    """Packages, the fonts text uses (the TeX of the sheet's segments), the theme's colours and
    texsheet's macros."""
    body = text
    math = "\\tsmath{" in body or "\\tsdisplaymath{" in body
    text_face = faces.declared[("body", faces.chains["body"][0], False)]  # of a formula's \text{...}
    used = sorted({d for d in faces.declared.values() if re.search(re.escape(d.command) + r"(?![A-Za-z])", body)}
                  | ({text_face} if math else set()), key=lambda d: d.command)
    families = [(NoEscape(d.command), d.name, NoEscape(d.options)) for d in used]
    theme = sheet.theme
    return _ENV.get_template("preamble.tex.j2").render(
        families=families,
        pens=PALETTES[theme.palette],
        theme=theme,
        math=math,
        text_font=NoEscape(text_face.command),
        emoji="\\tsemoji{" in body,
        emoji_text=faces.emoji_text,
        icons=NoEscape(ICONS),
    )


def render_format_head() -> str:
    """The beginning every sheet's preamble shares, up to where a format of it ends: what
    build.preloaded_format dumps."""
    return _ENV.get_template("preloaded.tex.j2").render() + _ENV.get_template("endofdump.tex.j2").render()


def format_ini() -> str:
    """The ini file that dumps a format of render_format_head (mylatexformat)."""
    return template_source("format.ini")


def render_driver(preamble: str, segments: list[Segment], picture_file: str) -> str:
    """The document of a build that measures first: it sets every segment at the reference
    size and writes its width, height and depth to <jobname>.measured (a line each, numbered as
    segments), says MEASURED on the terminal and waits for a line there; then it inputs
    picture_file, which texsheet wrote meanwhile, and ends as the sheet's own .tex would."""
    measures = "\n".join(f"\\tsmeasure{{{n}}}{{{segment.tex}}}" for n, segment in enumerate(segments))
    return _ENV.get_template("driver.tex.j2").render(
        preamble=NoEscape(preamble), measures=NoEscape(measures), size=REFERENCE_SIZE, marker=NoEscape(MEASURED),
        picture=NoEscape(picture_file),
    )
