"""Speed of texsheet on this machine, every figure a multiple of one "floor" measured in the same run.

    .venv/bin/python bench/bench.py                # every figure, medians of 3
    .venv/bin/python bench/bench.py --only 1,3 --repeat 5

The floor is one `xelatex` pass over a minimal Korean document (kotex, NanumBarunpen as main and
Hangul font, one line of Korean and English). Each round times the floor and then every measurement
the chosen figures need, in turn; the rounds repeat, so drift on a shared machine hits all alike.
The figures:

(1) a sheet never built before (the default sheet with a new title each round), YAML to PDF and PNG
    in a fresh folder; caches texsheet keeps across sheets are warmed by one compile of another sheet
(2) a one-word edit in one panel of the default sheet, rebuilt where the unedited sheet was built;
    the word is one never typed before, so that TeX must measure it
(3) `latexmk -r latexmkrc` by hand over the generated .tex, in a fresh folder with what compile wrote
    there except the PDF and PNG (no preloaded format: as a reader would build it)
(4) a paper that inputs the sheet's fragment (`compile --fragment`) twice, in a fresh folder with what
    compile wrote except the PNG, one pass with pdflatex and one with xelatex, against the same paper
    alone plus one standalone pass of the sheet (3)
(5) a series of 6 sheets with -j 2 against -j 1
(6) an unchanged rebuild (cache hit) against the sheet never built before of (1)
(7) what the design card's parts cost in (3): the same build with the hand-drawn lines straight
    (`ts hand` made empty), and the same .tex run through xelatex and xdvipdfmx without latexmk

Only texsheet's CLI and the files it writes are used, so the script outlives changes to the code.
Something a figure needs that fails makes that figure "failed: <reason>"; the others go on.
The table goes to stdout (for the README), progress and every sample to stderr.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Sequence

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHEET = ROOT / "content" / "llm-grand-summary.yaml"
SERIES_SIZE = 6
TIMEOUT = 600.0  # seconds for any one command; a hung TeX fails its figure, not the run
TEX_OPTIONS = ("-interaction=nonstopmode", "-halt-on-error")
# The one-word edit of (2): a word in one note of the default sheet's first panel, and the start
# of its stand-ins (a new one each round).
EDIT_WORDS = ("Acquisition", "Acquirement")

FLOOR_TEX = r"""\documentclass{article}
\usepackage{kotex}
\setmainfont{NanumBarunpen}
\setmainhangulfont{NanumBarunpen}
\begin{document}
한국어와 English를 한 줄에 함께 씁니다.
\end{document}
"""

PARAGRAPH = (
    "Large language models are trained in stages. Pre-training reads a large share of the public "
    "web and compresses it into the parameters of a neural network; supervised fine-tuning then "
    "shows the model many conversations written by people, so that it learns to answer as an "
    "assistant; reinforcement learning finally lets the model practise on problems with checkable "
    "answers and keep the ways of thinking that work. Each stage changes what the model knows, how "
    "it speaks, and how it reasons, and each has its own failure modes, which the figures summarise."
)


class BenchFailure(Exception):
    """Something a figure needs failed; the message is one line for the table."""


@dataclass
class Measurement:
    """One thing timed once a round: prepared once before the first round."""

    label: str
    run: Callable[[int], float]  # round number -> seconds
    prepare: Callable[[], object] = lambda: None
    samples: list[float] = field(default_factory=list)
    failure: str | None = None

    def try_prepare(self) -> None:
        """Prepare, unless an earlier step failed."""
        self.guard(self.prepare)

    def try_run(self, round_: int) -> None:
        """Run one round and keep its seconds, unless an earlier step failed."""
        seconds = self.guard(lambda: self.run(round_))
        if isinstance(seconds, float):
            self.samples.append(seconds)

    def guard(self, step: Callable[[], object]) -> object:
        """What `step` returns; any error becomes the failure (and None), which stops later steps."""
        if self.failure is not None:
            return None
        try:
            return step()
        except BenchFailure as error:
            self.failure = str(error)
        except Exception as error:  # the bench must go on whatever one measurement hits
            self.failure = f"{type(error).__name__}: {error}"
        return None

    def median(self) -> float:
        """Median of the samples, in seconds."""
        return statistics.median(self.samples)


@dataclass(frozen=True)
class Row:
    """One line of the table: sum(numerator) as floor multiples, or sum(numerator) / sum(denominator)."""

    number: int
    label: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]  # empty: the figure is a floor multiple
    limit: float | None  # None: a cost shown, with no target
    target: str

    def keys(self) -> tuple[str, ...]:
        """The measurements this row needs."""
        return self.numerator + self.denominator


ROWS = (
    Row(1, "sheet never built before, `texsheet compile` YAML to PDF and PNG",
        ("new",), (), 3.5, "≤ 3.5 floors"),
    Row(2, "one-word edit in one panel, rebuilt in the same folder",
        ("edit",), (), 3.0, "≤ 3.0 floors"),
    Row(3, "`latexmk -r latexmkrc` by hand over the generated .tex",
        ("pass",), (), 3.0, "≤ 3.0 floors"),
    Row(4, "paper with the sheet twice, pdflatex vs paper alone + sheet pass",
        ("paper-pdflatex",), ("alone-pdflatex", "pass"), 1.5, "≤ 1.5×"),
    Row(4, "paper with the sheet twice, xelatex vs paper alone + sheet pass",
        ("paper-xelatex",), ("alone-xelatex", "pass"), 1.5, "≤ 1.5×"),
    Row(5, f"series of {SERIES_SIZE} sheets, `-j 2` vs `-j 1`",
        ("series-j2",), ("series-j1",), 0.65, "≤ 0.65×"),
    Row(6, "unchanged rebuild (cache hit) vs sheet never built before (1)",
        ("unchanged",), ("new",), 0.25, "≤ 0.25×"),
    Row(7, "(3) with straight lines instead of random steps vs (3)",
        ("pass-straight",), ("pass",), None, ""),
    Row(7, "(3) as xelatex + xdvipdfmx without latexmk vs (3)",
        ("pass-bare",), ("pass",), None, ""),
)


def run_command(command: Sequence[str | Path], cwd: Path | None = None) -> float:
    """Seconds `command` took; BenchFailure with its first error if it fails or outlives TIMEOUT."""
    args = [str(part) for part in command]
    started = time.perf_counter()
    # A session of its own, so that a timeout can kill TeX along with any wrapper around it.
    with subprocess.Popen(
        args, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, errors="replace", start_new_session=True,
    ) as process:
        try:
            output, _ = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise BenchFailure(f"{Path(args[0]).name} took more than {TIMEOUT:.0f} s") from None
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise BenchFailure(f"{Path(args[0]).name}: {first_error(output)}")
    return seconds


def first_error(output: str) -> str:
    """The line of a command's output that best says why it failed, shortened to fit a table cell.

    A TeX error (`! ...`) first, then a line naming a file and line or an error, else the last line.
    """
    # texsheet prefixes progress like "[###...] 3/6 " to each sheet's line.
    lines = [re.sub(r"\[[#.]+\]\s*\d+/\d+\s*", "", line).strip() for line in output.splitlines()]
    lines = [line for line in lines if line] or ["no output"]
    tex_errors = [line for line in lines if line.startswith("!")]
    located = [line for line in lines if re.search(r"\.(yaml|tex):\d+|error", line, flags=re.IGNORECASE)]
    line = (tex_errors or located or lines[-1:])[0]
    return line if len(line) <= 160 else line[:157] + "..."


def texsheet_command() -> list[str]:
    """How to run texsheet: the venv's script beside this Python, else the module."""
    script = Path(sys.executable).parent / "texsheet"
    return [str(script)] if script.exists() else [sys.executable, "-m", "texsheet"]


