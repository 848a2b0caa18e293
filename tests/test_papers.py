"""Sheets inside papers and in git: fragments, reproducible output, diff and schema commands."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from texsheet.pipeline import compile_sheet

HERE = Path(__file__).parent
ROOT = HERE.parent
TABLE = HERE / "sheets" / "table.yaml"
CALLOUT = HERE / "sheets" / "callout.yaml"


def texsheet(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "texsheet", *args], capture_output=True, text=True, cwd=cwd)


def latexmk(tex: Path, engine: str = "-xelatex") -> subprocess.CompletedProcess:
    return subprocess.run(["latexmk", engine, "-interaction=nonstopmode", "-halt-on-error", tex.name],
                          cwd=tex.parent, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)


def pdf_text(pdf: Path) -> str:
    return re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)


@pytest.fixture(scope="module")
def fragments(tmp_path_factory, tex_available) -> Path:
    out = tmp_path_factory.mktemp("papers")
    for sheet in (TABLE, CALLOUT):
        outputs = compile_sheet(sheet, out, dpi=30, fragment=True)
        assert outputs.fragment == out / f"{sheet.stem}-fragment.tex" and outputs.style == out / "texsheet.sty"
    return out


def test_fragment_is_the_picture_alone(fragments):
    text = (fragments / "table-fragment.tex").read_text(encoding="utf-8")
    code = "\n".join(line for line in text.splitlines() if not line.startswith("%"))
    assert "\\documentclass" not in code and "\\begin{document}" not in code and "\\usepackage" not in code
    assert "\\begin{tikzpicture}" in code and code.rstrip().endswith("\\endgroup")


def test_two_column_article_inputs_two_fragments_and_one_twice(fragments):
    paper = fragments / "paper.tex"
    paper.write_text(r"""\documentclass[twocolumn]{article}
\usepackage{texsheet}
\begin{document}
Before the sheets.
\begin{figure}[h]\resizebox{\columnwidth}{!}{\input{table-fragment}}\caption{Table}\end{figure}
\begin{figure}[h]\resizebox{\columnwidth}{!}{\input{callout-fragment}}\caption{Callout}\end{figure}
\begin{figure*}[t]\resizebox{0.5\textwidth}{!}{\input{table-fragment}}\caption{Again}\end{figure*}
After the sheets.
\end{document}
""", encoding="utf-8")
    result = latexmk(paper)
    assert result.returncode == 0, (fragments / "paper.log").read_text(errors="replace")[-3000:]
    text = pdf_text(fragments / "paper.pdf")
    assert text.count("Hallucination") == 2 and "라벨러" in text and "Afterthesheets." in text


def test_beamer_frame_inputs_a_fragment(fragments):
    deck = fragments / "deck.tex"
    deck.write_text(r"""\documentclass{beamer}
\usepackage{texsheet}
\begin{document}
\begin{frame}{A sheet}\centering\resizebox{!}{0.8\textheight}{\input{table-fragment}}\end{frame}
\end{document}
""", encoding="utf-8")
    result = latexmk(deck)
    assert result.returncode == 0, (fragments / "deck.log").read_text(errors="replace")[-3000:]
    assert "Hallucination" in pdf_text(fragments / "deck.pdf")


def test_style_stops_another_engine_with_advice(fragments):
    paper = fragments / "pdfpaper.tex"
    paper.write_text("\\documentclass{article}\\usepackage{texsheet}\\begin{document}x\\end{document}\n", encoding="utf-8")
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", paper.name], cwd=fragments,
                            capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert result.returncode != 0
    log = (fragments / "pdfpaper.log").read_text(errors="replace")
    assert "texsheet pictures need XeLaTeX" in log


def test_tex_is_the_same_whatever_the_hash_seed(tmp_path):
    renders = set()
    for seed in ("0", "1", "12345"):
        code = ("import sys; from pathlib import Path; from texsheet.pipeline import load_sheet; "
                "from texsheet.render import render_sheet; sys.stdout.write(render_sheet(*reversed(load_sheet(Path(sys.argv[1])))))")
        result = subprocess.run([sys.executable, "-c", code, str(ROOT / "content" / "llm-grand-summary.yaml")],
                                capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed}, check=True)
        renders.add(result.stdout)
    assert len(renders) == 1


def test_pdf_is_byte_identical_with_source_date_epoch(tmp_path, tex_available, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = compile_sheet(CALLOUT, tmp_path / "a", dpi=30)
    second = compile_sheet(CALLOUT, tmp_path / "b", dpi=30)
    assert first.pdf.read_bytes() == second.pdf.read_bytes()
    assert first.png.read_bytes() == second.png.read_bytes()


def test_unchanged_sheet_is_not_rebuilt_and_force_rebuilds(tmp_path, tex_available):
    first = compile_sheet(CALLOUT, tmp_path, dpi=30)
    assert not first.cached
    again = compile_sheet(CALLOUT, tmp_path, dpi=30)
    assert again.cached and again.pdf == first.pdf
    assert not compile_sheet(CALLOUT, tmp_path, dpi=30, force=True).cached
    first.png.write_bytes(b"tampered")
    assert not compile_sheet(CALLOUT, tmp_path, dpi=30).cached


def test_diff_exits_like_diff(tmp_path, tex_available):
    old = tmp_path / "sheet.yaml"
    shutil.copy(HERE / "sheets" / "text.yaml", old)
    same = texsheet("diff", str(old), str(old), "-o", str(tmp_path / "same.png"))
    assert same.returncode == 0, same.stderr
    new = tmp_path / "new" / "sheet.yaml"
    new.parent.mkdir()
    new.write_text(old.read_text(encoding="utf-8").replace("Verify", "Review"), encoding="utf-8")
    differ = texsheet("diff", str(old), str(new), "-o", str(tmp_path / "diff.png"), "--side-by-side")
    assert differ.returncode == 1, differ.stderr
    assert "changed: rows.0.panels.0.blocks.0.text" in differ.stdout and (tmp_path / "diff.png").exists()
    broken = texsheet("diff", str(old), str(tmp_path / "missing.yaml"))
    assert broken.returncode == 2 and "no such file" in broken.stderr


def test_diff_against_a_git_revision(tmp_path, tex_available):
    sheet = tmp_path / "sheet.yaml"
    shutil.copy(HERE / "sheets" / "text.yaml", sheet)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "sheet.yaml"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "first"], cwd=tmp_path, check=True)
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("두 번째 줄", "세 번째 줄"), encoding="utf-8")
    result = texsheet("diff", "sheet.yaml", "--rev", "HEAD", "-o", "d.png", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "changed: rows.0.panels.0.blocks.0.text" in result.stdout


def test_schema_command_prints_the_schema():
    result = texsheet("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"].endswith("2020-12/schema") and "Sheet" in schema["$defs"]


def test_pre_commit_hook_runs_validate():
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "entry: texsheet validate" in hooks
