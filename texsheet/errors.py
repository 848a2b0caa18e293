"""Errors a user can fix. Everything else is a bug and keeps its traceback."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class TexsheetError(Exception):
    """A problem with the user's input, options or installation, with a message to show as is."""


@dataclass(frozen=True)
class Problem:
    """One located problem in a content file (line and column are 1-based)."""

    path: Path
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class ContentError(TexsheetError):
    """One or more problems in a content file, all reported at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (str(p.path), p.line, p.column))
        super().__init__("\n".join(str(p) for p in self.problems))


class BuildError(TexsheetError):
    """TeX or the PNG step failed; the message names the cause and where to read more."""


class Interrupted(TexsheetError):
    """The build was stopped from outside (Ctrl-C, SIGTERM) before it finished; nothing of it
    was published."""
