"""The command line: options and messages only; the work is in texsheet.build.pipeline."""
from __future__ import annotations

import concurrent.futures
import contextlib
import json
import os
import signal
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

import click

from texsheet import api
from texsheet.build import engine, pipeline
from texsheet.build.faults import describe
from texsheet.errors import Interrupted, Problem, TexsheetError
from texsheet.model.sheet import MAX_PAGES
from texsheet.model.theme import THEMES
from texsheet.read.content import CONTENT_SUFFIXES, MARKDOWN_SUFFIXES, load_content
from texsheet.text.machine import cache_note

MAX_DPI = 1200  # pdftoppm needs about 555 MB for an A4 page at 1200 dpi, 2.2 GB at 2400


def _check_dpi(ctx: click.Context, param: click.Parameter, value: int) -> int:
    if not 30 <= value <= MAX_DPI:
        megabytes = 8.27 * value * 11.69 * value * 3 * 1.3 / 1e6  # RGB pixels of A4, and poppler's overhead
        raise click.BadParameter(
            f"{value} dpi is outside 30 to {MAX_DPI}: one A4 page would need about {megabytes:,.0f} MB "
            "of memory to rasterize" if value > MAX_DPI else f"{value} dpi is outside 30 to {MAX_DPI}"
        )
    return value


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="texsheet")
def main() -> None:
    """Hand-drawn-looking one-page study sheets from content YAML."""


@main.command("compile")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "output_dir", default=Path("build"), type=click.Path(file_okay=False, path_type=Path), show_default=True, help="folder for the .tex, .pdf and .png")
@click.option("--dpi", default=200, type=int, callback=_check_dpi, show_default=True, help=f"resolution of the PNG (30 to {MAX_DPI})")
@click.option("--theme", type=click.Choice(sorted(THEMES)), help="use this built-in theme; the sheet's own theme keys still apply")
@click.option("-j", "--jobs", default=os.cpu_count() or 1, type=click.IntRange(1, 64), show_default="the number of CPUs", help="build this many sheets at once")
@click.option("--force", is_flag=True, help="rebuild even sheets whose outputs are current")
@click.option("--fragment", is_flag=True, help="also write <name>-fragment.tex and <name>-tikz.tex to OUTPUT and texsheet.sty to --paper, to \\input the sheet in a paper")
@click.option("--paper", "paper_dir", default=Path("."), type=click.Path(file_okay=False, path_type=Path), show_default="the current folder", help="the paper's folder, where --fragment writes texsheet.sty")
@click.option("--timeout", default=60.0, type=click.FloatRange(1, 3600), show_default=True, help="seconds TeX may take per sheet")
@click.option("--svg", is_flag=True, help="also write <name>.svg (dvisvgm), for the web")
@click.option("--pages", type=click.Choice(["auto", *(str(n) for n in range(1, MAX_PAGES + 1))]),
              help="lay each sheet out on this many pages, or on the fewest that hold it (auto); its pages: key otherwise")
