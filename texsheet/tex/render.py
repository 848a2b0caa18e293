"""The sheet as LaTeX text: a pure function of the model, its layout and the fonts chosen.

Templates draw the numbers the layout decided; text arrives as lines already broken, each
segment a box TeX measured. Nothing here asks the machine or the disk (templates aside).
"""
from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass

from jinja2.sandbox import SandboxedEnvironment
from pylatex.utils import NoEscape

from texsheet.layout.blocks import Item, Placed, Rect
from texsheet.layout.panels import titled
from texsheet.layout.placement import Layout, PanelLayout
from texsheet.model.sheet import Sheet
from texsheet.model.theme import PALETTES
from texsheet.tex import diagram_paths
from texsheet.tex.templates import LOADER, SYNTAX, CompiledTemplates, template_source
from texsheet.text import markup
from texsheet.text.escape import escape_chars
from texsheet.text.fonts import ROLE_FAMILIES, ROLE_MACROS, ROLE_SWITCHES, Faces
from texsheet.text.lines import Line
from texsheet.text.paragraphs import Segment, wrap
from texsheet.text.typeset import TextBox
from texsheet.text.units import PT, fmt

ENGINE = "xelatex"
ICONS = "texsheet-icons"  # the folder beside the .tex holding the icons it places, CODE.pdf each
REFERENCE_SIZE = 10.0  # pt at which TeX measures every segment
# pt between the turns of each hand-drawn style's lines: a long line bends, it does not
# tremble, and each turn costs TeX a millisecond or two. A box turns at least once a side:
# random steps longer than a side cut its corners.
STEPS = {"frame": 90.0, "box": 40.0, "line": 45.0, "mark": 6.0, "tick": 6.0, "curve": 5.0}
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


_ENV = SandboxedEnvironment(loader=LOADER, finalize=_finalize, bytecode_cache=CompiledTemplates(), **SYNTAX)


_ENV.filters["comment"] = _comment
_ENV.filters["file_name"] = lambda name: NoEscape(re.sub(r"[\x00-\x1f\x7f]", " ", str(name)))
_ENV.globals["inset"] = lambda rect, d: Rect(rect.x + d, rect.y + d, rect.w - 2 * d, rect.h - 2 * d)


# ----------------------------------------------------------------------------- text


SAME = 1e-3  # em: gaps closer than this to a space's width are that space


class _Text:
    """Text boxes as TeX, given each segment's width (em) as TeX measured it."""

    def __init__(self, widths: dict[str, float]):
        self.widths = widths

    def __call__(self, box: TextBox) -> NoEscape:
        """Highlighter strokes and code grounds behind the box's marked runs, then its lines,
        each placed at its baseline (mm; y downwards is negated) and written as typed."""
        size = box.size
        out = []
        for x, baseline, line in box.lines:
            for start, end, mark in self._marked_runs(line.items, size):
                out.append(_mark_tex(box.x + x + start, box.y + baseline, end - start, size, mark))
        bold = _all_bold(box)
        lines = []
        for x, baseline, line in box.lines:
            if line.items:
                left = box.x + x + line.items[0][0] * size * PT
                lines.append(f"  \\tsl{{{fmt(left)}}}{{{fmt(-(box.y + baseline))}}}{{{self._line(line, box.role, bold)}}}")
        if lines:
            font = f"\\ts{box.role}" + ("\\bfseries" if bold else "")  # the preamble's \\tsbody, \\tshand, \\tscode
            out.append(f"\\tstext{{{font}}}{{{fmt(size)}}}{{{box.colour}}}{{\n" + "\n".join(lines) + "\n}")
        return NoEscape("\n".join(out))

    def _line(self, line: Line, role: str, bold: bool) -> str:
        """A line's segments as one piece of TeX: runs of one style in one macro, words apart
        by the spaces typed, a fallback font's words each in that font's macro."""
        runs: list[tuple[tuple, list[str]]] = []  # (style, pieces)
        end = None
        for (x, segment), glue in zip(line.items, line.glues):
            style = _style(segment)
            joins = bool(runs) and runs[-1][0] == style and style[2] != ""
            if end is not None and abs(x - end) >= SAME:
                if glue is not None and glue.space is not None and abs(x - end - self._glue(glue)) < SAME:
                    space = _style(glue.space)
                    if joins and space[1:] == style[1:]:  # the run's own font sets the space, as measured
                        runs[-1][1].append(_spaces(glue.count))
                    else:
                        runs.append((("", *space[1:]), [_spaces(glue.count)]))
                else:  # only right-to-left runs, mirrored, leave other gaps
                    runs.append((("", bold, role), [f"\\hspace{{{x - end:.3f}em}}"]))
                joins = joins and runs[-1][0] == style
            if joins:
                runs[-1][1].append(segment.text)
            else:
                runs.append((style, [segment.text]))
            end = x + self.widths[segment.tex]
        return "".join(_run_tex(style, "".join(pieces), role, bold) for style, pieces in runs)

    def _glue(self, glue) -> float:
        return glue.count * self.widths[glue.space.tex]

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


