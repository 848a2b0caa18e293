"""Sheets inside papers and in git: fragments, reproducible output, diff and schema commands."""
from __future__ import annotations

import json
import os
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from texsheet.build.pipeline import compile_sheet, write_style
from texsheet.errors import TexsheetError
from texsheet.tex.fragment import render_fragment, render_style, render_tikz

HERE = Path(__file__).parent
ROOT = HERE.parent
TABLE = HERE / "sheets" / "table.yaml"
CALLOUT = HERE / "sheets" / "callout.yaml"
MATH = HERE / "sheets" / "math.yaml"

ENGINES = ("pdflatex", "xelatex", "lualatex")
TEX_ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "FORCE_SOURCE_DATE": "1"}
# What texsheet may add to the files a paper reads: itself, the fragment and its PDF, and graphicx
# with its driver (loaded only when the paper has not loaded it).
TEXSHEET_READS = {"texsheet.sty", "table-fragment.tex", "table.pdf", "graphicx.sty", "graphics.sty", "graphics.cfg",
                  "trig.sty", "keyval.sty", "pdftex.def", "xetex.def", "luatex.def", "epstopdf-base.sty",
                  "epstopdf-sys.cfg"}
FONT_FILES = {".tfm", ".vf", ".pfb", ".enc", ".map", ".fd", ".otf", ".ttf", ".luc"}

# The paper's own text holds what loading kotex or fontspec used to change: curly quotes typed and
# as ligatures, apostrophes, parentheses, an equation number, a space after a closing quote.
PROSE = (r"The ``sheet'' stays in its figure: it's placed as a picture (not as text), and the paper's "
         r"quotes---`single', ``double'', “typed” and ‘typed’---keep their fonts; a space after a closing "
         r"quote stays: ``quoted'' word, “typed” word, it’s (1) [2].")
EQUATION = r"\begin{equation} L = -\sum_{t} \log p(x_t \mid x_{<t}) \end{equation}"
FONTS = "% the paper's fonts"  # replaced by T1 Latin Modern under pdfLaTeX, fontspec under XeLaTeX and LuaLaTeX


@dataclass(frozen=True)
class Paper:
    documentclass: str
    packages: tuple[str, ...]  # the paper's own preamble
    body: str  # the paper's own pages, ending with a page break
    sheet_page: str  # the last page: the sheet, input twice

    def text(self, engine: str, with_sheet: bool) -> str:
        """The paper; with_sheet adds \\usepackage{texsheet} (first, in the middle or last, by engine)
        and the sheet's page after the paper's last page break: without, they are nothing."""
        fonts = r"\usepackage[T1]{fontenc}\usepackage{lmodern}" if engine == "pdflatex" else r"\usepackage{fontspec}"
        preamble = [fonts if line == FONTS else line for line in self.packages]
        if with_sheet:
            place = {"pdflatex": 0, "xelatex": len(preamble) // 2, "lualatex": len(preamble)}[engine]
            preamble.insert(place, r"\usepackage{texsheet}")
        lines = [self.documentclass, *preamble, r"\begin{document}", self.body,
                 self.sheet_page if with_sheet else "", r"\end{document}", ""]
        return "\n".join(lines)


def twice(line: str) -> str:
    return "\n".join([line.format(fragment=r"\input{build/table-fragment}")] * 2)


PAPERS = {
    "article": Paper(
        r"\documentclass[twocolumn]{article}",
        (FONTS, r"\usepackage{amsmath}", r"\usepackage[dvipsnames,table]{xcolor}", r"\usepackage[final]{graphicx}",
         r"\usepackage{tikz}", r"\usepackage{hyperref}"),
        rf"\section{{Notes}} {PROSE} {EQUATION} \textcolor{{ForestGreen}}{{Green}}, \tikz\draw (0,0) circle (1ex);"
        rf" {PROSE}\clearpage",
        twice(r"\begin{{figure}}[h]\resizebox{{\columnwidth}}{{!}}{{{fragment}}}\caption{{Sheet}}\end{{figure}}"),
    ),
    "ieeetran": Paper(
        r"\documentclass[conference]{IEEEtran}",
        (r"\usepackage{amsmath}", r"\usepackage[dvipsnames]{xcolor}", r"\usepackage{hyperref}"),
        r"\title{Sheets in papers}\author{\IEEEauthorblockN{A. Author}\IEEEauthorblockA{A University}}\maketitle"
        rf"\begin{{abstract}}{PROSE}\end{{abstract}}\begin{{IEEEkeywords}}sheets, papers\end{{IEEEkeywords}}"
        rf"\section{{Introduction}} {PROSE} {EQUATION} \textcolor{{ForestGreen}}{{Green}} {PROSE}\clearpage",
        twice(r"\noindent\resizebox{{\columnwidth}}{{!}}{{{fragment}}}\par"),
    ),
    "acmart": Paper(
        r"\documentclass[sigconf]{acmart}",  # loads graphicx, xcolor and hyperref itself
        (r"\usepackage{tikz}", r"\usepackage{booktabs}"),
        r"\title{Sheets in papers}\author{A. Author}\affiliation{\institution{A University}\country{Korea}}"
        rf"\begin{{abstract}}{PROSE}\end{{abstract}}\maketitle\section{{Introduction}} {PROSE} {EQUATION} {PROSE}"
        r"\clearpage",
        twice(r"\begin{{figure}}[h]\resizebox{{\columnwidth}}{{!}}{{{fragment}}}\caption{{Sheet}}\end{{figure}}"),
    ),
    "beamer": Paper(
        r"\documentclass[xcolor=dvipsnames]{beamer}",
        (FONTS, r"\usepackage{tikz}"),
        rf"\begin{{frame}}{{Notes}}\small {PROSE} {EQUATION} \textcolor{{ForestGreen}}{{Green}}\end{{frame}}",
        r"\begin{frame}{The sheet}\centering" + "\n"
        + twice(r"\resizebox{{!}}{{0.38\textheight}}{{{fragment}}}\par") + "\n" + r"\end{frame}",
    ),
}


def texsheet(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "texsheet", *args], capture_output=True, text=True, cwd=cwd)