def compile_command(files: tuple[Path, ...], output_dir: Path, dpi: int, theme: str | None, jobs: int, force: bool, fragment: bool,
                    paper_dir: Path, timeout: float, svg: bool, pages: str | None) -> None:
    """Build each content FILE to OUTPUT/<name>.tex, .pdf and .png.

    Sheets whose outputs are current are skipped. One failing sheet does not stop the
    others; the exit code is 1 if any failed.
    """

    def build_one(path: Path) -> tuple[Path, str, bool]:
        started = time.monotonic()
        try:
            outputs = api.compile(path, output_dir, dpi=dpi, timeout=timeout, theme=theme, force=force, fragment=fragment, svg=svg,
                                  pages=int(pages) if pages and pages.isdigit() else pages)
        except Interrupted:
            return path, f"{path}: stopped before it was built; {output_dir}/{path.stem}.* are as they were", False
        except TexsheetError as error:
            kept = (output_dir / f"{path.stem}.pdf").exists()
            note = f"\n{path}: not built; {output_dir}/{path.stem}.* are from the last good build" if kept else ""
            return path, f"{error}{note}", False
        guessed = _warnings(outputs.warnings) + _import_notes(path, outputs.notes)
        pngs = ", ".join(png.name for png in (outputs.png, *outputs.more_pngs))
        if outputs.cached:
            return path, f"{path}: up to date ({outputs.pdf}, {pngs}){guessed}", True
        return path, f"{path} -> {outputs.pdf}, {pngs} ({time.monotonic() - started:.1f} s){guessed}", True

    files = tuple(dict.fromkeys(files))
    clashes = pipeline.same_outputs(files)
    if clashes:
        click.echo("\n".join(f"{first} and {second} would both write {output_dir}/{first.stem}.*: build them with "
                             "different -o folders, or rename one" for first, second in clashes), err=True)
        sys.exit(1)
    if fragment:
        try:
            style = pipeline.write_style(paper_dir)
        except TexsheetError as error:
            click.echo(f"cannot write texsheet.sty: {error}", err=True)
            sys.exit(1)
        if style:
            click.echo(f"wrote {style}")
    failed = 0
    with _stopped_by_signals() as received, concurrent.futures.ThreadPoolExecutor(max_workers=min(jobs, len(files))) as pool:
        futures = [pool.submit(build_one, path) for path in files]
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            path, message, ok = future.result()
            failed += not ok
            prefix = f"[{'#' * done}{'.' * (len(files) - done)}] {done}/{len(files)} " if len(files) > 1 else ""
            click.echo(prefix + message, err=not ok)
    note = cache_note()
    if note:
        click.echo(f"note: {note}", err=True)
    if received:
        click.echo(f"stopped ({signal.Signals(received[0]).name}): no process of texsheet's is left running", err=True)
        sys.exit(128 + received[0])
    if len(files) > 1:
        click.echo(f"{len(files) - failed} built or current, {failed} failed", err=bool(failed))
    sys.exit(1 if failed else 0)


@main.command("book")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "target", default=Path("build/series.pdf"), type=click.Path(dir_okay=False, path_type=Path), show_default=True, help="the booklet; the sheets' own outputs go beside it")
@click.option("--title", help="the series' title (default: the book file's, else the booklet's name)")
@click.option("--subtitle", help="the line under the title")
@click.option("--author", help="who wrote the series")
@click.option("--html", "html_dir", type=click.Path(file_okay=False, path_type=Path), help="also write a web gallery of the sheets to this folder")
@click.option("--svg", is_flag=True, help="also write each sheet's SVG; the gallery opens it instead of the PNG")
@click.option("--dpi", default=200, type=int, callback=_check_dpi, show_default=True, help=f"resolution of the PNGs (30 to {MAX_DPI})")
@click.option("--force", is_flag=True, help="rebuild even sheets whose outputs are current")
@click.option("--timeout", default=60.0, type=click.FloatRange(1, 3600), show_default=True, help="seconds TeX may take per sheet")
def book_command(files: tuple[Path, ...], target: Path, title: str | None, subtitle: str | None, author: str | None,
                 html_dir: Path | None, svg: bool, dpi: int, force: bool, timeout: float) -> None:
    """Build the sheets FILES (or one book file: book: with title, subtitle, author and sheets)
    into one PDF: a cover, a contents page linked to the sheets, every sheet a page, bookmarks
    and page numbers. --html writes a web gallery too."""
    started = time.monotonic()
    sheets = files[0] if len(files) == 1 else list(files)
    try:
        with _stopped_by_signals() as received:
            outputs = api.book(sheets, target, title=title, subtitle=subtitle, author=author, html=html_dir, dpi=dpi, svg=svg,
                               force=force, timeout=timeout)
    except Interrupted:
        click.echo(f"stopped before the booklet was built; {target} is as it was", err=True)
        sys.exit(130)
    except TexsheetError as error:
        click.echo(f"{error}\n{target}: not built", err=True)
        sys.exit(1)
    if received:
        sys.exit(128 + received[0])
    gallery = f", gallery {outputs.gallery}" if outputs.gallery else ""
    click.echo(f"{target}: {len(outputs.sheets)} sheets, cover and contents{gallery} ({time.monotonic() - started:.1f} s)")


