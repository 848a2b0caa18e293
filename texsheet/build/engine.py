"""Running TeX and the PNG step: the only module that starts processes."""
from __future__ import annotations

import base64
import hashlib
import io
import math
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import filelock

from texsheet.errors import BuildError, Interrupted

LOG_TAIL_BYTES = 200_000
_SOURCE_COMMENT = re.compile(r"^\s*% .*\((?P<file>[^():]+):(?P<line>\d+)(?:, (?P<element>[^)]*))?\)\s*$")


def _tex_environment(extra: dict[str, str]) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name != FORMAT_VARIABLE}
    env.update(openin_any="p", openout_any="p", max_print_line="1000", **extra)
    # The PDF's date, and so its /ID, are fixed: the same .tex gives the same PDF byte for byte
    # whenever and wherever it is built. SOURCE_DATE_EPOCH, if set, gives the date.
    env.setdefault("SOURCE_DATE_EPOCH", FIXED_DATE)
    env["FORCE_SOURCE_DATE"] = "1"
    return env


FIXED_DATE = "315532800"  # 1980-01-01, the date reproducible builds give when they are given none


def _run(command: list[str], transcript: Path, timeout: float, environment: dict[str, str] | None = None) -> int:
    """Run a TeX command in the folder of transcript, confined: its terminal output goes to
    transcript (of which only the tail is ever read), stdin is closed, it leads a process group
    of its own, and that whole group is stopped on timeout, on any error here, and by stop_all."""
    check_running()
    with open(transcript, "wb") as output:
        try:
            process = subprocess.Popen(
                command, cwd=transcript.parent, env=_tex_environment(environment or {}), stdin=subprocess.DEVNULL, stdout=output,
                stderr=subprocess.STDOUT, start_new_session=True,
            )
        except FileNotFoundError:
            raise BuildError(f"{command[0]} was not found; install TeX Live as the README's first command does") from None
        try:
            if _stopping.is_set():  # stop_all came between the check above and the start
                _stop_group(process.pid)
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            hung = _hung_program(process.pid) or command[0]
            raise BuildError(f"{hung} did not finish within {timeout:.3g} s and was stopped (--timeout sets the limit)") from None
        finally:
            if process.poll() is None:
                _stop_group(process.pid)
                process.wait()
    check_running()
    return process.returncode


