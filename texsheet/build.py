"""Running TeX and the PNG step: the only module that starts processes."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from importlib import resources
from pathlib import Path

from pdf2image import convert_from_path
from pdf2image.exceptions import PDFInfoNotInstalledError, PDFPageCountError

from .errors import BuildError

LOG_TAIL_BYTES = 200_000
_SOURCE_COMMENT = re.compile(r"^\s*% .*\((?P<file>[^():]+):(?P<line>\d+)(?:, (?P<element>[^)]*))?\)\s*$")


def latexmkrc() -> Path:
    return Path(str(resources.files("texsheet.tex_templates").joinpath("latexmkrc")))


def _tex_environment() -> dict[str, str]:
    env = dict(os.environ, openin_any="p", openout_any="p", max_print_line="1000")
    if "SOURCE_DATE_EPOCH" in env:
        env["FORCE_SOURCE_DATE"] = "1"  # with the date fixed, the PDF is the same byte for byte
    return env


def _run(command: list[str], tex: Path, timeout: float) -> int:
    """Run a TeX command beside tex, confined: its terminal output goes to a file (of which
    only the tail is ever read), stdin is closed, and on timeout its whole process group is
    stopped."""
    transcript = tex.with_suffix(".latexmk-output")
    with open(transcript, "wb") as output:
        try:
            process = subprocess.Popen(
                command, cwd=tex.parent, env=_tex_environment(), stdin=subprocess.DEVNULL, stdout=output,
                stderr=subprocess.STDOUT, start_new_session=True,
            )
        except FileNotFoundError:
            raise BuildError(f"{command[0]} was not found; install TeX Live as the README's first command does") from None
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise BuildError(f"TeX did not finish within {timeout:g} s and was stopped") from None
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    return process.returncode


def run_latexmk(tex: Path, timeout: float = 60.0, keep_log: Path | None = None) -> Path:
    """Build tex to a PDF beside it, confined: no shell escape, reads and writes kept in the folder.

    On failure the TeX log is copied to keep_log, if given, so that the message can point to a
    log that still exists.
    """
    command = ["latexmk", "-norc", "-r", str(latexmkrc()), "-interaction=nonstopmode", tex.name]
    code = _run(command, tex, timeout)
    pdf = tex.with_suffix(".pdf")
    if code != 0 or not pdf.exists():
        _fail(tex, keep_log)
    return pdf


def run_measure(tex: Path, timeout: float = 60.0, keep_log: Path | None = None) -> list[tuple[int, float, float, float]]:
    """Run TeX once over a measuring document; (id, width, height, depth) in pt for each record
    it wrote to <jobname>.measured. No page is written, so no PDF either."""
    command = ["xelatex", "-no-pdf", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error",
               "-file-line-error", "-recorder", tex.name]
    code = _run(command, tex, timeout)
    records = tex.with_suffix(".measured")
    if code != 0 or not records.exists():
        _fail(tex, keep_log)
    found = []
    for line in records.read_text(encoding="utf-8").splitlines():
        n, width, height, depth = line.split()
        found.append((int(n), *(float(v.removesuffix("pt")) for v in (width, height, depth))))
    return found


def _fail(tex: Path, keep_log: Path | None) -> None:
    log = tex.with_suffix(".log")
    if keep_log is not None and log.exists():
        keep_log.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(log, keep_log)
    raise BuildError(describe_tex_error(tex, _tail(tex.with_suffix(".latexmk-output"), 2000), keep_log or log))


def _tail(path: Path, size: int) -> str:
    with open(path, "rb") as handle:
        handle.seek(max(0, path.stat().st_size - size))
        return handle.read().decode("utf-8", "replace")


def describe_tex_error(tex: Path, latexmk_output: str, shown_log: Path) -> str:
    """The first TeX error, traced back to the content line it came from when possible."""
    log = tex.with_suffix(".log")
    if not log.exists():
        return f"TeX failed before writing a log:\n{latexmk_output.strip()}"
    lines = _tail(log, LOG_TAIL_BYTES).splitlines()
    first = next((n for n, line in enumerate(lines) if line.startswith("!") or re.match(r"^\S+\.tex:\d+: ", line)), None)
    if first is None:
        return f"TeX failed; see {shown_log}"
    message = re.sub(r"^\S+\.tex:\d+: ", "", lines[first]).lstrip("! ")
    context = [line for line in lines[first + 1 : first + 4] if line.strip() and not line.startswith("See the")]
    tex_line = re.match(r"^\S+\.tex:(\d+): ", lines[first])
    origin = content_origin(tex.read_text(encoding="utf-8").splitlines(), int(tex_line.group(1))) if tex_line else None
    if origin:
        name, line, element = origin
        head = f"{name}:{line}{f' ({element})' if element else ''}: TeX error: {message}"
    else:
        head = f"TeX error: {message}"
    return "\n".join([head, *("    " + c for c in context[:2]), f"(full log: {shown_log})"])


def content_origin(tex_lines: list[str], tex_line: int) -> tuple[str, int, str] | None:
    """(content file name, line, element) of the nearest source comment above a .tex line."""
    for line in reversed(tex_lines[:tex_line]):
        match = _SOURCE_COMMENT.match(line)
        if match:
            return match["file"], int(match["line"]), match["element"] or ""
    return None


def rasterize(pdf: Path, png: Path, dpi: int) -> Path:
    """The PDF's one page as a PNG. poppler renders it (through pdf2image) to raw pixels, and
    Pillow writes the PNG with light compression: poppler's own PNG writer takes twice as long."""
    try:
        (page,) = convert_from_path(pdf, dpi=dpi, fmt="ppm", single_file=True)
        page.save(png, format="PNG", compress_level=1)
    except (PDFInfoNotInstalledError, PDFPageCountError, OSError, ValueError) as error:
        raise BuildError(f"turning the PDF into PNG failed: {error}") from None
    return png