SHOWN_NOTES = 3  # import notes a build prints; texsheet validate prints them all


def _warning_line(warning: Problem) -> str:
    return f"{warning.path}:{warning.line}:{warning.column}: warning: {warning.message}"


def _warnings(warnings: tuple[Problem, ...]) -> str:
    """What built but not as written, for a build's line: every warning, with its place."""
    return "".join(f"\n  {_warning_line(w)}" for w in warnings)


def _import_notes(path: Path, notes: tuple[str, ...]) -> str:
    """What reading a note guessed or dropped, for a build's line: the first few, with their places."""
    if not notes:
        return ""
    shown = "".join(f"\n  {path}:{note}" for note in notes[:SHOWN_NOTES])
    more = len(notes) - SHOWN_NOTES
    return shown + (f"\n  ... and {more} more (texsheet validate {path} lists them all)" if more > 0 else "")


@contextlib.contextmanager
def _stopped_by_signals():
    """Ctrl-C (SIGINT) and SIGTERM stop every build at once: their processes are killed, each
    build removes its folder and publishes nothing, so earlier outputs stay as they were. The
    list yielded holds the signals received."""
    received: list[int] = []

    def stop(number: int, frame) -> None:
        received.append(number)
        engine.stop_all()

    previous = {number: signal.signal(number, stop) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield received
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@main.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate_command(files: tuple[Path, ...]) -> None:
    """Check content FILEs without building them: everything compile would refuse in the content.

    Characters are checked against the installed fonts when the theme's fonts are installed;
    else (a machine without them, such as a CI runner) that check is skipped, and said so. For a
    Markdown note or a prompt, what reading it guessed or dropped is listed too, line by line,
    and a note whose words do not all reach the page (an image's alt text) fails.
    """
    failed = 0
    for path in files:
        checked = api.check(path)
        problems = checked.problems
        for note in api.skipped_checks(path):
            click.echo(f"{path}: note: {note}")
        for warning in checked.warnings:
            click.echo(_warning_line(warning))
        for note in checked.note_lines:
            click.echo(f"{path}:{note}")
        lost = checked.lost_words
        if problems:
            click.echo("\n".join(str(p) for p in problems), err=True)
        if lost:
            click.echo(f"{path}: words of the note do not reach the page at {len(lost)} place{'s' if len(lost) > 1 else ''} "
                       "(the 'words lost' notes): write their words as text in the note", err=True)
        if problems or lost:
            failed += 1
        else:
            click.echo(f"{path}: ok")
    sys.exit(1 if failed else 0)


@main.command("watch")
@click.argument("target", type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", "output_dir", default=Path("build"), type=click.Path(file_okay=False, path_type=Path), show_default=True, help="folder for the .tex, .pdf and .png")
@click.option("--dpi", default=200, type=int, callback=_check_dpi, show_default=True, help=f"resolution of the PNG (30 to {MAX_DPI})")
def watch_command(target: Path, output_dir: Path, dpi: int) -> None:
    """Rebuild TARGET (a sheet, or every sheet in a folder) whenever it or a template is saved.

    Errors are printed with their place in the content; the last good outputs stay. Ctrl-C stops.
    The operating system tells of each save (watchfiles); nothing is polled.
    """
    import watchfiles  # only watch needs it: every other command starts without it

    folder = target if target.is_dir() else target.parent
    templates = pipeline.template_files()[0].parent.resolve()

    def sheets() -> list[Path]:
        return sorted(p for p in target.iterdir() if p.suffix in CONTENT_SUFFIXES) if target.is_dir() else [target]

    def rebuild(paths: list[Path]) -> None:
        clashing = {path for pair in pipeline.same_outputs(sheets()) for path in pair}
        for path in paths:
            stamp = time.strftime('%H:%M:%S')
            if path in clashing:
                click.echo(f"{stamp} {path}: not built: another sheet here has the name {path.stem}; rename one", err=True)
                continue
            try:
                outputs = api.compile(path, output_dir, dpi=dpi)
            except TexsheetError as error:
                click.echo(f"{stamp} {error}", err=True)
            except OSError as error:
                click.echo(f"{stamp} {path}: {describe(error, output_dir)}", err=True)
            except Exception as error:  # a bug: said, and the watch goes on
                click.echo(f"{stamp} {path}: texsheet failed ({type(error).__name__}: {error}); please report it", err=True)
            else:
                state = "up to date" if outputs.cached else "built"
                click.echo(f"{stamp} {path}: {state} -> {outputs.pdf}, {outputs.png.name}")

    signal.signal(signal.SIGTERM, signal.default_int_handler)  # SIGTERM stops the watch as Ctrl-C does
    click.echo(f"watching {target} (Ctrl-C stops)")
    try:
        rebuild(sheets())
        for changes in watchfiles.watch(folder, templates, debounce=200, recursive=False):
            saved = {Path(name).resolve() for _, name in changes}
            templated = any(path.parent == templates for path in saved)
            rebuild([sheet for sheet in sheets() if templated or sheet.resolve() in saved])
    except KeyboardInterrupt:
        pass
    click.echo("stopped")


@main.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path), required=False)
@click.option("--rev", help="compare OLD as it is now with OLD at this git revision (then give no NEW)")
@click.option("-o", "--output", "out_png", default=Path("diff.png"), type=click.Path(dir_okay=False, path_type=Path), show_default=True, help="the marked image")
@click.option("--side-by-side", is_flag=True, help="put the old sheet beside the marked new one")
@click.option("--dpi", default=100, type=int, callback=_check_dpi, show_default=True, help=f"resolution of the images (30 to {MAX_DPI})")
def diff_command(old: Path, new: Path | None, rev: str | None, out_png: Path, side_by_side: bool, dpi: int) -> None:
    """Render two versions of a sheet and mark what changed, as diff(1) exits: 0 same, 1 differ, 2 trouble.

    OLD and NEW are content files; or OLD alone with --rev REV, the same file at a git revision.
    """
    from texsheet.build import diff as sheet_diff  # Pillow's image tools: only diff needs them

    if (new is None) == (rev is None):
        click.echo("texsheet diff: give OLD and NEW, or one file and --rev REV", err=True)
        sys.exit(2)
    try:
        with tempfile.TemporaryDirectory(prefix="texsheet-rev-") as folder:
            if rev is not None:
                old, new = sheet_diff.content_at_revision(old, rev, Path(folder)), old
            keys, regions = sheet_diff.diff_sheets(old, new, out_png, dpi=dpi, side_by_side=side_by_side)
    except TexsheetError as error:
        click.echo(f"{error}", err=True)
        sys.exit(2)
    if not keys and not regions:
        click.echo(f"same: no content key and no pixel changed ({out_png})")
        sys.exit(0)
    for key in keys:
        click.echo(f"changed: {key}")
    click.echo(f"{regions} changed region{'s' if regions != 1 else ''} marked in {out_png}")
    sys.exit(1)