_ROLES = frozenset(ROLE_SWITCHES)


def _style(segment: Segment) -> tuple[str, bool, str]:
    """(pen, bold, font) of a segment: its font is its role, a fallback's macro, or "" for an
    icon or a formula, which stands alone."""
    if not segment.role:
        return (segment.pen, False, "")
    return (segment.pen, segment.bold, segment.face or segment.role)


def _spaces(count: int) -> str:
    return " " + "\\ " * (count - 1)


def _run_tex(style: tuple[str, bool, str], tex: str, role: str, bold: bool) -> str:
    """A run of one style in the macros that set it apart from the box's font (role, bold or
    not); an icon or a formula only takes its pen."""
    pen, run_bold, font = style
    if not font:
        return wrap(tex, pen=pen)
    if font in _ROLES:
        font = "" if font == role else ROLE_MACROS[font]
    tex = wrap(tex, font, run_bold and not bold, pen)
    return f"\\textmd{{{tex}}}" if bold and not run_bold else tex


def _all_bold(box: TextBox) -> bool:
    """Whether every word of the box, and every space between, is bold (a heading's)."""
    found = False
    for _, _, line in box.lines:
        for segment in (*(s for _, s in line.items), *(g.space for g in line.glues if g is not None and g.space is not None)):
            if segment.role:
                if not segment.bold:
                    return False
                found = True
    return found


def _mark_tex(x: float, baseline: float, width: float, size: float, mark: str) -> str:
    em = size * PT
    if mark == "code":
        return (f"\\fill[ts code ground] ({fmt(x - 0.12 * em)},{fmt(-(baseline + 0.3 * em))}) "
                f"rectangle ({fmt(x + width + 0.12 * em)},{fmt(-(baseline - 0.85 * em))});")
    left, below, above = HIGHLIGHT_REACH
    return (f"\\fill[ts highlight] ({fmt(x - left * em)},{fmt(-(baseline + below * em))}) "
            f"rectangle ({fmt(x + width + left * em)},{fmt(-(baseline - above * em))});")


# ----------------------------------------------------------------------------- drawing helpers