def run_tex(engine: str, tex: Path) -> subprocess.CompletedProcess:
    """One pass: the paper's pages come out the same in every pass, with the sheet or without."""
    return subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "-recorder", tex.name],
                          cwd=tex.parent, capture_output=True, text=True, errors="replace",
                          stdin=subprocess.DEVNULL, timeout=300, env=TEX_ENV)


def build_paper(tex: Path, text: str, engine: str) -> Path:
    tex.write_text(text, encoding="utf-8")
    result = run_tex(engine, tex)
    log = tex.with_suffix(".log")
    assert result.returncode == 0, log.read_text(errors="replace")[-3000:] if log.exists() else result.stdout
    return tex.with_suffix(".pdf")


def poppler(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def page_count(pdf: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", poppler("pdfinfo", str(pdf)), re.M).group(1))


def pdf_text(pdf: Path, first: int = 1, last: int = 0) -> str:
    text = poppler("pdftotext", "-f", str(first), "-l", str(last or page_count(pdf)), str(pdf), "-")
    return re.sub(r"\s+", "", text)


def words(pdf: Path, last: int, first: int = 1) -> list[str]:
    """Every word of pages first to last with its box, as pdftotext -bbox gives them."""
    xhtml = poppler("pdftotext", "-bbox", "-f", str(first), "-l", str(last), str(pdf), "-")
    return re.findall(r"<page [^>]*>|<word [^>]*>[^<]*</word>", xhtml)


def fonts(pdf: Path, last: int, first: int = 1) -> list[str]:
    """The fonts of pages first to last: name (without the subset tag, which hashes the whole
    document's glyphs), type, encoding and the embedded/subset/ToUnicode flags."""
    lines = poppler("pdffonts", "-f", str(first), "-l", str(last), str(pdf)).splitlines()[2:]
    return sorted(" ".join(re.sub(r"^[A-Z]{6}\+", "", line).split()[:-2]) for line in lines)


def pixels(pdf: Path, page: int) -> bytes:
    """The page as pdftoppm renders it at 100 dpi (a PPM image)."""
    return subprocess.run(["pdftoppm", "-r", "100", "-f", str(page), "-l", str(page), str(pdf)], capture_output=True, check=True).stdout


def differences(changed: Path, original: Path, pages: int, first: int = 1) -> list[str]:
    """How pages first to pages of changed differ from original: words and their places, fonts, pixels."""
    found = []
    old, new = words(original, pages, first), words(changed, pages, first)
    if old != new:
        at = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
        found.append(f"words from #{at}: {old[at:at + 3]} became {new[at:at + 3]}")
    if fonts(original, pages, first) != fonts(changed, pages, first):
        found.append(f"fonts: {fonts(original, pages, first)} became {fonts(changed, pages, first)}")
    found += [f"pixels of page {page}" for page in range(first, pages + 1)
              if pixels(original, page) != pixels(changed, page)]
    return found


def files_read(pdf: Path) -> set[str]:
    """The names of the files the engine read (its -recorder list), less the job's own and the
    paper's fonts (the sheet's page has a caption or a page number too)."""
    lines = pdf.with_suffix(".fls").read_text(encoding="utf-8", errors="replace").splitlines()
    paths = {Path(line[len("INPUT "):]) for line in lines if line.startswith("INPUT ")}
    return {path.name for path in paths if not path.name.startswith(pdf.stem + ".") and path.suffix not in FONT_FILES}


@pytest.fixture(scope="module")
def papers(tmp_path_factory, tex_available) -> Path:
    """A folder for papers, with build/ below it holding table and callout, built once with fragments."""
    for needed in ("IEEEtran.cls", "acmart.cls", "luaotfload.sty"):
        if not subprocess.run(["kpsewhich", needed], capture_output=True, text=True).stdout.strip():
            pytest.fail(f"{needed} missing: run ./tasks.sh test to install TeX Live's publishers and LuaTeX packages")
    folder = tmp_path_factory.mktemp("papers")
    for sheet in (TABLE, CALLOUT):
        outputs = compile_sheet(sheet, folder / "build", dpi=30, fragment=True)
        assert outputs.fragment == folder / "build" / f"{sheet.stem}-fragment.tex"
        assert outputs.style == folder / "build" / "texsheet.sty"
        assert outputs.tikz == folder / "build" / f"{sheet.stem}-tikz.tex"
        assert outputs.pdf == folder / "build" / f"{sheet.stem}.pdf"
    assert write_style(folder) == folder / "texsheet.sty"  # where the paper's \usepackage finds it
    assert write_style(folder) is None  # current: left alone
    return folder


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("kind", sorted(PAPERS))
def test_sheet_changes_nothing_outside_its_page(papers, kind, engine):
    """The paper's own pages come out as without texsheet (the same words in the same places, the
    same fonts, the same pixels); the last page holds the sheet twice; texsheet reads only graphicx."""
    paper = PAPERS[kind]

    def build(version: str) -> Path:
        return build_paper(papers / f"{kind}-{engine}-{version}.tex", paper.text(engine, version == "with"), engine)

    with ThreadPoolExecutor(2) as pool:  # both versions at once, one a core
        with_sheet, without = pool.map(build, ["with", "without"])
    pages = page_count(without)
    assert page_count(with_sheet) == pages + 1
    assert "it’s(1)[2]." in pdf_text(without) and "“quoted”word" in pdf_text(without)
    assert differences(with_sheet, without, pages) == []
    assert pdf_text(with_sheet, pages + 1).count("Hallucination") == 2
    assert pdf_text(with_sheet).count("Hallucination") == 2
    assert files_read(with_sheet) - files_read(without) <= TEXSHEET_READS


def test_comparison_sees_what_kotex_did_to_papers(papers):
    """The check above catches the old fragment's fault: kotex loaded for the whole paper."""
    text = PAPERS["article"].text("xelatex", with_sheet=False)
    without = build_paper(papers / "plain.tex", text, "xelatex")
    kotex = text.replace(r"\begin{document}", "\\usepackage{kotex}\n\\begin{document}")
    with_kotex = build_paper(papers / "kotex.tex", kotex, "xelatex")
    found = differences(with_kotex, without, page_count(without))
    assert any(line.startswith("fonts:") for line in found) and any(line.startswith("pixels") for line in found)


@pytest.mark.parametrize("engine", ENGINES)
def test_two_sheets_in_one_paper(papers, engine):
    paper = papers / f"two-{engine}.tex"
    build_paper(paper, r"""\documentclass[twocolumn]{article}
\usepackage{texsheet}
\begin{document}
Before the sheets.
\begin{figure}[h]\resizebox{\columnwidth}{!}{\input{build/table-fragment}}\caption{Table}\end{figure}
\begin{figure}[h]\resizebox{\columnwidth}{!}{\input{build/callout-fragment}}\caption{Callout}\end{figure}
\begin{figure*}[t]\resizebox{0.5\textwidth}{!}{\input{build/table-fragment}}\caption{Again}\end{figure*}
After the sheets.
\end{document}
""", engine)
    text = pdf_text(paper.with_suffix(".pdf"))
    assert text.count("Hallucination") == 2 and text.count("라벨러") == 1 and "Afterthesheets." in text


@pytest.mark.parametrize("engine", ENGINES)
def test_fragment_finds_its_pdf_beside_it_from_any_folder(papers, tmp_path, engine):
    """The paper in its own folder inputs fragments by a relative path, from a folder whose name and
    the sheet's have spaces, dots, an underscore and Hangul, and through LaTeX's \\input@path."""
    shutil.copytree(papers / "build", tmp_path / "build")
    paper = tmp_path / "paper" / "main.tex"
    odd = paper.parent / "figures" / "sheets v2"
    odd.mkdir(parents=True)
    stem = "my sheet_1.2 한글"
    shutil.copy(papers / "build" / "table.pdf", odd / f"{stem}.pdf")
    (odd / f"{stem}-fragment.tex").write_text(render_fragment(stem), encoding="utf-8")
    (paper.parent / "texsheet.sty").write_text(render_style(), encoding="utf-8")
    build_paper(paper, rf"""\documentclass{{article}}
\usepackage{{texsheet}}
\begin{{document}}
\resizebox{{\linewidth}}{{!}}{{\input{{../build/table-fragment}}}}

\resizebox{{\linewidth}}{{!}}{{\input{{figures/sheets v2/{stem}-fragment}}}}

\makeatletter\def\input@path{{{{../build/}}}}\makeatother
\resizebox{{\linewidth}}{{!}}{{\input{{table-fragment}}}}
\end{{document}}
""", engine)
    assert pdf_text(paper.with_suffix(".pdf")).count("Hallucination") == 3


@pytest.mark.parametrize("case, engine, message", [
    ("no style", "pdflatex", r"Put \usepackage{texsheet} in the preamble to place this sheet"),
    ("no pdf", "pdflatex", "Sheet build/gone.pdf not found"),
    ("dvi", "latex", "Cannot place build/table.pdf: this is not PDF output"),
    ("tikz", "pdflatex", "Option tikz needs XeLaTeX or LuaLaTeX"),
    ("tikz, no tikz file", "xelatex", "Sheet build/gone-tikz.tex not found"),
])
def test_a_paper_that_cannot_place_the_sheet_says_why(papers, tmp_path, case, engine, message):
    shutil.copytree(papers / "build", tmp_path / "build")
    shutil.copy(papers / "texsheet.sty", tmp_path)
    (tmp_path / "build" / "gone-fragment.tex").write_text(render_fragment("gone"), encoding="utf-8")
    fragment = "gone" if case in ("no pdf", "tikz, no tikz file") else "table"
    style = {"no style": "", "tikz": r"\usepackage[tikz]{texsheet}", "tikz, no tikz file": r"\usepackage[tikz]{texsheet}"}.get(
        case, r"\usepackage{texsheet}")
    paper = tmp_path / "paper.tex"
    paper.write_text(f"\\documentclass{{article}}\n{style}\n\\begin{{document}}\n\\input{{build/{fragment}-fragment}}\n"
                     "\\end{document}\n", encoding="utf-8")
    assert run_tex(engine, paper).returncode != 0
    log = paper.with_suffix(".log").read_text(errors="replace").replace("\n", "")  # undo TeX's line wrapping
    assert f"Package texsheet Error: {message}" in log


def test_fragment_and_style_are_small_and_load_only_graphicx():
    fragment = render_fragment("table")
    assert fragment.endswith("\n\\texsheetpicture{table}%\n")
    code = "\n".join(line for line in fragment.splitlines() if not line.startswith("%"))
    assert not re.search(r"\\(documentclass|RequirePackage|begin)\b|(?<!\\string)\\usepackage", code)
    style = render_style()
    loads = r"\\(?:RequirePackage|usepackage|PassOptionsToPackage)\s*(?:\[[^\]]*\])?\{([^}]*)\}"
    code = re.sub(r"(?<!\\)%.*", "", style)  # comments out
    tikz, plain = code.split("\n\\else\n", 1)  # the option tikz's packages, then the default's
    assert re.findall(loads, plain) == ["graphicx"]
    assert re.findall(loads, tikz) == ["xcolor", "graphicx", "tikz", "fontspec", "kotex"]
    commands = re.findall(r"\\newcommand\s*\\([\w@]+)", style)
    assert [name for name in commands if "@" not in name] == ["texsheetpicture"]


@pytest.mark.parametrize("stem, problem", [
    ("50%", "'%'"), ("a#b", "'#'"), ("a\\b", "'\\\\'"), ("a{b}", "'{'"), ("a^^41", "'^'"), ('say "hi"', "'\"'"),
    ("a\nb", "'\\n'"), ("a  b", "two spaces in a row"), (" a", "a space at its start or end"),
    ("", "its name is empty"),
])
def test_fragment_refuses_names_tex_cannot_read(stem, problem):
    with pytest.raises(TexsheetError, match="rename the content file") as error:
        render_fragment(stem)
    assert problem in str(error.value)


def readme_section(title: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


@pytest.fixture(scope="module")
def readme_paper(tmp_path_factory, tex_available) -> tuple[Path, list[str], str]:
    """A paper's folder in which the README's command ran as written: (folder, the README's LaTeX
    lines, the sheet's stem)."""
    section = readme_section("Sheets in papers")
    command = shlex.split(re.search(r"`texsheet (compile [^`]*--fragment[^`]*)`", section).group(1))
    snippet = re.search(r"```latex\n(.*?)```", section, re.S).group(1).splitlines()
    folder = tmp_path_factory.mktemp("readme")
    (sheet,) = [arg for arg in command if arg.endswith(".yaml")]
    shutil.copy(TABLE, folder / sheet)
    result = texsheet(*command, cwd=folder)
    assert result.returncode == 0, result.stderr
    assert (folder / "texsheet.sty").read_text(encoding="utf-8") == render_style()
    return folder, snippet, Path(sheet).stem


@pytest.mark.parametrize("engine", ENGINES)
def test_readme_snippet_works_as_written(readme_paper, engine):
    """The README's command, run in the paper's folder, and its lines in a paper: the paper finds
    texsheet.sty and the sheet with nothing copied."""
    folder, snippet, stem = readme_paper
    preamble = [line for line in snippet if r"\usepackage" in line]
    body = [line for line in snippet if line.strip() and line not in preamble]
    assert preamble and body and any(f"{stem}-fragment" in line for line in body)
    paper = folder / f"paper-{engine}.tex"
    build_paper(paper, "\n".join([r"\documentclass{article}", *preamble, r"\begin{document}", "Before the sheet.", "",
                                  *body, "", r"\end{document}", ""]), engine)
    assert pdf_text(paper.with_suffix(".pdf")).count("Hallucination") == len(body)
    assert "texsheet.sty" in files_read(paper.with_suffix(".pdf"))


TIKZ_PAPER = r"""\documentclass{article}
\usepackage[tikz]{texsheet}
\usepackage{fontspec}
\usepackage[dvipsnames,table]{xcolor}
\begin{document}
Before the sheets, \textcolor{ForestGreen}{green}.
%s
\clearpage
After the sheets: 한글, ``quoted'' word, it's (1) [2]. \textcolor{ForestGreen}{Green}.
\end{document}
"""


@pytest.mark.parametrize("engine", ["xelatex", "lualatex"])
def test_tikz_option_sets_the_sheets_tikz_in_the_paper(papers, engine):
    """[tikz]: the fragment inputs the sheet's TikZ, twice: its fonts are set in the paper and its PDF
    is not read; the sheet's fonts, colours and macros stay inside it (the next page is as without)."""
    sheets = twice(r"\noindent\resizebox{{\linewidth}}{{!}}{{{fragment}}}\par")
    with ThreadPoolExecutor(2) as pool:
        with_sheet, without = pool.map(lambda name, body: build_paper(papers / f"tikz-{engine}-{name}.tex", TIKZ_PAPER % body, engine),
                                       ["with", "without"], [sheets, ""])
    read = files_read(with_sheet)
    assert "table-tikz.tex" in read and "table.pdf" not in read
    assert "1f9c0.pdf" in read  # the sheet's icon, from build/texsheet-icons/
    assert pdf_text(with_sheet, 1, 1).count("Hallucination") == 2
    assert any(font.startswith("NanumBarunpen ") for font in fonts(with_sheet, 1))
    assert not any(font.startswith("NanumBarunpen ") for font in fonts(without, 1))
    assert differences(with_sheet, without, 2, first=2) == []
    shown = subprocess.run(["pdftotext", str(with_sheet), "-"], capture_output=True, text=True, check=True)
    assert shown.stderr == ""  # LuaTeX would write xdvipdfmx's "pdf:code" into the page as text


def test_tikz_of_a_sheet_is_its_own_declarations_and_picture_in_one_group(papers):
    document = (papers / "build" / "table.tex").read_text(encoding="utf-8")
    tikz = (papers / "build" / "table-tikz.tex").read_text(encoding="utf-8")
    assert tikz == render_tikz("table", document)
    code = [line for line in tikz.splitlines() if not line.startswith("%")]
    assert code[0] == r"\begingroup\endlinechar=-1 %" and code[-1] == r"\endgroup%"
    assert r"\setmainhangulfont{NanumBarunpen}" in tikz and r"\begin{tikzpicture}" in tikz
    assert not re.search(r"\\usepackage|\\documentclass|\\begin\{document\}", "\n".join(code))
    assert len(re.findall(r"\\XeTeX(?!revision)\w+", tikz)) == len(re.findall(r"\\ifdefined\\XeTeXrevision \\XeTeX\w+=\d+ \\fi", tikz)) > 0
    assert tikz.count(r"\special{pdf:code") == tikz.count(r"\else\special{pdf:code") > 0


def test_tikz_option_places_a_sheet_with_formulas_as_its_pdf(papers, tmp_path):
    """unicode-math loads only in a preamble: such a sheet's -tikz.tex places its PDF, and says so."""
    shutil.copy(papers / "texsheet.sty", tmp_path)
    outputs = compile_sheet(MATH, tmp_path / "build", dpi=30, fragment=True)
    assert r"\usepackage{amsmath}" in outputs.tex.read_text(encoding="utf-8")
    paper = tmp_path / "paper.tex"
    build_paper(paper, TIKZ_PAPER % twice(r"\noindent\resizebox{{\linewidth}}{{!}}{{{fragment}}}\par").replace("table", "math"),
                "xelatex")
    assert {"math-tikz.tex", "math.pdf"} <= files_read(paper.with_suffix(".pdf"))
    assert pdf_text(paper.with_suffix(".pdf"), 1, 1).count("oneblockofkindmath") == 2
    log = paper.with_suffix(".log").read_text(errors="replace").replace("\n", "")
    assert "Package texsheet Warning: math has formulas: placed as its PDF, not as TikZ" in log


@pytest.mark.parametrize("engine", ENGINES)
def test_placing_sheets_costs_little(papers, engine):
    """Medians of CPU seconds (not wall time, which a busy machine stretches) of one pass each."""
    paper = PAPERS["article"]
    with_sheet, without = papers / f"cost-{engine}-with.tex", papers / f"cost-{engine}-without.tex"
    with_sheet.write_text(paper.text(engine, True), encoding="utf-8")
    without.write_text(paper.text(engine, False), encoding="utf-8")
    seconds = {with_sheet: [], without: []}
    for trial in range(4):
        for tex in (without, with_sheet):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            assert run_tex(engine, tex).returncode == 0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if trial:  # the first round warms caches (LuaTeX's font names, the disk)
                seconds[tex].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    ratio = statistics.median(seconds[with_sheet]) / statistics.median(seconds[without])
    measured = (f"{engine}: paper {statistics.median(seconds[without]):.3f} s, with two sheets "
                f"{statistics.median(seconds[with_sheet]):.3f} s CPU, {ratio:.2f}x")
    print(measured)
    assert ratio < 1.5, measured


def test_tex_is_the_same_whatever_the_hash_seed(tmp_path, tex_available):
    sheet = ROOT / "content" / "llm-grand-summary.yaml"
    compile_sheet(sheet, tmp_path, dpi=30)  # measures the text once; the runs below reuse it
    renders = set()
    for seed in ("0", "1", "12345"):
        code = ("import sys; from pathlib import Path; from texsheet.build import drawing, pipeline; "
                "m = pipeline.this_machine(); source, sheet = pipeline.load_sheet(Path(sys.argv[1]), None, m); "
                "cache = Path(sys.argv[2]) / '.llm-grand-summary.measure.json'; "
                "sys.stdout.write(drawing.render_tex(source, sheet, m, cache))")
        result = subprocess.run([sys.executable, "-c", code, str(sheet), str(tmp_path)],
                                capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed}, check=True)
        renders.add(result.stdout)
    assert len(renders) == 1 and (tmp_path / "llm-grand-summary.tex").read_text(encoding="utf-8") in renders


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