@main.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("-o", "--output", "target", type=click.Path(path_type=Path), help="the YAML to write (default: content/<name>.yaml); with --split, its folder (default: content)")
@click.option("--force", is_flag=True, help="overwrite the YAML if it exists")
@click.option("--split", is_flag=True, help="write one sheet per run of sections that fits a page: <name>-1.yaml, <name>-2.yaml, ...")
def import_command(file: Path, target: Path | None, force: bool, split: bool) -> None:
    """Write the content YAML of a Markdown note or an image-model prompt, for further editing.

    What the import guessed, or kept as text because the format has no place for it, is said
    in comments in the YAML, and here.
    """
    from texsheet.read.yaml_writer import to_yaml

    if split:
        _import_split(file, target or Path("content"), force)
        return
    target = target or Path("content") / f"{file.stem}.yaml"
    if target.exists() and not force:
        click.echo(f"{target} exists; not overwritten (--force overwrites it)", err=True)
        sys.exit(1)
    try:
        if file.suffix.lower() not in MARKDOWN_SUFFIXES:
            raise TexsheetError(f"{file}: import reads Markdown notes and image-model prompts (.md, .txt), not {file.suffix or 'this file'}")
        source, notes = load_content(file)
        text = to_yaml(source, notes)
    except TexsheetError as error:
        click.echo(f"{error}", err=True)
        sys.exit(1)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    for note in notes:
        click.echo(f"{file}:{note.line}: {note.message}")
    problems = api.validate(target)
    click.echo(f"wrote {target} ({len(notes)} note{'s' if len(notes) != 1 else ''}, as comments in it); "
               + ("it validates: texsheet compile " + str(target) if not problems else f"{len(problems)} problems to fix:"))
    for problem in problems:
        click.echo(str(problem), err=True)


