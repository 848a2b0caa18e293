"""A sheet for a paper: the fragment that places the sheet's PDF, and texsheet.sty. Text only, no I/O."""
from __future__ import annotations

import re

import jinja2

from .errors import TexsheetError
from .templates import LOADER, SYNTAX

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


def _tex_file_name(value: object) -> str:
    """Every value the templates print is a file name: refuse those TeX cannot read back."""
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
