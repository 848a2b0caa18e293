"""Speed of texsheet on this machine, as ratios measured in one run (medians of --repeat runs).

    .venv/bin/python bench/bench.py [--repeat 3]

(a) an engine pass over the default sheet's .tex / the same pass with decorations off
(b) texsheet compile, YAML to PDF and PNG, cold / one engine pass
(c) texsheet compile of an unchanged sheet / one engine pass
(d) a series of 6 sheets with -j 2 / with -j 1
Machines here are shared and noisy: compare the ratios, not the seconds.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "content" / "llm-grand-summary.yaml"
TEXSHEET = [sys.executable, "-m", "texsheet"]
NO_DECORATIONS = r"\AtBeginDocument{\tikzset{decorate/.code={}}}"


def timed(command: list[str], cwd: Path | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def engine_pass(tex: Path) -> float:
    """One XeLaTeX run to PDF in a fresh folder, as a user would run it by hand."""
    with tempfile.TemporaryDirectory() as work:
        copy = Path(work) / tex.name
        shutil.copy(tex, copy)
        return timed(["xelatex", "-interaction=nonstopmode", "-halt-on-error", copy.name], cwd=Path(work))


def median_of(repeat: int, *runs) -> list[float]:
    """Medians of each run, the runs interleaved so that drift hits them alike."""
    samples = [[] for _ in runs]
    for _ in range(repeat):
        for sample, run in zip(samples, runs):
            sample.append(run())
    return [statistics.median(s) for s in samples]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        subprocess.run([*TEXSHEET, "compile", str(DEFAULT), "-o", str(work / "ref")], check=True, stdout=subprocess.DEVNULL)
        tex = work / "ref" / f"{DEFAULT.stem}.tex"
        plain = work / "plain" / tex.name
        plain.parent.mkdir()
        plain.write_text(tex.read_text(encoding="utf-8").replace(r"\begin{document}", NO_DECORATIONS + r"\begin{document}", 1), encoding="utf-8")

        drawn, straight = median_of(repeat, lambda: engine_pass(tex), lambda: engine_pass(plain))
        print(f"(a) hand-drawn / straight engine pass:   {drawn / straight:.2f}   ({drawn:.2f} s / {straight:.2f} s)")

        cold_runs = iter(range(10**6))
        cold, bare = median_of(
            repeat,
            lambda: timed([*TEXSHEET, "compile", str(DEFAULT), "-o", str(work / f"cold{next(cold_runs)}")]),
            lambda: engine_pass(tex),
        )
        print(f"(b) compile cold / one engine pass:      {cold / bare:.2f}   ({cold:.2f} s / {bare:.2f} s)")

        warm, bare = median_of(
            repeat, lambda: timed([*TEXSHEET, "compile", str(DEFAULT), "-o", str(work / "ref")]), lambda: engine_pass(tex)
        )
        print(f"(c) rebuild unchanged / one engine pass: {warm / bare:.2f}   ({warm:.2f} s / {bare:.2f} s)")

        sheets = sorted((ROOT / "content").glob("*.yaml")) + sorted((ROOT / "tests" / "sheets").glob("*.yaml"))
        series = [str(p) for p in sheets[:6]]
        parallel, serial = median_of(
            repeat,
            lambda: timed([*TEXSHEET, "compile", *series, "-o", str(work / "series2"), "--force", "-j", "2"]),
            lambda: timed([*TEXSHEET, "compile", *series, "-o", str(work / "series1"), "--force", "-j", "1"]),
        )
        print(f"(d) 6 sheets -j 2 / -j 1:                {parallel / serial:.2f}   ({parallel:.2f} s / {serial:.2f} s)")
        print(f"default sheet, YAML to PDF and PNG, cold: {cold:.2f} s on {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores")


if __name__ == "__main__":
    main()