def _import_split(file: Path, folder: Path, force: bool) -> None:
    """import --split: the note as sheets of one page each, folder/<name>-K.yaml, each with the
    notes about its own lines (and those about the note's top)."""
    from texsheet.build.split import split_note
    from texsheet.read.yaml_writer import to_yaml

    try:
        if file.suffix.lower() not in MARKDOWN_SUFFIXES:
            raise TexsheetError(f"{file}: import reads Markdown notes and image-model prompts (.md, .txt), not {file.suffix or 'this file'}")
        source, notes = load_content(file)
        _, sheet = pipeline.check_sheet(source, machine=pipeline.this_machine())
        parts = split_note(source, sheet)
    except TexsheetError as error:
        click.echo(f"{error}", err=True)
        sys.exit(1)
    targets = [folder / f"{file.stem}-{k}.yaml" for k in range(1, len(parts) + 1)]
    existing = [str(t) for t in targets if t.exists()]
    if existing and not force:
        click.echo(f"{', '.join(existing)} exist{'s' if len(existing) == 1 else ''}; not overwritten (--force overwrites)", err=True)
        sys.exit(1)
    key = "rows" if sheet.rows is not None else "panels"
    starts = [part.position((key, 0))[0] for part in parts] + [float("inf")]
    folder.mkdir(parents=True, exist_ok=True)
    for k, (part, target) in enumerate(zip(parts, targets)):
        own = [note for note in notes if note.line < starts[0] or starts[k] <= note.line < starts[k + 1]]
        target.write_text(to_yaml(part, own), encoding="utf-8")
    click.echo(f"wrote {len(targets)} sheet{'s' if len(targets) > 1 else ''}, each of one page: " + ", ".join(map(str, targets)))


@main.command("new")
@click.argument("name")
@click.option("-d", "--dir", "folder", default=Path("content"), type=click.Path(file_okay=False, path_type=Path), show_default=True, help="where to write it")
def new_command(name: str, folder: Path) -> None:
    """Write a starter sheet NAME.yaml that builds as it is and shows every block kind."""
    target = folder / (name if name.endswith(".yaml") else f"{name}.yaml")
    if target.exists():
        click.echo(f"{target} exists; not overwritten", err=True)
        sys.exit(1)
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(resources.files("texsheet").joinpath("starter.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    click.echo(f"wrote {target}; build it with: texsheet compile {target}")


@main.command("schema")
@click.option("--markdown", is_flag=True, help="print the README's tables of every key instead")
def schema_command(markdown: bool) -> None:
    """Print the JSON Schema of the content format (for editors' YAML language servers)."""
    from texsheet.model.schema import content_schema, format_reference

    click.echo(format_reference() if markdown else json.dumps(content_schema(), indent=2, ensure_ascii=False))
