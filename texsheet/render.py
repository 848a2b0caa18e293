"""The sheet as LaTeX text: a pure function of the model and its layout, no I/O but templates."""
from __future__ import annotations

import hashlib
import re
from importlib import resources

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from pylatex.utils import NoEscape

from . import markup
from .escape import escape_text
from .layout import PlacedPanel, layout_sheet
from .model import Block, Panel, Sheet
from .source import Source
from .theme import PALETTES
from .units import fmt
from .wobble import wobbly_rectangle

ENGINE = "xelatex"
FRAME_SEGMENT_PT = 20.0  # wobble step of the page's large frames


def _finalize(value):
    """Every value a template prints is escaped unless texsheet built it (NoEscape)."""
    if isinstance(value, NoEscape):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return fmt(value)
    return escape_text(str(value))


def _icon(icon: str) -> NoEscape:
    return markup.emoji_to_latex(icon) if icon else NoEscape("")


def _comment(text: str) -> NoEscape:
    """Text for a TeX comment: one line, as typed, markup removed."""
    return NoEscape(re.sub(r"[\x00-\x1f\x7f]", " ", markup.plain(str(text))))


def _environment() -> jinja2.Environment:
    env = SandboxedEnvironment(
        loader=jinja2.FunctionLoader(_template_source),
        block_start_string="((*",
        block_end_string="*))",
        variable_start_string="<<",
        variable_end_string=">>",
        comment_start_string="((#",
        comment_end_string="#))",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        autoescape=False,
    )
    env.filters["md"] = lambda text: markup.to_latex(text)
    env.filters["mdi"] = lambda text: markup.to_latex(text, inline=True)
    env.filters["icon"] = _icon
    env.filters["comment"] = _comment
    return env


def _template_source(name: str) -> str:
    return resources.files("texsheet.tex_templates").joinpath(name).read_text(encoding="utf-8")


_ENV = _environment()


def element_seed(theme_seed: int, element: str) -> int:
    """A wobble seed for one element, from its place in the content: edits elsewhere keep it."""
    digest = hashlib.sha256(f"{theme_seed}/{element}".encode()).digest()
    return 1 + int.from_bytes(digest[:4], "big") % 999_983


def panel_box_name(where: tuple) -> str:
    """The TeX box name of a panel's text: ("rows", 1, "panels", 0) -> p10."""
    return "p" + "".join(str(w) for w in where if isinstance(w, int))


def render_sheet(sheet: Sheet, source: Source) -> str:
    """The complete .tex of the sheet: a page holding its picture."""
    return _render_picture("sheet.tex.j2", sheet, source)


def render_fragment(sheet: Sheet, source: Source) -> str:
    """The sheet's picture alone, for \\input in a paper that loads texsheet.sty."""
    return _render_picture("fragment.tex.j2", sheet, source)


def render_style() -> str:
    """texsheet.sty: the packages and macros every fragment needs, whatever its theme."""
    return _ENV.get_template("texsheet.sty.j2").render()


def _render_picture(template: str, sheet: Sheet, source: Source) -> str:
    layout = layout_sheet(sheet)
    return _ENV.get_template(template).render(
        sheet=sheet,
        layout=layout,
        source_name=source.path.name,
        stem=source.path.stem,
        engine=ENGINE,
        pens=PALETTES[sheet.theme.palette],
        panels=[_panel_view(sheet, source, placed) for placed in layout.panels],
        seed=lambda element: element_seed(sheet.theme.seed, element),
        frame=lambda x0, y0, x1, y1, element: NoEscape(
            wobbly_rectangle(x0, y0, x1, y1, element_seed(sheet.theme.seed, element), FRAME_SEGMENT_PT, sheet.theme.wobble)
        ),
    )


def _panel_view(sheet: Sheet, source: Source, placed: PlacedPanel) -> dict:
    panel = placed.panel
    name = panel_box_name(placed.where)
    gap = 4.0
    shares = panel.column_widths or [1.0] * panel.columns
    free = placed.body.w - gap * (panel.columns - 1)
    widths = [free * share / sum(shares) for share in shares]
    columns = []
    for width, indices in zip(widths, split_columns(panel)):
        blocks = []
        for b in indices:
            where = placed.where + ("blocks", b)
            blocks.append(_render_block(sheet, panel.blocks[b], f"{name}b{b}", where, width, panel.colour, source))
        columns.append((width, NoEscape("\n\\tsgap\n".join(blocks))))
    line, _ = source.position(placed.where)
    return {
        "placed": placed,
        "panel": panel,
        "name": name,
        "element": ".".join(str(w) for w in placed.where),
        "line": line,
        "columns": columns,
        "column_gap": gap,
    }


def split_columns(panel: Panel) -> list[list[int]]:
    """Block indices per column: by their column: keys, else spread evenly in order."""
    groups: list[list[int]] = [[] for _ in range(panel.columns)]
    if any(block.column for block in panel.blocks):
        column = 1
        for b, block in enumerate(panel.blocks):
            column = block.column or column
            groups[column - 1].append(b)
    else:
        per_column = -(-len(panel.blocks) // panel.columns)
        for b in range(len(panel.blocks)):
            groups[b // per_column].append(b)
    return groups


def _render_block(sheet: Sheet, block: Block, name: str, where: tuple, width: float, colour: str, source: Source) -> str:
    line, _ = source.position(where)
    element = ".".join(str(w) for w in where)
    return _ENV.get_template(f"block_{block.kind}.tex.j2").render(
        block=block,
        name=name,
        width=width,
        colour=colour,
        element=element,
        line=line,
        source_name=source.path.name,
        seed=lambda part="": element_seed(sheet.theme.seed, element + part),
    ).rstrip("\n")
