"""texsheet: hand-drawn-looking one-page study sheets from content YAML, via LaTeX/TikZ."""
__version__ = "0.2.0"

from texsheet.api import Result, compile, skipped_checks, validate
from texsheet.errors import BuildError, ContentError, Problem, TexsheetError

__all__ = ["compile", "validate", "skipped_checks", "Result", "Problem", "TexsheetError", "ContentError", "BuildError"]