def copy_outputs(built: Path, destination: Path, skip: tuple[str, ...]) -> None:
    """Copy what compile wrote into `built`, except files ending in `skip`, into `destination`."""
    destination.mkdir(parents=True, exist_ok=True)
    for path in built.iterdir():
        if path.is_dir():
            shutil.copytree(path, destination / path.name)
        elif path.suffix not in skip:
            shutil.copy2(path, destination / path.name)


def paper_tex(fragment: str | None) -> str:
    """A short article; with `fragment`, it loads texsheet.sty and shows the sheet in two figures."""
    figure = (
        "\\begin{figure}\n\\centering\n"
        f"\\resizebox{{\\linewidth}}{{!}}{{\\input{{{fragment}}}}}\n"
        "\\caption{The grand summary as a cheat sheet.}\n\\end{figure}\n"
    )
    body = [f"\\section{{Stage {n}}}\n{PARAGRAPH}\n\n{PARAGRAPH}\n" for n in range(1, 5)]
    if fragment is not None:
        body.insert(1, figure)
        body.insert(4, figure)
    package = "\\usepackage{texsheet}\n" if fragment is not None else ""
    return (
        "\\documentclass{article}\n\\usepackage{graphicx}\n" + package
        + "\\begin{document}\n" + "\n".join(body) + "\\end{document}\n"
    )