def _seed_number(theme_seed: int, element: str) -> int:
    """A seed for one element, from its place in the content: edits elsewhere keep it. Small
    enough for \\pgfmathsetseed (which takes 1 to 2^31 - 2)."""
    digest = hashlib.sha256(f"{theme_seed}/{element}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 999_983 + 1


class _Pen:
    """Paths for one element's drawing: the preamble's styles make them hand-drawn (TikZ's
    random steps); each path asks for its seed by name, so it wobbles the same in every build."""

    def __init__(self, sheet: Sheet, element: str):
        self.theme_seed, self.element = sheet.theme.seed, element

    def seed(self, part: str) -> NoEscape:
        """The option that seeds a path's wobble."""
        return NoEscape(f"ts seed={_seed_number(self.theme_seed, f'{self.element}/{part}')}")

    def hand(self, style: str, rect: Rect, part: str) -> NoEscape:
        """The options of a hand-drawn box: its style, turning at least once a side, and its seed."""
        return self._options(style, min(rect.w, rect.h), part)

    def stroke(self, style: str, points, part: str) -> NoEscape:
        """The options of a hand-drawn path of several strokes (a tick): its style, turning at
        least once a stroke, and its seed."""
        points = [(p.x, p.y) if hasattr(p, "x") else p for p in points]
        return self._options(style, min(math.dist(a, b) for a, b in zip(points, points[1:])), part)

    def _options(self, style: str, shortest: float, part: str) -> NoEscape:
        """The style, its step shortened to shortest (mm) where that is shorter, and the seed."""
        step = f"={fmt(shortest / PT)}pt" if shortest / PT < STEPS[style] else ""
        return NoEscape(f"ts {style}{step},{self.seed(part)}")

    def round(self, radius: float, part: str) -> NoEscape:
        """The options of a small hand-drawn circle: a check box's style, turning 16 times."""
        return NoEscape(f"ts mark={fmt(2 * math.pi * radius / PT / 16)}pt,{self.seed(part)}")

    def curve(self, part: str) -> NoEscape:
        """The options of a hand-drawn curve (ts curve: short steps that follow the bend, their
        corners rounded), and its seed."""
        return NoEscape(f"ts curve,{self.seed(part)}")

    def outline(self, node: dict, part: str) -> NoEscape:
        """The options of a diagram node's outline: straight sides turn once a side at least,
        curved ones often."""
        if node["shape"] in ("round", "stadium", "circle", "cylinder", "cloud"):
            return self.curve(part)
        corners = node.get("corners")
        if corners:
            return self.stroke("box", [(p.x, p.y) for p in (*corners, corners[0])], part)
        return self.hand("box", node["rect"], part)

    @staticmethod
    def rect(rect: Rect) -> NoEscape:
        return NoEscape(f"({fmt(rect.x)},{fmt(-rect.y)}) rectangle ({fmt(rect.right)},{fmt(-rect.bottom)})")

    @staticmethod
    def path(points) -> NoEscape:
        points = [(p.x, p.y) if hasattr(p, "x") else p for p in points]
        return NoEscape(" -- ".join(f"({fmt(x)},{fmt(-y)})" for x, y in points))

    @staticmethod
    def oval(cx: float, cy: float, rx: float, ry: float) -> NoEscape:
        return NoEscape(f"({fmt(cx)},{fmt(-cy)}) ellipse ({fmt(rx)} and {fmt(ry)})")


def _diagram_outline(node: dict) -> NoEscape:
    """A diagram node's outline as a closed TikZ path (mm, y downwards negated)."""
    rect = node["rect"]
    x, y, w, h = rect.x, rect.y, rect.w, rect.h
    shape = node["shape"]
    if "corners" in node:
        return NoEscape(" -- ".join(f"({fmt(p.x)},{fmt(-p.y)})" for p in node["corners"]) + " -- cycle")
    if shape in ("round", "stadium"):  # begun and ended mid-top, a little past, as a pen goes round
        r = node["radius"]
        middle, past = x + w / 2, min(0.8, w / 4)
        sides = [f"({fmt(x + w - r)},{fmt(-y)})", f"arc[start angle=90,end angle=0,radius={fmt(r)}]"]
        if h > 2 * r + 0.01:
            sides.append(f"-- ({fmt(x + w)},{fmt(-(y + h - r))})")
        sides += [f"arc[start angle=0,end angle=-90,radius={fmt(r)}]", f"-- ({fmt(x + r)},{fmt(-(y + h))})",
                  f"arc[start angle=-90,end angle=-180,radius={fmt(r)}]"]
        if h > 2 * r + 0.01:
            sides.append(f"-- ({fmt(x)},{fmt(-(y + r))})")
        sides += [f"arc[start angle=180,end angle=90,radius={fmt(r)}]", f"-- ({fmt(middle + past)},{fmt(-y)})"]
        return NoEscape(f"({fmt(middle)},{fmt(-y)}) -- " + " ".join(sides))
    if shape == "circle":  # from the top round and a little past it
        return NoEscape(f"({fmt(x + w / 2)},{fmt(-y)}) arc[start angle=90,end angle=-280,radius={fmt(w / 2)}]")
    if shape == "cylinder":
        cap, rx = node["cap"], w / 2
        return NoEscape(f"({fmt(x)},{fmt(-(y + cap))}) -- ({fmt(x)},{fmt(-(y + h - cap))}) "
                        f"arc[start angle=180,end angle=360,x radius={fmt(rx)},y radius={fmt(cap)}] "
                        f"-- ({fmt(x + w)},{fmt(-(y + cap))}) arc[start angle=0,end angle=180,x radius={fmt(rx)},y radius={fmt(cap)}] -- cycle")
    return _Pen.rect(rect)


def _diagram_inner(node: dict) -> NoEscape:
    """The lines inside a node's outline: a subroutine's side bars, a cylinder's front rim."""
    rect = node["rect"]
    x, y, w, h = rect.x, rect.y, rect.w, rect.h
    if node["shape"] == "subroutine":
        b = node["bar"]
        return NoEscape(f"({fmt(x + b)},{fmt(-y)}) -- ({fmt(x + b)},{fmt(-(y + h))}) "
                        f"({fmt(x + w - b)},{fmt(-y)}) -- ({fmt(x + w - b)},{fmt(-(y + h))})")
    if node["shape"] == "cylinder":
        cap = node["cap"]
        return NoEscape(f"({fmt(x)},{fmt(-(y + cap))}) arc[start angle=180,end angle=360,x radius={fmt(w / 2)},y radius={fmt(cap)}]")
    return NoEscape("")


def _diagram_curve(points) -> NoEscape:
    """A link's Bézier pieces, as dot gave them: a start, then two controls and an end each."""
    out = [f"({fmt(points[0].x)},{fmt(-points[0].y)})"]
    for n in range(1, len(points) - 2, 3):
        a, b, c = points[n:n + 3]
        out.append(f".. controls ({fmt(a.x)},{fmt(-a.y)}) and ({fmt(b.x)},{fmt(-b.y)}) .. ({fmt(c.x)},{fmt(-c.y)})")
    return NoEscape(" ".join(out))


def _straight(points, tolerance: float = 0.3) -> bool:
    """Whether a link's curve is a straight line (every point within tolerance mm of the chord)."""
    (ax, ay), (bx, by) = (points[0].x, points[0].y), (points[-1].x, points[-1].y)
    length = math.hypot(bx - ax, by - ay)
    if length < 1e-6:
        return False
    return all(abs((bx - ax) * (ay - p.y) - (ax - p.x) * (by - ay)) / length <= tolerance for p in points)


def _diagram_link_style(link: dict, em: float) -> NoEscape:
    """A link's line (solid, thick or dotted) and its arrow heads, sized by the diagram's text."""
    tip = f"Stealth[length={fmt(min(0.5 * em, 2.6))}mm,width={fmt(min(0.4 * em, 2.1))}mm,round]"
    line = {"solid": "line width=0.75pt", "thick": "line width=1.6pt", "dotted": "line width=0.75pt,dash pattern=on 1.6pt off 2.2pt"}[link["line"]]
    heads = f"{{{tip}}}" if link["back"] else ""
    heads += "-" + (f"{{{tip}}}" if link["forward"] else "")
    return NoEscape(f"{line},{heads}" if heads != "-" else line)


_ENV.globals.update(diagram_outline=_diagram_outline, diagram_inner=_diagram_inner, diagram_curve=_diagram_curve,
                    diagram_link_style=_diagram_link_style, straight=_straight, **diagram_paths.GLOBALS)


def _marker_tex(item: Item, pen: _Pen, n: int, text: _Text) -> str:
    em = item.text.size * PT
    x, y = item.x, item.baseline
    colour = f"ts-{item.colour}"
    if item.marker == "dot":
        return f"\\fill[{colour}] ({fmt(x + 0.3 * em)},{fmt(-(y - 0.3 * em))}) circle ({fmt(0.17 * em)});"
    if item.marker in ("box", "done"):
        square = Rect(x + 0.1 * em, y - 0.72 * em, 0.8 * em, 0.8 * em)
        out = f"\\draw[{pen.hand('mark', square, f'box{n}')}] {pen.rect(square)};"
        if item.marker == "done":
            tick = [(x + 0.24 * em, y - 0.35 * em), (x + 0.5 * em, y - 0.08 * em), (x + 1.05 * em, y - 0.95 * em)]
            out += f"\n\\draw[{pen.stroke('tick', tick, f'tick{n}')}] {pen.path(tick)};"
        return out
    if item.marker == "tick":
        tick = [(x + 0.05 * em, y - 0.32 * em), (x + 0.35 * em, y - 0.02 * em), (x + 0.9 * em, y - 0.78 * em)]
        return f"\\draw[{pen.stroke('tick', tick, f'tick{n}')}] {pen.path(tick)};"
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


def render_document(preamble: str, picture: str, source_name: str, pages: int = 1) -> str:
    """The complete .tex of a sheet, buildable on its own: a page for each of its pictures
    (picture holds pages of them, one after the other)."""
    return _ENV.get_template("sheet.tex.j2").render(
        preamble=NoEscape(preamble), body=NoEscape(picture), source_name=source_name, engine=ENGINE, pages=pages,
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
        "titled": titled(panel.panel),
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
    """Packages, the fonts text uses (text: the TeX of the sheet's segments), the theme's
    colours and line styles, and texsheet's macros."""
    math = "\\tsmath{" in text or "\\tsdisplaymath{" in text
    roles = [(ROLE_FAMILIES[d.role], d.name, NoEscape(d.options), d.hangul, NoEscape(d.hangul_options)) for d in faces.declared.values()
             if d.role and (d.role != "code" or ROLE_SWITCHES["code"] in text)]
    fallbacks = sorted((d for d in faces.declared.values() if not d.role and re.search(re.escape(d.command) + r"(?![A-Za-z])", text)),
                       key=lambda d: d.command)
    theme = sheet.theme
    return _ENV.get_template("preamble.tex.j2").render(
        roles=roles,
        fallbacks=[_FallbackView(NoEscape(d.command), NoEscape(d.switch), d.name, NoEscape(d.options), d.rise) for d in fallbacks],
        pens=PALETTES[theme.palette],
        theme=theme,
        steps=STEPS,
        math=math,
        emoji="\\tsemoji{" in text,
        no_icon="\\tsnoicon" in text,
        diagrams=any(block.kind == "diagram" for _, panel in sheet.placed_panels() for block in panel.blocks),
        emoji_text=faces.emoji_text,
        icons=NoEscape(ICONS),
    )


@dataclass(frozen=True)
class _FallbackView:
    command: NoEscape
    switch: NoEscape
    name: str
    options: NoEscape
    rise: float


def render_format_head() -> str:
    """The beginning every sheet's preamble shares, up to where a format of it ends: what
    build.preloaded_format dumps."""
    return _ENV.get_template("preloaded.tex.j2").render() + _ENV.get_template("endofdump.tex.j2").render()


def format_ini() -> str:
    """The ini file that dumps a format of render_format_head (mylatexformat)."""
    return template_source("format.ini")


def render_measuring(preamble: str, segments: list[Segment]) -> str:
    """The document of a measuring run: the sheet's own preamble, then every segment set at the
    reference size, its width, height and depth written to <jobname>.measured (a line each,
    numbered as segments). No page."""
    measures = "\n".join(f"\\tsmeasure{{{n}}}{{{segment.tex}}}" for n, segment in enumerate(segments))
    return _ENV.get_template("measure.tex.j2").render(preamble=NoEscape(preamble), measures=NoEscape(measures), size=REFERENCE_SIZE)
