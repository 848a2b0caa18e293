"""What this machine has that the output depends on: fonts and the Twemoji icons.

Asked once, before anything is checked or rendered; rendering takes the answer as an argument,
so the same content renders the same wherever the answer is the same.
"""
from __future__ import annotations

import errno
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from texsheet.text import fonts
from texsheet.text.emoji import read_twemoji_codes
from texsheet.text.fonts import FontSet

TWEMOJI_PDF = "all-twemojis.pdf"


@dataclass(frozen=True)
class Machine:
    """fonts: what each installed font draws (None: fontconfig is missing, so glyphs are not
    checked); twemoji: each icon's page in the Twemoji PDF (None: the package is missing)."""

    fonts: FontSet | None
    twemoji: dict[str, int] | None
    missing: tuple[str, ...] = field(default=())  # what could not be asked, said in a line each
    twemoji_pdf: Path | None = None  # the icons' drawings, a page each
    tex_inputs: str = ""  # the installed files a format of the preamble's start is made of ("": not all found)


def user_cache() -> Path:
    """texsheet's folder in the user's cache (XDG_CACHE_HOME, else ~/.cache); if that cannot be
    made or written (HOME on /dev/null or read-only), a folder of this user's in the temporary
    folder, said by cache_note."""
    wanted = Path(os.environ.get("XDG_CACHE_HOME") or Path(os.environ.get("HOME") or "/nonexistent") / ".cache") / "texsheet"
    if wanted not in _caches:
        _caches[wanted] = (wanted, None)
        try:
            wanted.mkdir(parents=True, exist_ok=True)
            if not os.access(wanted, os.W_OK | os.X_OK):
                raise PermissionError(errno.EACCES, "permission denied", str(wanted))
        except OSError as error:
            fallback = Path(tempfile.gettempdir()) / f"texsheet-cache-{os.getuid()}"
            fallback.mkdir(mode=0o700, exist_ok=True)
            if fallback.stat().st_uid != os.getuid():  # someone else's: not to be trusted
                fallback = Path(tempfile.mkdtemp(prefix="texsheet-cache-"))
            _caches[wanted] = (fallback, f"the cache folder {wanted} cannot be used ({error.strerror}); "
                                         f"this run keeps its cache in {fallback} (set XDG_CACHE_HOME to choose another)")
    return _caches[wanted][0]


_caches: dict[Path, tuple[Path, str | None]] = {}  # the cache folder asked for -> the one used, and why if another


def cache_note() -> str | None:
    """Why the cache is not where it was asked for, if it is not."""
    return next((note for _, note in _caches.values() if note), None)


def probe_machine() -> Machine:
    """Ask fontconfig and kpathsea; what is missing is noted, not fatal (validate can still
    check structure and markup)."""
    missing = []
    font_set = fonts.probe_fonts()
    if font_set is None:
        missing.append("fonts not checked: fontconfig (fc-list) is not installed")
    sty, pdf, *inputs = _kpsewhich("twemojis.sty", TWEMOJI_PDF, *FORMAT_INPUTS)
    if sty is None:
        missing.append("emoji not checked: the LaTeX package twemojis is not installed (kpsewhich twemojis.sty)")
    twemoji = read_twemoji_codes(sty.read_text(encoding="utf-8")) if sty else None
    return Machine(font_set, twemoji, tuple(missing), pdf, _identity(inputs))


# What a format of a preamble's start (build.preloaded_format) is made of: XeLaTeX's own
# format, the class and packages it holds, and the tool that dumps it. Their paths, sizes and
# times tell when TeX Live has changed under a kept format.
FORMAT_INPUTS = ("xelatex.fmt", "standalone.cls", "xcolor.sty", "tikz.sty", "tikzlibrarydecorations.pathmorphing.code.tex",
                 "graphicx.sty", "fontspec.sty", "kotex.sty", "xetexko.sty", "load-unicode-xetex-classes.tex", "mylatexformat.ltx")


def _identity(paths: list[Path | None]) -> str:
    if any(path is None for path in paths):
        return ""
    try:
        return "\n".join(f"{path} {stat.st_size} {stat.st_mtime_ns}" for path, stat in ((p, p.stat()) for p in paths))
    except OSError:
        return ""


def _kpsewhich(*names: str) -> list[Path | None]:
    """Where XeTeX finds each file, in one kpsewhich call (None: not found, or no TeX)."""
    try:
        found = subprocess.run(["kpsewhich", "-engine=xetex", *names], capture_output=True, text=True, check=False, timeout=30).stdout.split("\n")
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return [None] * len(names)
    by_name = {Path(line).name: Path(line) for line in found if line}
    return [by_name.get(name) for name in names]