class Bench:
    """The measurements, as methods over one scratch folder."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.texsheet = texsheet_command()
        self.token = uuid.uuid4().hex[:6]  # new titles differ from any earlier run's too
        self.folders = 0
        self.builds: dict[tuple[str, ...], Path] = {}

    def fresh_dir(self, name: str) -> Path:
        """A new empty folder under the scratch folder."""
        self.folders += 1
        folder = self.work / f"{self.folders:03d}-{name}"
        folder.mkdir()
        return folder

    def compile(self, sheets: Sequence[Path], output: Path, *options: str) -> float:
        """Seconds `texsheet compile` took; BenchFailure unless each sheet's PDF and PNG are there."""
        seconds = run_command([*self.texsheet, "compile", *sheets, "-o", output, *options])
        for sheet in sheets:
            for suffix in (".pdf", ".png"):
                if not (output / sheet.with_suffix(suffix).name).is_file():
                    raise BenchFailure(f"compile wrote no {sheet.stem}{suffix}")
        return seconds

    def tex_pass(self, engine: str, folder: Path, tex_name: str) -> float:
        """Seconds of one `engine` pass over `tex_name` in `folder`; BenchFailure if no PDF comes out."""
        seconds = run_command([engine, *TEX_OPTIONS, tex_name], cwd=folder)
        if not (folder / tex_name).with_suffix(".pdf").is_file():
            raise BenchFailure(f"{engine} wrote no PDF for {tex_name}")
        return seconds

    def latexmk(self, folder: Path, tex_name: str) -> float:
        """Seconds of `latexmk -r latexmkrc` over `tex_name` in `folder`; BenchFailure if no PDF comes out."""
        seconds = run_command(["latexmk", "-r", ROOT / "latexmkrc", tex_name], cwd=folder)
        if not (folder / tex_name).with_suffix(".pdf").is_file():
            raise BenchFailure(f"latexmk wrote no PDF for {tex_name}")
        return seconds

    def measurements(self) -> dict[str, Measurement]:
        """Every measurement a row may need, keyed as the rows name them, in the order they run."""
        paper = self.run_paper
        fragment = partial(self.built, "--fragment")
        return {
            "floor": Measurement("floor", self.run_floor, self.prepare_floor),
            "new": Measurement("sheet never built", self.run_new, self.prepare_new),
            "edit": Measurement("one-word edit", self.run_edit, self.prepare_edit),
            "pass": Measurement("latexmk by hand", self.run_pass, self.built),
            "pass-straight": Measurement("latexmk by hand, straight lines", partial(self.run_pass, straight=True), self.built),
            "pass-bare": Measurement("xelatex + xdvipdfmx by hand", self.run_bare_pass, self.built),
            "paper-pdflatex": Measurement("paper + sheet, pdflatex", partial(paper, "pdflatex", True), fragment),
            "alone-pdflatex": Measurement("paper alone, pdflatex", partial(paper, "pdflatex", False)),
            "paper-xelatex": Measurement("paper + sheet, xelatex", partial(paper, "xelatex", True), fragment),
            "alone-xelatex": Measurement("paper alone, xelatex", partial(paper, "xelatex", False)),
            "series-j2": Measurement("series -j 2", partial(self.run_series, 2), self.prepare_series),
            "series-j1": Measurement("series -j 1", partial(self.run_series, 1), self.prepare_series),
            "unchanged": Measurement("unchanged rebuild", self.run_unchanged, self.prepare_unchanged),
        }

    def warm_up(self) -> None:
        """Compile one sheet other than the default, so caches texsheet keeps across sheets are warm."""
        others = sorted(p for p in DEFAULT_SHEET.parent.glob("*.yaml") if p != DEFAULT_SHEET)
        if others:
            self.compile(others[:1], self.fresh_dir("warm-up"))

    def prepare_floor(self) -> None:
        """Write the floor document and run it once unmeasured (font caches)."""
        self.run_floor(0)

    def run_floor(self, _round: int) -> float:
        """One xelatex pass over the minimal Korean document, in a fresh folder."""
        folder = self.fresh_dir("floor")
        (folder / "floor.tex").write_text(FLOOR_TEX, encoding="utf-8")
        return self.tex_pass("xelatex", folder, "floor.tex")

    def retitled_sheet(self, tag: str) -> str:
        """The default sheet's text with `tag` added to its title."""
        text = DEFAULT_SHEET.read_text(encoding="utf-8")
        found = re.search(r'^title: *"(.*)" *$', text, flags=re.MULTILINE)
        if found is None:
            raise BenchFailure(f'no top-level title: "..." line in {DEFAULT_SHEET.name}')
        return text[: found.start()] + f'title: "{found.group(1)} {tag}"' + text[found.end() :]

    def prepare_new(self) -> None:
        """Check that the default sheet has a title line to change."""
        self.retitled_sheet("")

    def run_new(self, round_: int) -> float:
        """Compile the default sheet with a title never used before into a fresh folder."""
        sheet = self.fresh_dir("new") / DEFAULT_SHEET.name
        sheet.write_text(self.retitled_sheet(f"v{self.token}{round_}"), encoding="utf-8")
        return self.compile([sheet], sheet.parent / "out")

    def edited_sheet(self, word: str) -> Path:
        """The default sheet with EDIT_WORDS[0] written as `word`, at one path for every version."""
        sheet = self.work / "edit" / DEFAULT_SHEET.name
        sheet.parent.mkdir(exist_ok=True)
        text = DEFAULT_SHEET.read_text(encoding="utf-8")
        if EDIT_WORDS[0] not in text:
            raise BenchFailure(f"no word {EDIT_WORDS[0]!r} to edit in {DEFAULT_SHEET.name}")
        sheet.write_text(text.replace(EDIT_WORDS[0], word, 1), encoding="utf-8")
        return sheet

    def prepare_edit(self) -> None:
        """Build the unedited sheet where the edits will be rebuilt."""
        self.compile([self.edited_sheet(EDIT_WORDS[0])], self.work / "edit" / "out")

    def run_edit(self, round_: int) -> float:
        """Change the word to one never typed before (so TeX must measure it) and rebuild in
        place; the PDF must change."""
        sheet = self.edited_sheet(f"{EDIT_WORDS[1]}{self.token}{round_}")
        pdf = sheet.parent / "out" / sheet.with_suffix(".pdf").name
        before = pdf.stat().st_mtime_ns
        seconds = self.compile([sheet], pdf.parent)
        if pdf.stat().st_mtime_ns == before:
            raise BenchFailure("the edited sheet was not rebuilt (PDF untouched)")
        return seconds

    def built(self, *options: str) -> Path:
        """The folder where the default sheet was compiled with `options`, compiling it the first time."""
        if options not in self.builds:
            folder = self.fresh_dir("built")
            paper = ("--paper", str(folder)) if "--fragment" in options else ()  # texsheet.sty there, not here
            self.compile([DEFAULT_SHEET], folder, *options, *paper)
            self.builds[options] = folder
        return self.builds[options]

    def run_pass(self, _round: int, straight: bool = False) -> float:
        """latexmk over the generated .tex, copied with its neighbours into a fresh folder; straight
        makes the hand-drawn lines' style empty first."""
        folder = self.fresh_dir("pass")
        copy_outputs(self.built(), folder, skip=(".pdf", ".png"))
        tex = folder / DEFAULT_SHEET.with_suffix(".tex").name
        if straight:
            text, count = re.subn(r"^  ts hand/\.style=\{.*\},$", "  ts hand/.style={},", tex.read_text(encoding="utf-8"), flags=re.M)
            if count != 1:
                raise BenchFailure("no ts hand style to straighten in the .tex")
            tex.write_text(text, encoding="utf-8")
        return self.latexmk(folder, tex.name)

    def run_bare_pass(self, _round: int) -> float:
        """xelatex and xdvipdfmx over the generated .tex, as latexmkrc runs them but without latexmk."""
        folder = self.fresh_dir("bare")
        copy_outputs(self.built(), folder, skip=(".pdf", ".png"))
        name = DEFAULT_SHEET.with_suffix("").name
        seconds = run_command(["xelatex", "-no-pdf", *TEX_OPTIONS, f"{name}.tex"], cwd=folder)
        seconds += run_command(["xdvipdfmx", "-q", f"{name}.xdv"], cwd=folder)
        if not (folder / f"{name}.pdf").is_file():
            raise BenchFailure(f"xdvipdfmx wrote no PDF for {name}")
        return seconds

    def run_paper(self, engine: str, with_sheet: bool, _round: int) -> float:
        """One `engine` pass over the paper, in a fresh folder with what compile --fragment wrote, or alone."""
        folder = self.fresh_dir(f"paper-{engine}")
        fragment = None
        if with_sheet:
            # The sheet's PDF stays: a fragment may include it rather than draw the sheet again.
            copy_outputs(self.built("--fragment"), folder, skip=(".png",))
            fragment = f"{DEFAULT_SHEET.stem}-fragment"
            if not (folder / f"{fragment}.tex").is_file() or not (folder / "texsheet.sty").is_file():
                raise BenchFailure(f"compile --fragment wrote no {fragment}.tex or texsheet.sty")
        (folder / "paper.tex").write_text(paper_tex(fragment), encoding="utf-8")
        return self.tex_pass(engine, folder, "paper.tex")

    def series(self) -> list[Path]:
        """The sheets of (5): content/ first, then tests/sheets/."""
        sheets = sorted((ROOT / "content").glob("*.yaml")) + sorted((ROOT / "tests" / "sheets").glob("*.yaml"))
        if len(sheets) < SERIES_SIZE:
            raise BenchFailure(f"only {len(sheets)} sheets in content/ and tests/sheets/")
        return sheets[:SERIES_SIZE]

    def prepare_series(self) -> None:
        """Check that there are enough sheets."""
        self.series()

    def run_series(self, jobs: int, _round: int) -> float:
        """Compile the series with `jobs` at once, forced, into the same folder every round."""
        output = self.work / f"series-j{jobs}"
        return self.compile(self.series(), output, "--force", "-j", str(jobs))

    def prepare_unchanged(self) -> None:
        """Build the default sheet once, for the rebuilds."""
        self.compile([DEFAULT_SHEET], self.work / "unchanged")

    def run_unchanged(self, _round: int) -> float:
        """Compile the unchanged sheet again; the PDF must stay untouched."""
        pdf = self.work / "unchanged" / DEFAULT_SHEET.with_suffix(".pdf").name
        before = pdf.stat().st_mtime_ns
        seconds = self.compile([DEFAULT_SHEET], pdf.parent)
        if pdf.stat().st_mtime_ns != before:
            raise BenchFailure("no cache hit: the unchanged sheet was rebuilt")
        return seconds


