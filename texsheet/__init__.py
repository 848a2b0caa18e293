"""texsheet: hand-drawn-looking one-page study sheets from content YAML, via LaTeX/TikZ.

The library's functions load with their first use, so that `import texsheet` (and the command's
start) is quick."""
__version__ = "0.2.0"

from texsheet.errors import BuildError, ContentError, Problem, TexsheetError

__all__ = ["compile", "book", "validate", "skipped_checks", "Result", "Problem", "TexsheetError", "ContentError", "BuildError"]


def __getattr__(name: str):
    if name in ("compile", "book", "validate", "skipped_checks", "Result"):
        from texsheet import api

        return getattr(api, name)
    raise AttributeError(f"module 'texsheet' has no attribute {name!r}")