class Deadline:
    """One time limit for every process of a build (engine, latexmk, format, PNG): each gets what
    is left of it."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def left(self) -> float:
        left = self._end - time.monotonic()
        if left <= 0:
            raise BuildError(f"the build did not finish within {self.seconds:g} s and was stopped (--timeout sets the limit)")
        return left


_stopping = threading.Event()


def stop_all() -> None:
    """Stop every process texsheet started, and refuse to start more: what Ctrl-C and SIGTERM
    do. Builds under way end with Interrupted as soon as their process is gone; each removes
    its build folder on the way out and publishes nothing."""
    _stopping.set()
    for pid in _children():
        _stop_group(pid)


def check_running() -> None:
    """Raise Interrupted once stop_all was called."""
    if _stopping.is_set():
        raise Interrupted("stopped before it finished")


def _processes():
    """(pid, name, state, parent, group) of every process (Linux's /proc)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, tail = stat.read_text().rsplit(")", 1)
        except (OSError, ValueError):
            continue
        state, parent, group = tail.split()[:3]
        yield int(stat.parent.name), head.split("(", 1)[1], state, int(parent), int(group)


def _children() -> list[int]:
    """The processes this one started that still run."""
    return [pid for pid, _, state, parent, _ in _processes() if parent == os.getpid() and state != "Z"]


def _stop_group(pid: int) -> None:
    """Kill a child and, if it leads a process group (every TeX run does), the whole group."""
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _hung_program(group: int) -> str | None:
    """The name of the first program in a process group that is not a wrapper (latexmk's Perl,
    a shell), the one a hung build waits for: xelatex, xdvipdfmx, ..."""
    programs = sorted((pid, name) for pid, name, state, _, in_group in _processes()
                      if in_group == group and state != "Z" and name not in ("latexmk", "perl", "sh", "bash", "dash"))
    return programs[0][1] if programs else None


# The engine of a measuring run, with the options latexmkrc gives it for a sheet's build.
XELATEX = ["xelatex", "-no-pdf", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error", "-recorder"]
# latexmk reads only texsheet's latexmkrc (-norc: no other rc file's Perl runs).
LATEXMK = ["latexmk", "-norc", "-r"]
FORMAT_VARIABLE = "TEXSHEET_FORMAT"  # latexmkrc starts the engine from the format this names


class FormatFailed(BuildError):
    """TeX could not start from a preloaded format (see preloaded_format)."""


def _xelatex(fmt: Path | None) -> list[str]:
    return [XELATEX[0], f"-fmt={fmt.with_suffix('')}", *XELATEX[1:]] if fmt else list(XELATEX)


def preloaded_format(head: str, ini: str, identity: str, folder: Path, timeout: float = 60.0) -> Path | None:
    """A format of head, the start every preamble shares, kept in folder: made once (about a
    pass's time) for each head, ini and TeX installation (identity), then every run starts from
    it instead of loading those packages. None, and a plain run, when there is no identity, the
    format cannot be made (noted in folder, so it is not tried again), or another process is
    making it now."""
    if not identity:
        return None
    key = hashlib.sha256("\0".join((head, ini, identity)).encode()).hexdigest()[:20]
    fmt, failed = folder / f"texsheet-{key}.fmt", folder / f"texsheet-{key}.failed"
    if fmt.exists():
        return fmt
    if failed.exists():
        return None
    folder.mkdir(parents=True, exist_ok=True)
    try:
        lock = filelock.FileLock(folder / f"texsheet-{key}.lock", blocking=False).acquire()
    except filelock.Timeout:
        return None
    with lock:
        if fmt.exists():
            return fmt
        for left in folder.glob(f"texsheet-{key}-*"):  # the work of a dump that was killed outright
            shutil.rmtree(left, ignore_errors=True)
        with tempfile.TemporaryDirectory(prefix=f"texsheet-{key}-", dir=folder) as work:
            made = Path(work) / fmt.name
            (Path(work) / "format.ini").write_text(ini, encoding="utf-8")
            (Path(work) / "head.tex").write_text(head, encoding="utf-8")
            dump = ["xelatex", "-ini", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error",
                    f"-jobname={made.stem}", "&xelatex", "format.ini", "head.tex"]
            try:
                code = _run(dump, Path(work) / "dump.output", timeout)
            except BuildError as error:  # it hung: later builds start plain instead of waiting again
                failed.write_text(f"{error}\n", encoding="utf-8")
                raise BuildError(f"making TeX's format of the preamble: {error}; later builds go without it "
                                 f"(delete {failed} to try again)") from None
            if code != 0 or not made.exists():
                failed.write_text(_tail(Path(work) / "dump.output", 2000), encoding="utf-8")
                return None
            os.replace(made, fmt)
    return fmt


def discard_format(fmt: Path) -> None:
    """Put a format that TeX could not start from aside, so that it is not used again."""
    fmt.with_suffix(".failed").write_text("TeX could not start from this format\n", encoding="utf-8")
    fmt.unlink(missing_ok=True)


def run_measuring(tex: Path, timeout: float = 60.0, fmt: Path | None = None) -> list[Record]:
    """Run a measuring document (see render.render_measuring) through XeLaTeX, started from fmt
    if given, and return what it measured; confined as every TeX run here."""
    code = _run([*_xelatex(fmt), tex.name], tex.with_suffix(".tex-output"), timeout)
    measured = tex.with_suffix(".measured")
    if code != 0 or not measured.exists():
        _fail(tex, None, fmt)
    return read_records(measured)


def run_latexmk(tex: Path, latexmkrc: Path, timeout: float = 60.0, keep_log: Path | None = None, fmt: Path | None = None) -> Path:
    """Build tex to a PDF beside it with latexmk and texsheet's latexmkrc (XeLaTeX, then
    xdvipdfmx), the engine started from fmt if given; confined: no other rc file, no shell
    escape, reads and writes kept in the folder. On failure the TeX log is copied to keep_log,
    if given, so that the message can point to a log that still exists."""
    environment = {FORMAT_VARIABLE: str(fmt.with_suffix(""))} if fmt else {}
    code = _run([*LATEXMK, str(latexmkrc), tex.name], tex.with_suffix(".tex-output"), timeout, environment)
    pdf = tex.with_suffix(".pdf")
    if code != 0 or not pdf.exists():
        _fail(tex, keep_log, fmt)
    return pdf


# The SVG is set in a run of its own, with the drivers dvisvgm reads: TikZ's (its paths as SVG
# paths) and graphicx's (an icon's PDF drawn through Ghostscript). XeTeX's own drivers write
# PDF operators that dvisvgm leaves out, so the PDF's run cannot serve, and the format (which
# holds TikZ with those drivers) is not used. The invisible characters the PDF lays over an
# emoji's icon are left out (set in a box that is thrown away): dvisvgm knows no PDF text render
# mode. After an icon the text's colour is said again (\color{.}; \relax keeps the space after
# the icon, which \color would skip): dvisvgm forgets it while it draws the icon, and the words
# after it would be black.
SVG_DRIVERS = ("\\def\\pgfsysdriver{pgfsys-dvisvgm.def}\\PassOptionsToPackage{dvisvgm}{graphicx}\n"
               "\\AtBeginDocument{\\def\\tsrendermode#1{\\ifnum#1=3 \\setbox0\\hbox\\bgroup\\else\\egroup\\fi}%\n"
               "  \\let\\tsemojiicon\\tsemoji\\def\\tsemoji#1#2#3{\\tsemojiicon{#1}{#2}{#3}\\color{.}\\relax}}\n")
DVISVGM = ["dvisvgm", "--bbox=papersize", "--font-format=woff2", "--no-mktexmf"]


def run_svg(tex: Path, icons: list[Path], timeout: float = 60.0) -> Path:
    """The sheet as <stem>.svg beside tex: its text kept as text in the sheet's fonts (embedded
    as WOFF2, the glyphs used only), its lines as paths, its icons (the PDFs it places) drawn."""
    deadline = Deadline(timeout)
    for icon in icons:
        _write_bounding_box(icon)
    variant = tex.with_name(f"{tex.stem}-svg.tex")
    variant.write_text(SVG_DRIVERS + tex.read_text(encoding="utf-8"), encoding="utf-8", newline="\n")
    if _run([*XELATEX, variant.name], variant.with_suffix(".tex-output"), deadline.left()) != 0:
        _fail(variant, None)
    svg = tex.with_suffix(".svg")
    xdv = variant.with_suffix(".xdv")
    if _run([*DVISVGM, "-o", svg.name, xdv.name], svg.with_suffix(".svg-output"), deadline.left()) != 0 or not svg.exists():
        raise BuildError(f"dvisvgm could not turn the sheet into SVG:\n{_tail(svg.with_suffix('.svg-output'), 1500).strip()}")
    svg.write_text(_EMBEDDED_FONT.sub(_dated_font, svg.read_text(encoding="utf-8")), encoding="utf-8", newline="\n")
    return svg


# A font dvisvgm embeds in the SVG, as WOFF2 in a data URL.
_EMBEDDED_FONT = re.compile(r"(data:application/x-font-woff2;base64,)([A-Za-z0-9+/=]+)")
_FONT_EPOCH = 2082844800  # seconds from 1904-01-01, the epoch of a font's dates, to 1970-01-01


def _dated_font(found: re.Match) -> str:
    """An embedded font with the build's fixed date (SOURCE_DATE_EPOCH) where dvisvgm wrote the
    time of the run: its head table's created and modified, so that the same .tex gives the same
    SVG byte for byte. fontTools reads and writes the WOFF2 (dvisvgm has no option for it)."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(base64.b64decode(found.group(2))), recalcTimestamp=False)
    font["head"].created = font["head"].modified = int(os.environ.get("SOURCE_DATE_EPOCH", FIXED_DATE)) + _FONT_EPOCH
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out, reorderTables=False)
    return found.group(1) + base64.b64encode(out.getvalue()).decode("ascii")


def _write_bounding_box(pdf: Path) -> None:
    """pdf's size where graphicx's dvisvgm driver reads it (CODE.xbb beside CODE.pdf), which it
    would otherwise ask of extractbb through a pipe: a shell escape texsheet's runs do not allow."""
    import pypdf

    box = pypdf.PdfReader(pdf).pages[0].mediabox
    numbers = [float(v) for v in (box.left, box.bottom, box.right, box.top)]
    pdf.with_suffix(".xbb").write_text(f"%%BoundingBox: {' '.join(str(round(v)) for v in numbers)}\n"
                                       f"%%HiResBoundingBox: {' '.join(f'{v:.6f}' for v in numbers)}\n", encoding="ascii")


Record = tuple[int, float, float, float]


def read_records(path: Path) -> list[Record]:
    """(number, width, height, depth) in pt of each segment a measuring run measured."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        n, width, height, depth = line.split()
        found.append((int(n), *(float(v.removesuffix("pt")) for v in (width, height, depth))))
    return found


def _fail(tex: Path, keep_log: Path | None, fmt: Path | None = None) -> None:
    log = tex.with_suffix(".log")
    if fmt is not None and not log.exists():  # TeX stopped before the document: the format's fault
        raise FormatFailed(_tail(tex.with_suffix(".tex-output"), 2000))
    if keep_log is not None and log.exists():
        keep_log.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(log, keep_log)
    raise BuildError(describe_tex_error(tex, _tail(tex.with_suffix(".tex-output"), 2000), keep_log or log))


def _tail(path: Path, size: int) -> str:
    with open(path, "rb") as handle:
        handle.seek(max(0, path.stat().st_size - size))
        return handle.read().decode("utf-8", "replace")


def describe_tex_error(tex: Path, terminal: str, shown_log: Path) -> str:
    """The first TeX error, traced back to the content line it came from when possible."""
    log = tex.with_suffix(".log")
    if not log.exists():
        return f"TeX failed before writing a log:\n{terminal.strip()}"
    lines = _tail(log, LOG_TAIL_BYTES).splitlines()
    first = next((n for n, line in enumerate(lines) if line.startswith("!") or re.match(r"^\S+\.tex:\d+: ", line)), None)
    if first is None:
        return f"TeX failed; see {shown_log}"
    message = re.sub(r"^\S+\.tex:\d+: ", "", lines[first]).lstrip("! ")
    context = [line for line in lines[first + 1 : first + 4] if line.strip() and not line.startswith("See the")]
    tex_line = re.match(r"^(\S+\.tex):(\d+): ", lines[first])
    origin = None
    named = (tex.parent / tex_line.group(1)).resolve() if tex_line else None
    if named is not None and named.parent == tex.parent.resolve() and named.is_file():  # the sheet, or a driver's picture
        origin = content_origin(named.read_text(encoding="utf-8").splitlines(), int(tex_line.group(2)))
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


def extract_icons(pages: dict[str, int], twemoji_pdf: Path, cache: Path, folder: Path) -> list[Path]:
    """Each icon's page of the Twemoji PDF as a file of its own, CODE.pdf in folder: placing a
    page of a 2 kB file costs TeX little; placing one of the 7 MB PDF costs it a reading of the
    whole file. The icons not kept yet in cache (or damaged since) are cut in one pass: pypdf
    reads the PDF once and writes each page."""
    stat = twemoji_pdf.stat()
    kept = cache / hashlib.sha256(f"{twemoji_pdf}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    kept.mkdir(parents=True, exist_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {code: (kept / f"{code}.pdf", kept / f"{code}.sha256") for code in sorted(pages)}
    missing = [code for code, (icon, digest) in wanted.items() if not _intact(icon, digest)]
    if missing:
        _cut_pages(twemoji_pdf, {code: pages[code] for code in missing}, kept)
    made = []
    for icon, _ in wanted.values():
        shutil.copyfile(icon, folder / icon.name)
        made.append(folder / icon.name)
    return made


def _cut_pages(pdf: Path, pages: dict[str, int], kept: Path) -> None:
    """Write each page of pdf (1-based) to kept/CODE.pdf, with its digest beside it."""
    import pypdf

    try:
        reader = pypdf.PdfReader(pdf)
        for code, page in pages.items():
            writer = pypdf.PdfWriter()
            writer.add_page(reader.pages[page - 1])
            partial = kept / f".{code}.{os.getpid()}.{threading.get_ident()}.pdf"
            try:
                with open(partial, "wb") as handle:
                    writer.write(handle)
                (kept / f"{code}.sha256").write_text(hashlib.sha256(partial.read_bytes()).hexdigest(), encoding="utf-8")
                os.replace(partial, kept / f"{code}.pdf")
            finally:
                partial.unlink(missing_ok=True)
    except (pypdf.errors.PyPdfError, IndexError) as error:
        raise BuildError(f"cutting the icons out of {pdf} failed (pypdf): {error}") from None


def _intact(icon: Path, digest: Path) -> bool:
    """Whether a kept icon is the one extracted: its bytes match the digest kept beside it."""
    try:
        return hashlib.sha256(icon.read_bytes()).hexdigest() == digest.read_text(encoding="utf-8")
    except OSError:
        return False


def rasterize(pdf: Path, png: Path, dpi: int, timeout: float = 60.0) -> list[Path]:
    """The PDF's pages as PNGs: the first as png, page k after it as png's stem-k.png (so that
    png names the sheet's picture however many pages it grows to). pdf2image renders them
    (poppler's pdftoppm, to raw pixels) and Pillow writes each with light compression (poppler's
    own PNG writer takes twice as long). pdf2image stops poppler at the timeout; stop_all stops
    it too."""
    import pdf2image
    from pdf2image.exceptions import PDFInfoNotInstalledError, PDFPageCountError, PDFPopplerTimeoutError
    from PIL import UnidentifiedImageError

    check_running()
    try:
        pages = pdf2image.convert_from_path(pdf, dpi=dpi, timeout=max(1, math.ceil(timeout)))
        check_running()
        made = [png] + [page_png(png, k) for k in range(2, len(pages) + 1)]
        for page, path in zip(pages, made):
            page.save(path, format="PNG", compress_level=1)
    except PDFInfoNotInstalledError:
        raise BuildError("pdftoppm was not found; install poppler-utils as the README's first command does") from None
    except PDFPopplerTimeoutError:
        raise BuildError(f"pdftoppm did not finish within {timeout:.3g} s and was stopped (--timeout sets the limit)") from None
    except (PDFPageCountError, UnidentifiedImageError, ValueError) as error:
        check_running()  # a poppler killed by stop_all fails this way
        raise BuildError(f"turning the PDF into PNG failed: {error}") from None
    return made


def page_png(png: Path, k: int) -> Path:
    """The PNG of page k (2 and on) of the sheet whose first page is png: <stem>-k.png."""
    return png.with_name(f"{png.stem}-{k}.png")