def measure(measurements: dict[str, Measurement], repeat: int) -> None:
    """Prepare each measurement, then run them round-robin `repeat` times, logging to stderr."""
    for measurement in measurements.values():
        log(f"preparing {measurement.label}")
        measurement.try_prepare()
    for round_ in range(repeat):
        for measurement in measurements.values():
            measurement.try_run(round_)
            state = f"{measurement.samples[-1]:.2f} s" if measurement.failure is None else "failed"
            log(f"round {round_ + 1}/{repeat}: {measurement.label}: {state}")


def log(message: str) -> None:
    """Progress for whoever watches the run, on stderr so the table stays clean."""
    print(message, file=sys.stderr, flush=True)


def format_row(row: Row, measurements: dict[str, Measurement]) -> str:
    """The table line of `row`: floors, seconds, target, ok/over, or failed with the first reason."""
    floor = measurements["floor"]
    failures = [measurements[key].failure for key in ("floor", *row.keys()) if measurements[key].failure]
    figure = f"({row.number}) {row.label}"
    if failures:
        reason = failures[0].replace("|", "\\|")
        return f"| {figure} | failed: {reason} | — | {row.target} | failed |"
    seconds = {key: measurements[key].median() for key in row.keys()}
    floors = {key: value / floor.median() for key, value in seconds.items()}
    if row.denominator:
        value = sum(seconds[k] for k in row.numerator) / sum(seconds[k] for k in row.denominator)
        floors_cell = f"{ratio_text(floors, row)} = **{value:.2f}×**"
        seconds_cell = f"{ratio_text(seconds, row)} s"
    else:
        value = floors[row.numerator[0]]
        floors_cell = f"**{value:.2f}**"
        seconds_cell = f"{seconds[row.numerator[0]]:.2f}"
    verdict = "" if row.limit is None else "ok" if value <= row.limit else "over"
    return f"| {figure} | {floors_cell} | {seconds_cell} | {row.target} | {verdict} |"


def ratio_text(values: dict[str, float], row: Row) -> str:
    """`a vs b + c` for the row's numerator and denominator."""
    def side(keys: tuple[str, ...]) -> str:
        return " + ".join(f"{values[key]:.2f}" for key in keys)
    return f"{side(row.numerator)} vs {side(row.denominator)}"


def print_table(rows: Sequence[Row], measurements: dict[str, Measurement], repeat: int, load: float) -> None:
    """The machine line, the Markdown table for the README and the spread of the samples."""
    floor = measurements["floor"]
    floor_seconds = f"{floor.median():.2f}" if floor.failure is None else f"failed: {floor.failure}"
    print(machine_line(repeat, load))
    print()
    print("| figure | floors | seconds | target | ok/over |")
    print("|---|---|---|---|---|")
    print(f"| floor: minimal kotex + Nanum document, one `xelatex` pass | 1.00 | {floor_seconds} | | |")
    for row in rows:
        print(format_row(row, measurements))
    if repeat > 1:
        print()
        print(spread_line(measurements))


def spread_line(measurements: dict[str, Measurement]) -> str:
    """Slowest over fastest sample of each measurement: how noisy this run was."""
    spreads = [
        f"{m.label} {max(m.samples) / min(m.samples):.2f}"
        for m in measurements.values() if m.failure is None and m.samples
    ]
    return "Spread (slowest / fastest sample): " + ", ".join(spreads) + "."


def machine_line(repeat: int, load: float) -> str:
    """Cores, TeX Live version, the load average before and after, and how the figures were taken."""
    try:
        banner = subprocess.run(["xelatex", "--version"], capture_output=True, text=True, check=False).stdout
    except OSError:
        banner = ""
    found = re.search(r"\((TeX Live [^)]*)\)", banner)
    texlive = found.group(1) if found else "TeX Live version unknown"
    cores = len(os.sched_getaffinity(0))
    return (
        f"Machine: {cores} cores (nproc), {texlive}, load average {load:.1f} before and "
        f"{os.getloadavg()[0]:.1f} after. "
        f"Medians of {repeat} interleaved runs; floors = seconds / the floor's seconds."
    )


def parse_only(text: str) -> set[int]:
    """`--only 1,4` as a set of figure numbers."""
    numbers = {int(part) for part in text.split(",") if part.strip()}
    known = {row.number for row in ROWS}
    if not numbers or not numbers <= known:
        raise argparse.ArgumentTypeError(f"figures are {min(known)} to {max(known)}, comma-separated")
    return numbers


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line: --repeat and --only."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds; each figure is the median (default 3)")
    parser.add_argument("--only", type=parse_only, default=None, metavar="N,N", help="run only these figures")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    """Measure the chosen figures and print the table."""
    args = parse_args(argv)
    rows = [row for row in ROWS if args.only is None or row.number in args.only]
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="texsheet-bench-") as work:
        bench = Bench(Path(work))
        every = bench.measurements()
        needed = {"floor"} | {key for row in rows for key in row.keys()}
        measurements = {key: m for key, m in every.items() if key in needed}
        log("warming up: one compile of another sheet")
        try:
            bench.warm_up()
        except BenchFailure as error:
            log(f"warm-up failed: {error}")
        measure(measurements, args.repeat)
        print_table(rows, measurements, args.repeat, load)


if __name__ == "__main__":
    main()
