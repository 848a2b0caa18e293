"""A sheet for a paper: the fragment that places the sheet's PDF (or inputs its TikZ), the TikZ,
and texsheet.sty. Text only, no I/O."""
from __future__ import annotations

import re

import jinja2
from pylatex.utils import NoEscape

from texsheet.errors import TexsheetError
from texsheet.tex.templates import LOADER, SYNTAX

# A file name reaches TeX as typed (\detokenize in texsheet.sty makes & _ ~ $ and the like plain
# characters), so it may not hold what TeX reads before that: comment, parameter and escape
# characters, braces, ^^ notation, a double quote (LaTeX quotes file names with it), control
# characters, or spaces that TeX would merge or drop.
_UNSAFE_NAME = re.compile(r'[%#\\{}^"\x00-\x1f\x7f]|^ | $|  ')


def render_fragment(stem: str) -> str:
    """<stem>-fragment.tex: one line placing <stem>.pdf, the sheet texsheet built beside it."""
    return _ENV.get_template("fragment.tex.j2").render(stem=stem)


def render_style() -> str:
    """texsheet.sty, the same for every sheet."""
    return _ENV.get_template("texsheet.sty.j2").render()


def render_tikz(stem: str, document: str) -> str:
    """<stem>-tikz.tex: the sheet's declarations (its preamble after the format's part) and its
    tikzpicture, from document, the sheet's .tex; what \\usepackage[tikz]{texsheet} inputs.
    A sheet with formulas needs packages in the paper's preamble: its -tikz.tex places its PDF."""
    head, body = document.split(_BEGIN, 1)
    declarations = head.split(_END_OF_DUMP, 1)[1]
    if _PREAMBLE_ONLY.search(declarations):
        return _ENV.get_template("fragment-tikz.tex.j2").render(stem=stem, picture=None)
    picture = body.rsplit(_END, 1)[0]
    return _ENV.get_template("fragment-tikz.tex.j2").render(
        stem=stem, declarations=NoEscape(declarations.strip("\n")), picture=NoEscape(picture.strip("\n")))


# Where the sheet's .tex (sheet.tex.j2, endofdump.tex.j2) parts: the packages above the format's
# end, the declarations, the picture.
_END_OF_DUMP = "\\csname endofdump\\endcsname\n"
_BEGIN = "\\begin{document}\n"
_END = "\\end{document}"
# What LaTeX does only in a preamble (the formulas' packages and math fonts).
_PREAMBLE_ONLY = re.compile(r"\\(usepackage|setmathfont|setmathrm|setboldmathrm)\b")


def _tex_file_name(value: object) -> str:
    """Every value the templates print is a file name, refused if TeX cannot read it back, or
    TeX that texsheet generated (NoEscape)."""
    if isinstance(value, NoEscape):
        return value
    name = str(value)
    if not name:
        problem = "its name is empty"
    elif found := _UNSAFE_NAME.search(name):
        what = {" ": "a space at its start or end", "  ": "two spaces in a row"}.get(found.group(), repr(found.group()))
        problem = f"TeX cannot read {what} in a file name"
    else:
        return name
    raise TexsheetError(f"cannot write a fragment for {name!r}: {problem}; rename the content file")


_ENV = jinja2.Environment(loader=LOADER, finalize=_tex_file_name, **SYNTAX)
