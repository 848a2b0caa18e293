"""texsheet's TeX templates (tex_templates/): where they are read from and their Jinja2 syntax,
which keeps clear of TeX's braces and percent signs."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import jinja2
import jinja2.bccache

from texsheet.text.machine import user_cache

SYNTAX = dict(
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
    autoescape=False,
)


def template_folder() -> Path:
    """tex_templates/: the checkout's own top-level folder when the package is imported from a
    checkout (Python started in the repository's root, which may shadow an editable install of
    another checkout, such as a git worktree's main), else the installed package's."""
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / "tex_templates").is_dir():
        return checkout / "tex_templates"
    try:
        return Path(str(resources.files("texsheet.tex_templates")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[2] / "tex_templates"


def template_source(name: str) -> str:
    """A template file's text."""
    return (template_folder() / name).read_text(encoding="utf-8")


LOADER = jinja2.FunctionLoader(template_source)


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Templates compiled once, kept in texsheet's cache (keyed by each template's text, so an
    edited template is compiled anew): compiling them all costs a build a tenth of a second. A
    cache that cannot be written is not used."""

    def __init__(self) -> None:
        super().__init__(str(user_cache() / "templates"))

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            Path(self.directory).mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass
