"""Real builds with the installed TeX: what a reader of the PDF and PNG sees."""
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from texsheet.build import engine as build
from texsheet.build.pipeline import compile_sheet
from texsheet.errors import ContentError

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHEET = ROOT / "content" / "llm-grand-summary.yaml"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def default_build(tmp_path_factory, tex_available):
    out = tmp_path_factory.mktemp("build")
    return compile_sheet(DEFAULT_SHEET, out, dpi=100)


def test_default_sheet_is_one_a4_page(default_build):
    info = subprocess.run(["pdfinfo", str(default_build.pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+1\n", info)
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert abs(width - 595.28) < 1 and abs(height - 841.89) < 1


@pytest.mark.parametrize(
    "phrase",
    [
        "NANO BANANA CHEAT SHEET: LLM 전체 요약",
        "3단계 학습 파이프라인",
        "Pre-training",
        "Supervised Fine-Tuning",
        "Reinforcement Learning",
        "인터넷 텍스트",
        "OpenAI 데이터 라벨러의 통계적 시뮬레이션",
        "Swiss Cheese Model",
        "\"strawberry\"에 'r'이 몇 개?",
        "9.11 vs 9.9",
        "Move 37",
        "Unverifiable 도메인",
        "Tool in Toolbox",
        "Trust but Verify",
        "신뢰하되 검증하라",
        "KEY TAKEAWAYS",
        "결과물은 항상 검증하라",
    ],
)
def test_default_sheet_shows_the_seed_text(default_build, phrase):
    text = subprocess.run(["pdftotext", str(default_build.pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert squash(phrase) in squash(text)


def test_default_sheet_png_matches_page_and_dpi(default_build):
    with Image.open(default_build.png) as image:
        assert image.size == (827, 1170)  # A4 at 100 dpi, rounded up by pdftoppm
        assert len(image.convert("RGB").resize((64, 90)).getcolors(64 * 90)) > 100  # a drawing, not a blank page


def test_default_sheet_embeds_handwriting_fonts(default_build):
    fonts = subprocess.run(["pdffonts", str(default_build.pdf)], capture_output=True, text=True, check=True).stdout
    assert "NanumPen" in fonts and "NanumBarunpen" in fonts


def test_default_tex_is_reproducible(default_build, tmp_path):
    again = compile_sheet(DEFAULT_SHEET, tmp_path, dpi=30)
    assert again.tex.read_bytes() == default_build.tex.read_bytes()


def test_cli_reports_content_errors_without_traceback(tmp_path, tex_available):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nrows:\n  - height: 1\n    panels:\n      - titel: y\n        blocks: []\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "texsheet", "compile", str(bad), "-o", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert f"{bad}:5:9: unknown key 'titel' in rows.0.panels.0; did you mean 'title'?" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "bad.pdf").exists()


def test_panel_that_cannot_fit_is_refused_with_its_line(tmp_path, tex_available):
    sheet = tmp_path / "full.yaml"
    items = "\n".join(f"              - \"{'긴 문장 ' * 60}\"" for _ in range(12))
    sheet.write_text(
        "title: x\nrows:\n  - height: 1\n    panels:\n      - title: Crowded\n        blocks:\n"
        f"          - kind: bullets\n            items:\n{items}\n"
        "  - height: 3\n    panels:\n      - title: Roomy\n        blocks:\n          - kind: text\n            text: ok\n",
        encoding="utf-8",
    )
    result = subprocess.run([sys.executable, "-m", "texsheet", "compile", str(sheet), "-o", str(tmp_path / "out")],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert re.search(rf"{re.escape(str(sheet))}:5:\d+: panel 'Crowded' does not fit: its text needs \d+ mm", result.stderr)
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "full.pdf").exists()


def test_new_writes_a_starter_that_builds_and_shows_every_block_kind(tmp_path, tex_available):
    from texsheet.model.sheet import BLOCK_KINDS

    result = subprocess.run([sys.executable, "-m", "texsheet", "new", "starter", "-d", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    starter = tmp_path / "starter.yaml"
    kinds = set(re.findall(r"kind: (\w+)", starter.read_text(encoding="utf-8")))
    assert kinds == set(BLOCK_KINDS)
    outputs = compile_sheet(starter, tmp_path, dpi=30)
    assert "Takeaways" in squash(subprocess.run(["pdftotext", str(outputs.pdf), "-"], capture_output=True, text=True).stdout)
    again = subprocess.run([sys.executable, "-m", "texsheet", "new", "starter", "-d", str(tmp_path)], capture_output=True, text=True)
    assert again.returncode == 1 and "not overwritten" in again.stderr


def test_crowded_panel_is_shrunk_with_every_word_shown(tmp_path, tex_available):
    sheet = tmp_path / "crowded.yaml"
    words = [f"word{n:03d}" for n in range(180)]
    items = "\n".join(f"              - \"{' '.join(words[i:i + 12])}\"" for i in range(0, len(words), 12))
    sheet.write_text(
        "title: x\ntheme:\n  font_size: 9.5\nrows:\n  - height: 1\n    panels:\n      - title: Crowded\n        blocks:\n"
        f"          - kind: bullets\n            items:\n{items}\n"
        "  - height: 3\n    panels:\n      - title: Roomy\n        blocks:\n          - kind: text\n            text: ok\n",
        encoding="utf-8",
    )
    outputs = compile_sheet(sheet, tmp_path / "out", dpi=30)
    tex = outputs.tex.read_text(encoding="utf-8")
    crowded = tex[tex.index("% ---- panel 'Crowded'"):tex.index("% ---- panel 'Roomy'")]
    roomy = tex[tex.index("% ---- panel 'Roomy'"):]
    crowded_sizes = {float(s) for s in re.findall(r"\\tstext\{[^}]*\}\{([\d.]+)\}\{text\}", crowded)}
    assert len(crowded_sizes) == 1 and 6.5 <= crowded_sizes.pop() < 9.5
    assert {float(s) for s in re.findall(r"\\tstext\{[^}]*\}\{([\d.]+)\}\{text\}", roomy)} == {9.5}
    text = squash(subprocess.run(["pdftotext", str(outputs.pdf), "-"], capture_output=True, text=True).stdout)
    assert all(word in text for word in words)
    info = subprocess.run(["pdfinfo", str(outputs.pdf)], capture_output=True, text=True).stdout
    assert re.search(r"Pages:\s+1\n", info)


def test_word_wider_than_its_column_is_quoted_with_its_place(tmp_path, tex_available):
    sheet = tmp_path / "wide.yaml"
    sheet.write_text(
        "title: x\ntheme:\n  min_font_size: 12\n  font_size: 12\nrows:\n  - height: 1\n    panels:\n"
        "      - title: N\n        width: 0.1\n        blocks:\n"
        "          - kind: bullets\n            items: [ok, WWWWWWWWWWWWWWWWW]\n"
        "      - title: Wide\n        blocks:\n          - kind: text\n            text: fine\n",
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as error:
        compile_sheet(sheet, tmp_path / "out", dpi=30)
    problem = error.value.problems[0]
    assert (problem.line, problem.column) == (12, 25)
    assert "the word 'WWWWWWWWWWWWWWWWW' is wider than its column" in problem.message


def test_the_final_tex_holds_no_trial_typesetting(default_build):
    tex = default_build.tex.read_text(encoding="utf-8")
    assert "\\sbox" not in tex and "\\setbox" not in tex and "\\loop" not in tex


def test_the_tex_reads_as_the_design_card_has_it(default_build):
    """Hand-drawn lines are TikZ paths that random steps (decorations.pathmorphing) wobble, each
    seeded; Korean goes through kotex; text is written as typed, a line in one piece."""
    tex = default_build.tex.read_text(encoding="utf-8")
    assert "\\usetikzlibrary{arrows.meta,decorations.pathmorphing}" in tex and "\\usepackage{kotex}" in tex
    assert "decoration={random steps," in tex and "\\pgfmathsetseed" in tex
    assert "\\setmainhangulfont{NanumBarunpen}" in tex and "\\setsanshangulfont{Nanum Pen Script}" in tex
    drawn = re.findall(r"^\\(?:draw|filldraw)\[ts (?:frame|box|line|arrow|mark|tick)\b.*;$", tex, re.M)
    assert len(drawn) > 50 and all(re.match(r"[^\]]*\[ts [a-z]+(?:=[\d.]+pt)?,ts seed=\d+[,\]]", line) for line in drawn)
    assert not re.search(r"(\) -- \(.*){6}", tex)  # no path is a list of points
    assert "\\hbox" not in tex and "\\kern" not in tex
    assert len(tex.encode()) < 40_000
    # Short phrases that sit on one line of the page are in the .tex as typed.
    for phrase in ["입력: 인터넷 전체 텍스트 데이터", "Hallucination (환각)", "토큰당 고정된 계산량 (\\textbf{Finite Compute per Token})",
                   "\"strawberry\"에 'r'이 몇 개?", "9.11 vs 9.9 중 뭐가 큰지?", "NANO BANANA CHEAT SHEET: LLM 전체 요약 (Grand Summary)"]:
        assert phrase in tex, phrase


def test_an_edit_measures_only_the_text_it_brings(tmp_path, tex_available, monkeypatch):
    from texsheet.tex import render

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    sheet = tmp_path / "sheet.yaml"
    sheet.write_text(DEFAULT_SHEET.read_text(encoding="utf-8"), encoding="utf-8")
    compile_sheet(sheet, tmp_path / "out", dpi=30)
    measured = []
    real = render.render_measuring

    def counting(preamble, segments):
        measured.append(len(segments))
        return real(preamble, segments)

    monkeypatch.setattr("texsheet.build.pipeline.render_measuring", counting)
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("지식 습득 (", "지식 획득 ("), encoding="utf-8")
    compile_sheet(sheet, tmp_path / "out", dpi=30)
    assert measured and 1 <= measured[0] <= 3
    compile_sheet(sheet, tmp_path / "out", dpi=30, force=True)
    assert len(measured) == 1  # nothing new: no measuring at all
    # Another sheet in the same fonts, in another folder, measures only the words no sheet had.
    other = tmp_path / "other.yaml"
    other.write_text(sheet.read_text(encoding="utf-8").replace("지식 획득 (", "지식 체득 ("), encoding="utf-8")
    compile_sheet(other, tmp_path / "elsewhere", dpi=30)
    assert len(measured) == 2 and 1 <= measured[1] <= 3


def test_texsheets_build_and_the_tex_built_by_hand_give_the_same_pixels(default_build, tmp_path):
    """The .tex texsheet publishes is the sheet: built by hand with latexmk and the project's
    latexmkrc, beside its icons and with no preloaded format, it draws what texsheet drew."""
    import shutil

    shutil.copy(default_build.tex, tmp_path)
    shutil.copytree(default_build.tex.parent / "texsheet-icons", tmp_path / "texsheet-icons")
    done = subprocess.run(["latexmk", "-r", str(ROOT / "latexmkrc"), default_build.tex.name],
                          cwd=tmp_path, capture_output=True, stdin=subprocess.DEVNULL, timeout=300)
    assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
    hand = tmp_path / default_build.png.name
    build.rasterize(tmp_path / default_build.pdf.name, hand, 100)
    with Image.open(hand) as alone, Image.open(default_build.png) as ours:
        assert alone.convert("RGB").tobytes() == ours.convert("RGB").tobytes()


@pytest.mark.parametrize("measured_before", [True, False], ids=["drawn-from-kept-measurements", "measured-and-drawn"])
def test_tex_error_names_the_block_it_came_from_and_a_log_that_still_exists(tmp_path, tex_available, monkeypatch, measured_before):
    from texsheet.build import drawing
    from texsheet.errors import BuildError

    sheet = ROOT / "tests" / "sheets" / "text.yaml"
    out = tmp_path / "out"
    good = compile_sheet(sheet, out, dpi=30)
    before = good.pdf.read_bytes()
    if not measured_before:  # nothing kept, for this sheet or any other
        (out / ".text.measure.json").unlink()
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "fresh-cache"))
    real = drawing.render_picture

    def broken(*args):  # a TeX error inside the picture, under the comment that names its block
        return real(*args).replace("% text (text.yaml:12)\n", "% text (text.yaml:12)\n\\undefinedmacro\n")

    monkeypatch.setattr(drawing, "render_picture", broken)
    with pytest.raises(BuildError) as error:
        compile_sheet(sheet, out, dpi=30, force=True)
    message = str(error.value)
    assert message.startswith("text.yaml:12: TeX error: Undefined control sequence.")
    log = re.search(r"\(full log: (.+)\)", message).group(1)
    assert Path(log) == out / "text.log" and Path(log).exists()
    assert good.pdf.read_bytes() == before


# ----------------------------------------------------------------------------- sheets nobody tuned

UNTUNED = ROOT / "tests" / "sheets" / "untuned"
SPARSE = "empty with its text at the largest size"  # what a small test sheet is warned of, besides what a test looks for


@pytest.mark.parametrize("name, most_empty", [
    ("data-structures-dense", 0.12),
    # Set in Comic Neue, narrower than the pen font's Latin was, its text is as large as its
    # fullest row allows; the short last row keeps its air.
    ("git-letter-landscape", 0.33),
    # Eleven short phrases: the text has reached the theme's max_font_size, and the room
    # left is what a page this sparse has.
    ("tokenization-sparse", 0.31),
])
def test_a_sheet_written_without_heights_or_sizes_fills_its_page(tmp_path, tex_available, name, most_empty):
    from pages import empty_share

    built = compile_sheet(UNTUNED / f"{name}.yaml", tmp_path, dpi=30)
    assert empty_share(built.pdf) <= most_empty


@pytest.mark.parametrize("name", ["general-chemistry", "jlpt-n5-ko-ja", "spanish-for-korean", "sql-queries"])
def test_a_sheet_written_without_heights_has_no_large_blank_area(tmp_path, tex_available, name):
    """Spare height goes to larger text first, then to air: no blank band of a twelfth of the page."""
    from pages import largest_hole

    built = compile_sheet(UNTUNED / f"{name}.yaml", tmp_path, dpi=30)
    assert largest_hole(built.pdf) < 0.08


CORPUS = sorted((ROOT / "content").glob("*.yaml")) + sorted(UNTUNED.glob("*.yaml")) + sorted((ROOT / "tests" / "notes").glob("*.md"))


@pytest.mark.parametrize("path", CORPUS, ids=lambda path: path.name)
def test_no_panel_is_a_third_blank_while_text_on_its_page_is_at_the_smallest_size(tex_available, path):
    """Room goes to text before gaps: on every sheet of the repository (notes on as many pages as
    they need), the layout leaves no panel a third blank beside text at min_font_size, which
    the build would warn of."""
    from texsheet.build.pipeline import check_layout, load_sheet, this_machine

    source, sheet = load_sheet(path, machine=this_machine(), pages="auto" if path.suffix == ".md" else None)
    check_layout(source, sheet)
    assert not [w.message for w in source.warnings if "blank while text" in w.message]


def test_a_row_given_more_height_than_its_panel_needs_is_warned_of_when_text_is_at_the_smallest(tmp_path, tex_available):
    """A row given three times the height of one that must then set its text at 6.5 pt: the
    roomy panel is nearly all blank, and the build says so at its place."""
    import texsheet

    crowded = "A long paragraph that must be set small because its row was given a small share of the page. " * 12
    sheet = tmp_path / "shares.yaml"
    sheet.write_text(f"""title: Given heights
rows:
  - height: 3
    panels:
      - title: Roomy
        blocks:
          - kind: bullets
            items: ["one short point", "another"]
  - height: 0.45
    panels:
      - title: Crowded
        blocks:
          - kind: text
            text: "{crowded.strip()}"
""", encoding="utf-8")
    result = texsheet.compile(sheet, tmp_path / "out")
    (warning,) = result.warnings
    assert (warning.line, warning.column) == (5, 9)
    assert re.fullmatch(r"panel 'Roomy' is 9\d% blank while text on its page is set at the smallest size, 6.5 pt: "
                        r"give its row less height \(now 3\)", warning.message)


def test_a_page_too_empty_for_its_content_is_warned_of_with_what_would_fill_it(tex_available):
    """Eleven short lines at the largest size still leave a quarter of the page empty: the
    sheet is told so at its title, with what would fill it; a sheet with text enough is not."""
    from texsheet import api

    (warning,) = api.check(UNTUNED / "tokenization-sparse.yaml").warnings
    assert (warning.line, warning.column) == (1, 1)
    assert re.fullmatch(r"the page is 2\d% empty with its text at the largest size, 24 pt: more content, a larger "
                        r"theme.max_font_size \(up to 30\), or a smaller page \(page: size: a5\) would fill it", warning.message)
    assert api.check(UNTUNED / "general-chemistry.yaml").warnings == []


@pytest.mark.parametrize("sheet, least", [(ROOT / "content" / "python-idioms-reference.yaml", 6.0),
                                          (UNTUNED / "sql-queries.yaml", 6.5)])
def test_code_in_the_pdf_is_never_below_min_font_size(tmp_path, tex_available, sheet, least):
    """Long code lines on a page set small: the code font's size, read from the PDF, stays at the
    theme's min_font_size (the code font is loaded unscaled; 0.05 pt is the PDF's rounding)."""
    import pdfplumber

    built = compile_sheet(sheet, tmp_path, dpi=30)
    with pdfplumber.open(built.pdf) as pdf:
        code = [c["size"] for c in pdf.pages[0].chars if "D2Coding" in c["fontname"] and c["text"].strip()]
    assert code and min(code) >= least - 0.05


def test_a_markdown_note_builds_every_word_on_a_balanced_page(tmp_path, tex_available):
    from pages import empty_share, words

    note = ROOT / "tests" / "notes" / "binary-search.md"
    built = compile_sheet(note, tmp_path, dpi=30)
    on_page = squash(" ".join(w for *_, w in words(built.pdf)[1]))
    prose = re.sub(r"```.*?```|\$\$.*?\$\$|\$[^$]*\$|^---.*?---", " ", note.read_text(encoding="utf-8"), flags=re.S | re.M)
    typed = [w for w in re.findall(r"[A-Za-z가-힣_]{3,}", prose) if w not in ("title", "subtitle")]
    assert [w for w in typed if w not in on_page] == []
    code = re.search(r"```python\n(.*?)```", note.read_text(encoding="utf-8"), re.S).group(1)
    assert all(squash(line) in on_page for line in code.splitlines())  # no line of code broken
    assert empty_share(built.pdf) <= 0.25


def test_an_arrow_chain_in_a_note_is_drawn_left_to_right(tmp_path, tex_available):
    from pages import words

    note = tmp_path / "chain.md"
    note.write_text("# Training\n## Loop\nLoss → gradient → update → repeat\n\n- the rate sets the step\n", encoding="utf-8")
    built = compile_sheet(note, tmp_path / "out", dpi=30)
    steps = {w: (x0, y0, y1) for x0, y0, _, y1, w in words(built.pdf)[1] if w in ("Loss", "gradient", "update", "repeat")}
    xs = [steps[w][0] for w in ("Loss", "gradient", "update", "repeat")]
    assert xs == sorted(xs) and len(set(xs)) == 4
    assert max(y0 for _, y0, _ in steps.values()) < min(y1 for _, _, y1 in steps.values())  # on one line


def test_a_tldr_page_has_its_description_on_top_and_no_panel_title_of_the_importers(tmp_path, tex_available):
    from pages import words

    built = compile_sheet(ROOT / "tests" / "notes" / "tldr-grep.md", tmp_path, dpi=30)
    found = words(built.pdf)[1]
    top = {w: y0 for _, y0, _, _, w in found}
    assert "Overview" not in top
    assert top["Find"] < top["More"] < min(y0 for _, y0, _, _, w in found if w == "Search")  # subtitle, then the intro's rest


# ----------------------------------------------------------------------------- the preloaded format


def test_the_preamble_format_is_made_once_and_kept(tmp_path, tex_available, monkeypatch):
    from texsheet.build import engine as build
    from texsheet.text.machine import probe_machine
    from texsheet.tex.render import format_ini, render_format_head

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    compile_sheet(ROOT / "tests" / "sheets" / "text.yaml", tmp_path / "a", dpi=30)
    (fmt,) = (tmp_path / "cache" / "texsheet" / "formats").glob("*.fmt")
    made = fmt.stat().st_mtime_ns
    compile_sheet(ROOT / "tests" / "sheets" / "callout.yaml", tmp_path / "b", dpi=30)
    assert fmt.stat().st_mtime_ns == made
    identity = probe_machine().tex_inputs
    assert build.preloaded_format(render_format_head(), format_ini(), identity, fmt.parent) == fmt
    other = build.preloaded_format(render_format_head() + "% another head\n", format_ini(), identity, fmt.parent)
    assert other is not None and other != fmt


def test_a_format_that_cannot_be_made_or_read_leaves_a_plain_run(tmp_path, tex_available, monkeypatch):
    from texsheet.build import engine as build

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "formats"
    assert build.preloaded_format("\\documentclass{standalone}\n\\usepackage{no-such-package}\n", "\\input mylatexformat.ltx\n",
                                  "id", folder) is None
    assert len(list(folder.glob("*.failed"))) == 1
    sheet = ROOT / "tests" / "sheets" / "text.yaml"
    compile_sheet(sheet, tmp_path / "a", dpi=30)
    (fmt,) = (tmp_path / "cache" / "texsheet" / "formats").glob("*.fmt")
    fmt.write_bytes(b"not a format")
    built = compile_sheet(sheet, tmp_path / "b", dpi=30, force=True)
    assert built.pdf.exists() and not fmt.exists() and fmt.with_suffix(".failed").exists()


# ----------------------------------------------------------------------------- every script, code, formulas


def test_every_script_code_and_formulas_print_as_typed(tmp_path, tex_available):
    from pages import words

    built = compile_sheet(ROOT / "tests" / "sheets" / "reach" / "world.yaml", tmp_path, dpi=30)
    text = squash(subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(built.pdf), "-"], capture_output=True, text=True, check=True).stdout)
    for typed in ["Français : « déjà vu », naïve, cœur, Ça", "Čeština: příliš žluťoučký kůň", "zażółć gęślą jaźń",
                  "Tiếng Việt: Xin chào, cảm ơn, Nguyễn", "Ελληνικά: αβγ ΔΕΖ, λόγος", "Привет, мир", "їжак",
                  "ひらがな、カタカナ、漢字。「引用」も読める。", "机器学习与数据", "機器學習與資料",
                  "→ ⇒ ≤ ≥ ≠ ± × ÷ ∑ ∞ ° µ ™ © € £ ¥ ½ x² H₂O ℝ 𝔼", r"C:\Users\me\AppData\Local",
                  r"regex ^\d{3}-\w+\s*$ and [A-Za-z_]\w*", r'git commit -m "fix: a \ b"', "a`b",
                  '"""Average; 빈 리스트는 오류."""', 'raise ValueError("empty")', "prices $5 and $10 stay text."]:
        assert squash(typed) in text, typed
    assert "\\frac" not in text and "\\sum" not in text and "\\pi" not in text  # formulas set, not printed
    # The Nanum pen fonts draw a won sign for the backslash: no backslash is set in them.
    from texsheet.build.drawing import Drawing
    from texsheet.build.pipeline import load_sheet, this_machine

    drawing = Drawing(*load_sheet(ROOT / "tests" / "sheets" / "reach" / "world.yaml"), this_machine())
    backslashes = [s for s in drawing.segments if "\\textbackslash" in s.text]
    assert backslashes and not any("Nanum" in s.face for s in backslashes)
    fonts = subprocess.run(["pdffonts", str(built.pdf)], capture_output=True, text=True, check=True).stdout
    assert "DejaVuMathTeXGyre" in fonts and "D2Coding" in fonts
    starts = {w: x for x, _, _, _, w in words(built.pdf)[1] if w in ("def", "if", "raise", "return")}
    assert starts["def"] < starts["if"] == starts["return"] < starts["raise"]  # indentation kept


def test_compiling_a_note_says_what_its_import_guessed(tmp_path, tex_available):
    note = tmp_path / "links.md"
    note.write_text("# Links\n## Read\n- see [the docs](https://example.org) first\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "texsheet", "compile", str(note), "-o", str(tmp_path / "out"), "--dpi", "30"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    sparse, guess = [line.strip() for line in done.stdout.splitlines() if line.startswith("  ")]
    assert guess.startswith(f"{note}:3: ") and "https://example.org" in guess  # the note itself, at its line
    assert sparse.startswith(f"{note}:1:3: warning: the page is ")  # one line of text on a page, told at the title
    checked = subprocess.run([sys.executable, "-m", "texsheet", "validate", str(note)], capture_output=True, text=True)
    assert checked.stdout.splitlines() == [sparse, guess, f"{note}: ok"]


def test_a_note_losing_words_builds_but_fails_validate_naming_each_place(tmp_path, tex_available):
    note = tmp_path / "logos.md"
    note.write_text("# Logos\n## Tools\n- Anki is a flashcard app\n- see [the site](https://apps.ankiweb.net)\n\n"
                    '<p align="center"><img src="anki.png" alt="Anki logo"></p>\n\n<img src="spacer.gif">\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "texsheet", "compile", str(note), "-o", str(tmp_path / "out"), "--dpi", "30"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    shown = [line.strip() for line in done.stdout.splitlines() if line.startswith("  ") and SPARSE not in line]
    assert shown[0] == f'{note}:6: words lost: <img alt="Anki logo"> in HTML was dropped (texsheet draws no images from notes)'
    checked = subprocess.run([sys.executable, "-m", "texsheet", "validate", str(note)], capture_output=True, text=True)
    assert checked.returncode == 1 and f"{note}: ok" not in checked.stdout
    listed = [line for line in checked.stdout.splitlines() if SPARSE not in line]
    assert listed[0] == shown[0] and sum("words lost" in line for line in listed) == 1  # the URL and the spacer are only noted
    assert any(line.startswith(f"{note}:4: a link keeps its text") for line in listed)
    assert "do not reach the page at 1 place " in checked.stderr


NOTE_DROPPED = {  # words of the source the import drops on purpose (and notes): badges, contents, anchors, images
    "awesome-nested.md": {"Contents", "Build", "License", "Back", "top", "logo", "anki", "png", "center", "name", "editors"},
    "devhints-tmux.md": {"category", "CLI", "layout", "sheet", "updated", "weight", "github", "com", "column", "shortcuts",
                         "setup", "wrap", "intro", "title", "three", "two"},
}


@pytest.mark.parametrize("name", ["devhints-tmux.md", "ko-os-process.md", "tldr-grep.md", "awesome-nested.md"])
def test_every_word_of_a_real_shaped_note_reaches_the_page_and_none_of_its_syntax(tmp_path, tex_available, name):
    note = ROOT / "tests" / "notes" / name
    built = compile_sheet(note, tmp_path, dpi=30)
    page = subprocess.run(["pdftotext", "-enc", "UTF-8", str(built.pdf), "-"], capture_output=True, text=True, check=True).stdout
    on_page = squash(page)
    source = note.read_text(encoding="utf-8")
    source = re.sub(r"<[^>]*>", " ", source)  # tag names and attributes are not words of the note
    source = re.sub(r"\]\([^)]*\)|^```\w+", "] ", source, flags=re.M)  # nor are link targets and fence languages
    typed = re.findall(r"[A-Za-z가-힣]{3,}", source.replace("mdash", ""))
    missing = {w for w in typed if w not in on_page} - NOTE_DROPPED.get(name, set()) - {"kbd", "rocket", "gear", "books", "pencil", "green", "book"}
    assert not missing
    page = page.replace("{: .-not-an-attribute-inside-code}", "")  # inside code it is code, kept as typed
    for syntax in ("<br", "</", "{:", ":rocket:", ":gear:", ":books:", ":green_book:", "| ---", "|---", "**", "=="):
        assert syntax not in page, syntax


def test_a_fallback_sign_right_after_hangul_is_drawn_in_the_fallback(tmp_path, tex_available):
    from texsheet.build.pipeline import LATEXMKRC

    sheet = tmp_path / "signs.yaml"
    sheet.write_text("title: Signs\nrows:\n  - panels:\n      - title: Rule\n        blocks:\n"
                     "          - kind: text\n            text: '영어 1 토큰 ≈ 4 글자 ≈ 0.75 단어'\n", encoding="utf-8")
    built = compile_sheet(sheet, tmp_path / "out", dpi=30)
    # After Hangul, kotex set the next character in the Latin font it had left (Comic Neue,
    # which has no ≈): a box on the page, said only in TeX's log (pgf keeps lost characters
    # from being errors inside a picture).
    by_hand = tmp_path / "by-hand"
    by_hand.mkdir()
    tex = by_hand / built.tex.name
    tex.write_text(built.tex.read_text(encoding="utf-8"), encoding="utf-8")
    build.run_latexmk(tex, LATEXMKRC, timeout=120)
    assert "Missing character" not in tex.with_suffix(".log").read_text(encoding="utf-8", errors="replace")


def test_every_sub_and_superscript_is_drawn_in_one_font_and_the_letters_beside_them_in_the_hand(tmp_path, tex_available):
    """H₂O, Cr₂O₇²⁻ and 10²³ mol⁻¹ drew their scripts in three fonts (the hand's ²³, the Hangul
    pen's ₂ ¹ ⁻, LXGW WenKai's ₇), each at its own size and spacing: mol⁻ ¹ had a gap. Read
    from the PDF, they are now in one font, and the letters and digits in the Latin hand."""
    import pdfplumber

    sheet = tmp_path / "chemistry.yaml"
    sheet.write_text("title: Scripts\nrows:\n  - panels:\n      - title: Ions\n        blocks:\n"
                     "          - kind: text\n            text: 'H₂O, Cr₂O₇²⁻ and 10²³ mol⁻¹ 물'\n", encoding="utf-8")
    built = compile_sheet(sheet, tmp_path / "out", dpi=30)
    with pdfplumber.open(built.pdf) as pdf:
        chars = [(c["text"], c["fontname"].split("+")[-1]) for c in pdf.pages[0].chars if c["top"] > 100]
    scripts = {font for text, font in chars if text in "₂₇²³⁻¹"}
    assert len([text for text, _ in chars if text in "₂₇²³⁻¹"]) == 9 and len(scripts) == 1
    assert all(font.startswith("ComicNeue") for text, font in chars if text in "HCrOmol")  # the hand (bold in titles)


def test_an_emoji_twemoji_lacks_builds_drawn_in_a_font_or_a_box_and_is_warned_of_at_its_place(tmp_path, tex_available):
    sheet = tmp_path / "hats.yaml"
    sheet.write_text("title: Hats\npanels:\n  - title: Dinosaurs\n    blocks:\n      - kind: bullets\n        items:\n"
                     "          - 'a T. rex in a hat: \U0001f996\u200d\U0001f3a9'\n"
                     "          - {text: 'a shaking face', icon: \U0001fae8}\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "texsheet", "compile", str(sheet), "-o", str(tmp_path / "out"), "--dpi", "30"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    warned = [line.strip() for line in done.stdout.splitlines() if line.startswith("  ") and SPARSE not in line]
    assert warned == [f"{sheet}:7:33: warning: panels.0.blocks.0.items.0.text: emoji \U0001f996\u200d\U0001f3a9 (U+1F996-200D-1F3A9) "
                      "has no Twemoji icon; drawn in Symbola instead",
                      f"{sheet}:8:44: warning: panels.0.blocks.0.items.1.icon: emoji \U0001fae8 (U+1FAE8) has no Twemoji icon; "
                      "drawn as a box with a question mark (no installed font draws it)"]
    checked = subprocess.run([sys.executable, "-m", "texsheet", "validate", str(sheet)], capture_output=True, text=True)
    assert checked.returncode == 0 and [line for line in checked.stdout.splitlines() if SPARSE not in line] == [*warned, f"{sheet}: ok"]
    page = squash(subprocess.run(["pdftotext", "-enc", "UTF-8", str(tmp_path / "out" / "hats.pdf"), "-"],
                                 capture_output=True, text=True, check=True).stdout)
    assert "hat:\U0001f996\U0001f3a9" in page and "?ashakingface" in page  # the parts in Symbola; the box's question mark
    tex = (tmp_path / "out" / "hats.tex").read_text(encoding="utf-8")
    assert "\\tsbodySymbola{\U0001f996\U0001f3a9}" in tex and "\\tsnoicon{1fae8}" in tex
