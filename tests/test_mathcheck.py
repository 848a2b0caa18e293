"""The formula checker: what it refuses (and where), what it lets through, and that everything it
lets through typesets with the recommended math setup under the real XeLaTeX."""
from __future__ import annotations

import os
import random
import re
import shutil
import string
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from texsheet.text.mathcheck import (
    ASCII_ALNUM,
    ASCII_LETTERS,
    ASCII_MATH,
    ASCII_NAME,
    COMMANDS,
    DELIMITER_CHARACTERS,
    DELIMITER_COMMANDS,
    ENVIRONMENTS,
    LIMITS,
    MAX_ENVIRONMENT_DEPTH,
    MAX_FORMULA_LENGTH,
    MAX_GROUP_DEPTH,
    MATRIX_COLUMNS,
    RELATIONS,
    SPACING,
    TEXT_COMMANDS,
    WORD_COMMANDS,
    Arg,
    Command,
    MathProblem,
    check_math,
    math_characters,
)

# The math setup recommended in /tmp/reports/math.md, with texsheet's body-font lines. When the
# setup moves into tex_templates, build this preamble from the real templates instead.
MATH_PREAMBLE = r"""
\usepackage{amsmath}
\usepackage[mathsf=sym,mathtt=sym]{unicode-math}
\makeatletter
\fontsize{1}{1}\selectfont
\setmathfont{DejaVu Math TeX Gyre}[Scale=0.842]
\setmathfont{NanumBarunpen}[range={up/{latin,Latin,num,greek,Greek}}]
\setmathfont{NanumBarunpen}[range={it/{latin,Latin,greek}->up},FakeSlant=0.12]
\normalsize
\AtBeginDocument{\let\epsilon\varepsilon}
\setmathrm{NanumBarunpen}[Ligatures=TeXOff,ItalicFeatures={FakeSlant=0.12}]
\setboldmathrm{NanumBarunpen}[Ligatures=TeXOff,UprightFont=NanumBarunpen Bold,BoldFont=NanumBarunpen Bold,
  ItalicFont=NanumBarunpen Bold,ItalicFeatures={FakeSlant=0.12},BoldItalicFont=NanumBarunpen Bold,
  BoldItalicFeatures={FakeSlant=0.12}]
\@for\ts@size:={1,5,6,7,8,9,10,10.95,12,14.4,17.28,20.74,24.88}\do{%
  \expandafter\let\csname S@\ts@size\endcsname\relax}
\def\defaultscriptratio{0.8}
\def\defaultscriptscriptratio{0.65}
\newcommand\tsmathsizes{\scriptspace=0.05em\relax\nulldelimiterspace=0.12em\relax
  \delimitershortfall=0.5em\relax\arraycolsep=0.5em\relax\jot=0.3em\relax}
\everymath\expandafter{\the\everymath\tsmathsizes}
\everydisplay\expandafter{\the\everydisplay\tsmathsizes}
\makeatother
"""

DOCUMENT_HEAD = r"""\documentclass{article}
\usepackage[a4paper,margin=10mm]{geometry}
\usepackage{fontspec}
\usepackage{kotex}
""" + MATH_PREAMBLE + r"""
\setfontfamily\tsbodylatin{NanumBarunpen}[Ligatures=TeXOff]
\newhangulfontfamily\tsbodyhangul{NanumBarunpen}[Ligatures=TeXOff]
\pagestyle{empty}
\begin{document}
\tsbodylatin\tsbodyhangul\fontsize{9}{11.7}\selectfont
\tracinglostchars=3
\XeTeXgenerateactualtext=1
"""

TYPICAL = [
    r"\mathrm{softmax}(z)_i = \frac{e^{z_i}}{\sum_{j=1}^{K} e^{z_j}}",
    r"\mathrm{Attention}(Q,K,V) = \mathrm{softmax}\left(\frac{QK^\top}{\sqrt{d_k}}\right)V",
    r"\mathcal{L}_{\mathrm{CE}} = -\sum_{i=1}^{N} y_i \log \hat{y}_i",
    r"\nabla_\theta J(\theta) = \mathbb{E}_{\tau\sim\pi_\theta}\left[\sum_{t} \nabla_\theta \log \pi_\theta(a_t \mid s_t)\, R(\tau)\right]",
    r"W = \begin{pmatrix} w_{11} & w_{12} \\ w_{21} & w_{22} \end{pmatrix},\quad \|x\|_2 = \sqrt{\sum_i x_i^2}",
    r"\mathrm{ReLU}(x) = \begin{cases} x & \text{if } x > 0 \\ 0 & \text{그 외} \end{cases}",
    r"\begin{aligned} m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\ v_t &= \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \end{aligned}",
    r"D_{\mathrm{KL}}(P\,\|\,Q) = \sum_x P(x)\log\frac{P(x)}{Q(x)}",
    r"\hat\theta = \operatorname*{arg\,max}_\theta \prod_{i} p_\theta(x_i)",
    r"f'(x) = \lim_{h\to 0}\frac{f(x+h)-f(x)}{h}",
    r"\mathbf{W}\boldsymbol{x} + \mathbf{b},\ \boldsymbol{\epsilon} \sim \mathcal{N}(0, \sigma^2 I)",
    r"x \in \mathbb{R}^{d},\ \bar{x} = \tfrac{1}{n}\textstyle\sum_i x_i",
    "α ≤ β → ∞,\\ θ ∈ ℝ, ϕ ≠ φ",
    r"\text{손실} = \text{정답} - \text{예측}",
]
INLINE_ONLY_IN_DISPLAY = ("aligned", "gathered")

HOSTILE = [
    (r"\input{/etc/passwd}", 0, r"\input"),
    (r"\include{secret}", 0, r"\include"),
    (r"\def\x{\x}\x", 0, r"\def"),
    (r"\let\frac\input", 0, r"\let"),
    (r"\edef\x{y}", 0, r"\edef"),
    (r"\gdef\x{y}", 0, r"\gdef"),
    (r"\write18{rm -rf /}", 0, r"\write"),
    (r"\immediate\write18{ls}", 0, r"\immediate"),
    (r"\openin5=/etc/passwd", 0, r"\openin"),
    (r"\openout5=x.tex", 0, r"\openout"),
    (r"\read5 to \x", 0, r"\read"),
    ("\\catcode`\\^^5c=12", 0, r"\catcode"),
    ("^^5c", 0, "^^"),
    ("x^^5cinput", 1, "^^"),
    (r"\directlua{os.exit()}", 0, r"\directlua"),
    (r"\special{pdf:code}", 0, r"\special"),
    (r"\end{document}", 0, r"\end{document}"),
    (r"\begin{document}", 0, r"\begin{document}"),
    (r"\usepackage{shellesc}", 0, r"\usepackage"),
    (r"\makeatletter", 0, r"\makeatletter"),
    (r"\newcommand{\x}{y}", 0, r"\newcommand"),
    (r"\renewcommand{\frac}{y}", 0, r"\renewcommand"),
    (r"\futurelet\x\y", 0, r"\futurelet"),
    (r"\csname input\endcsname", 0, r"\csname"),
    (r"\expandafter\x", 0, r"\expandafter"),
    (r"\uppercase{x}", 0, r"\uppercase"),
    (r"\lowercase{x}", 0, r"\lowercase"),
    (r"\jobname", 0, r"\jobname"),
    (r"\input@path", 0, r"\input@path"),
    (r"a + \@gobble x", 4, r"\@gobble"),
    ("a + b}", 5, "}"),
    ("{a + b", 0, "{"),
    (r"\begin{verbatim}x\end{verbatim}", 0, r"\begin{verbatim}"),
    (r"\begin{pmatrix} a \end{bmatrix}", 18, r"\end{bmatrix}"),
    (r"x + \text{\input{/etc/passwd}}", 10, r"\input"),
    (r"\mathrm{\input x}", 8, r"\input"),
    (r"\operatorname{\def}", 14, r"\def"),
    (r"\sqrt[\input x]{y}", 6, r"\input"),
    (r"\left\input x \right)", 0, r"\left"),
    (r"\frac{a}{b} $ \input x $", 12, "$"),
    ("a % comment", 2, "%"),
    ("a # b", 2, "#"),
    ("a \x00 b", 2, "U+0000"),
    ("a \x1b b", 2, "U+001B"),
    ("a \x7f b", 2, "U+007F"),
    ("a \u202e b", 2, "U+202E"),
    ("a & b", 2, "&"),
    (r"a \\ b", 2, r"\\"),
    (r"\left( x", 0, r"\left"),
    (r"x \right)", 2, r"\right"),
    (r"x^a^b", 3, "double superscript"),
    (r"x_{최대}", 3, "\\text"),
]


def compile_document(body_lines: list[str], folder: Path) -> tuple[int, str, Path]:
    """Typeset body_lines (one per source line) with the real XeLaTeX; (exit code, log, tex)."""
    if shutil.which("xelatex") is None:
        pytest.fail("xelatex is missing: install TeX Live as the README's first command does")
    tex = folder / "formulas.tex"
    tex.write_text(DOCUMENT_HEAD + "\n".join(body_lines) + "\n\\end{document}\n", encoding="utf-8")
    env = dict(os.environ, openin_any="p", openout_any="p", max_print_line="1000")
    result = subprocess.run(
        ["xelatex", "-no-shell-escape", "-interaction=nonstopmode", "-file-line-error", tex.name],
        cwd=folder, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=300, check=False,
    )
    log = tex.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    return result.returncode, log, tex


def failing_lines(log: str, tex: Path) -> list[str]:
    """The source lines that TeX reported an error on, each with its first error message."""
    source = tex.read_text(encoding="utf-8").splitlines()
    found: dict[int, str] = {}
    for match in re.finditer(rf"^\./{re.escape(tex.name)}:(\d+): (.*)$", log, re.MULTILINE):
        found.setdefault(int(match.group(1)), match.group(2))
    for match in re.finditer(r"^! (Missing character.*)$", log, re.MULTILINE):
        found.setdefault(0, match.group(1))
    return [f"line {line}: {message}\n    {source[line - 1] if line else ''}" for line, message in sorted(found.items())]


def assert_only_sheet_fonts(pdf: Path) -> None:
    """Nothing fell back to another font (TeX's Computer Modern, say) without an error."""
    listing = subprocess.run(["pdffonts", pdf.name], cwd=pdf.parent, capture_output=True, text=True, check=True).stdout
    names = {line.split()[0].split("+")[-1] for line in listing.splitlines()[2:]}
    assert names and names <= {"NanumBarunpen", "NanumBarunpen-Bold", "DejaVuMathTeXGyre-Regular"}, names


def argument_sample(kind: Arg) -> str:
    """An argument that holds everything the kind allows."""
    ascii_math = "".join(sorted(ASCII_MATH - {" "}))
    if kind is Arg.MATH:
        return "{x+1}"
    if kind is Arg.WORD:
        return "{" + ascii_math + " " + " ".join(sorted(WORD_COMMANDS)) + " }"
    if kind is Arg.NAME:
        return "{" + "".join(sorted(ASCII_NAME - {" "})) + " " + " ".join(sorted(SPACING)) + " }"
    if kind is Arg.ALNUM:
        return "{" + "".join(sorted(ASCII_ALNUM)) + "}"
    if kind is Arg.LETTERS:
        return "{" + "".join(sorted(ASCII_LETTERS)) + "}"
    printable = "".join(c for c in string.printable if c not in "\\{}$&#^_%\t\n\r\x0b\x0c")
    return "{" + printable + " 한글 텍스트 " + " ".join(sorted(TEXT_COMMANDS)) + " }"


def command_samples() -> list[str]:
    """Formulas that use every allowed command, each in every way the checker lets it be used."""
    samples = []
    delimiters = sorted(DELIMITER_CHARACTERS) + sorted(DELIMITER_COMMANDS)
    for name, rule in sorted(COMMANDS.items()):
        if name in LIMITS:
            samples += [rf"\sum{name}_{{i=1}}^{{n}} x_i", rf"\max{name}_{{i}} x_i", rf"\operatorname*{{top}}{name}_{{k}} x"]
        elif name == r"\not":
            samples += [r"a \not= b \not< c \not> d"] + [rf"a \not{relation} b" for relation in sorted(RELATIONS)]
        elif name == r"\hline":
            samples.append(r"\begin{array}{c|c} \hline a & b \\ \hline c & d \\ \hline \end{array}")
        elif name in (r"\left", r"\right"):
            samples += [rf"\left{d} \frac{{a}}{{b}} \right{d}" for d in delimiters]
        elif name == r"\middle":
            samples += [rf"\left. a \middle{d} \frac{{a}}{{b}} \right." for d in delimiters]
        elif rule.delimiter:
            samples += [rf"{name}{d} x {name}{d}" for d in delimiters]
        else:
            arguments = "".join(argument_sample(kind) for kind in rule.args)
            samples.append(f"a {name}{arguments} b")
            if rule.optional is not None:
                samples.append(f"{name}[3]{arguments}")
            if rule.star:
                samples.append(f"{name}*{arguments}_x")
    samples.append("a " + " ".join(sorted(ASCII_MATH - {" "})) + " b")
    return samples


def environment_samples() -> list[str]:
    """Every allowed environment, filled to its column limit."""
    samples = []
    for name, rule in sorted(ENVIRONMENTS.items()):
        columns = rule.max_columns or 4
        row = " & ".join(f"a_{{{index}}}" for index in range(columns))
        spec = "{" + "|".join("lcr"[index % 3] for index in range(columns)) + "}" if rule.column_spec else ""
        samples.append(rf"\begin{{{name}}}{spec} {row} \\[2pt] {row} \\ {row} \end{{{name}}}")
        samples.append(rf"\begin{{{name}}}{spec} \hline {row} \\ \hline {row} \\ \hline \end{{{name}}}")
    nested = "x"
    for _ in range(MAX_ENVIRONMENT_DEPTH):
        nested = rf"\begin{{pmatrix}} {nested} & 1 \end{{pmatrix}}"
    samples.append(nested)
    samples.append("{" * MAX_GROUP_DEPTH + "x" + "}" * MAX_GROUP_DEPTH)
    return samples


def test_every_allowed_command_and_environment_typesets(tmp_path: Path) -> None:
    samples = command_samples() + environment_samples() + TYPICAL
    refused = {sample: check_math(sample, display=True) for sample in samples}
    assert not {sample: problems for sample, problems in refused.items() if problems}, "the checker refuses its own samples"
    lines = []
    for sample in samples:
        # Displayed both ways: as LaTeX display math, and as texsheet's blocks set it, inline in
        # display style.
        lines.append(rf"\[ {sample} \]")
        lines.append(rf"${{\displaystyle {sample}}}$\par")
        if not any(rf"\begin{{{name}}}" in sample for name in INLINE_ONLY_IN_DISPLAY):
            assert check_math(sample, display=False) == [], sample
            lines.append(rf"Inline: ${sample}$.\par")
    code, log, tex = compile_document(lines, tmp_path)
    failures = failing_lines(log, tex)
    assert "Undefined control sequence" not in log, "\n".join(failures)
    assert "Missing character" not in log, "\n".join(failures)
    assert code == 0 and not failures, "\n".join(failures)
    assert_only_sheet_fonts(tex.with_suffix(".pdf"))


def test_typical_formulas_are_searchable_in_the_pdf(tmp_path: Path) -> None:
    code, log, tex = compile_document([rf"\[ {formula} \]" for formula in TYPICAL], tmp_path)
    assert code == 0, "\n".join(failing_lines(log, tex))
    text = subprocess.run(["pdftotext", tex.with_suffix(".pdf").name, "-"], cwd=tmp_path, capture_output=True,
                          text=True, check=True).stdout
    squeezed = re.sub(r"\s+", "", text)
    # Letters come from the body font as plain letters, so a search for them finds them.
    for expected in ("softmax", "Attention(Q,K,V)", "θ", "손실", "∑", "ReLU(x)"):
        assert expected in squeezed


def random_formula(rng: random.Random, depth: int = 0) -> str:
    """A formula built at random from allowed pieces; nested up to a few levels."""
    simple = sorted(n for n, rule in COMMANDS.items() if rule == Command() and n not in LIMITS | {r"\not", r"\hline"})
    with_arguments = sorted(n for n, rule in COMMANDS.items() if rule.args)
    delimiters = sorted(DELIMITER_CHARACTERS) + sorted(DELIMITER_COMMANDS)
    pieces = []
    for _ in range(rng.randint(1, 5)):
        roll = rng.random()
        if depth > 3 or roll < 0.35:
            pieces.append(rng.choice(list("xyzabn12+-=<>()[],.;:!?/|'") + ["α", "∑", "→", "≤", "ℝ", "∞"]))
        elif roll < 0.55:
            pieces.append(rng.choice(simple) + " ")
        elif roll < 0.8:
            name = rng.choice(with_arguments)
            rule = COMMANDS[name]
            star = "*" if rule.star and rng.random() < 0.5 else ""
            optional = "[3]" if rule.optional is not None and rng.random() < 0.3 else ""
            arguments = "".join(
                "{" + random_formula(rng, depth + 1) + "}" if kind is Arg.MATH else argument_sample(kind) for kind in rule.args
            )
            pieces.append(name + star + optional + arguments)
        elif roll < 0.87:
            pieces.append(rng.choice("^_") + "{" + random_formula(rng, depth + 1) + "}")
        elif roll < 0.93:
            pieces.append(rf"\left{rng.choice(delimiters)} {random_formula(rng, depth + 1)} \right{rng.choice(delimiters)}")
        else:
            name = rng.choice(sorted(ENVIRONMENTS))
            rule = ENVIRONMENTS[name]
            columns = min(rule.max_columns or 3, 3)
            spec = "{" + "c" * columns + "}" if rule.column_spec else ""
            rows = [" & ".join(random_formula(rng, depth + 2) for _ in range(columns)) for _ in range(2)]
            pieces.append(rf"\begin{{{name}}}{spec} " + r" \\ ".join(rows) + rf" \end{{{name}}}")
    return " ".join(pieces)


def test_random_formulas_the_checker_accepts_typeset(tmp_path: Path) -> None:
    rng = random.Random(20261128)
    accepted: list[str] = []
    while len(accepted) < 250:
        formula = random_formula(rng)
        if not check_math(formula, display=True):
            accepted.append(formula)
    code, log, tex = compile_document([rf"\[ {formula} \]" for formula in accepted], tmp_path)
    failures = failing_lines(log, tex)
    assert code == 0 and not failures, "\n".join(failures)
    assert_only_sheet_fonts(tex.with_suffix(".pdf"))


@pytest.mark.parametrize("formula", TYPICAL)
def test_typical_formulas_pass(formula: str) -> None:
    assert check_math(formula, display=True) == []


@pytest.mark.parametrize(("formula", "offset", "named"), HOSTILE)
def test_hostile_formulas_are_refused_where_they_go_wrong(formula: str, offset: int, named: str) -> None:
    problems = check_math(formula, display=True)
    assert problems, formula
    assert problems[0].offset == offset, problems
    assert named in problems[0].message, problems


def test_a_catcode_trick_is_refused_twice() -> None:
    problems = check_math("\\catcode`\\^^5c=12", display=True)
    assert [problem.offset for problem in problems if "^^" in problem.message] == [10]


@pytest.mark.parametrize("name", ["aligned", "gathered"])
def test_multi_line_environments_only_in_displayed_formulas(name: str) -> None:
    formula = rf"\begin{{{name}}} a \\ b \end{{{name}}}"
    assert check_math(formula, display=True) == []
    assert check_math(formula, display=False) == [
        MathProblem(0, rf"\begin{{{name}}} is for displayed formulas (a kind: math block), not inline $...$")
    ]


def test_matrices_inline_are_allowed() -> None:
    assert check_math(r"v = \begin{pmatrix} 1 \\ 2 \end{pmatrix}", display=False) == []


@pytest.mark.parametrize(
    ("formula", "offset", "fragment"),
    [
        ("", 0, "empty"),
        ("   \n ", 0, "empty"),
        ("x" * (MAX_FORMULA_LENGTH + 1), MAX_FORMULA_LENGTH, f"at most {MAX_FORMULA_LENGTH}"),
        ("a\n\n b", 2, "blank line"),
        (r"\begin{cases} a & b & c \end{cases}", 20, "at most 2 columns"),
        (r"\begin{gathered} a & b \end{gathered}", 19, "at most 1 column"),
        (r"\begin{pmatrix} " + " & ".join("a" * MATRIX_COLUMNS) + r" & b \end{pmatrix}",
         16 + 4 * (MATRIX_COLUMNS - 1) + 2, f"at most {MATRIX_COLUMNS}"),
        (r"\begin{array}{l|x} a \end{array}", 14, "only l, c, r"),
        (r"\begin{array} a \end{array}", 0, "column specification"),
        (r"\begin{aligned}[t] a \end{aligned}", 15, "option"),
        (r"\begin{pmatrix} a \\ [x] \end{pmatrix}", 21, "extra space"),
        (r"\begin{pmatrix} a \\[99999pt] b \end{pmatrix}", 20, "extra space"),
        (r"\begin{pmatrix} a \\* b \end{pmatrix}", 20, r"\\*"),
        (r"\begin{pmatrix} {a & b} \end{pmatrix}", 19, "&"),
        (r"{\begin{pmatrix} a } \end{pmatrix}", 19, r"\end{pmatrix}"),
        (r"\begin{pmatrix} a \\ b \hline \end{pmatrix}", 23, r"\hline"),
        ("".join(r"\begin{matrix}" for _ in range(MAX_ENVIRONMENT_DEPTH + 1)), 14 * MAX_ENVIRONMENT_DEPTH, "nested"),
        ("{" * (MAX_GROUP_DEPTH + 1) + "x" + "}" * (MAX_GROUP_DEPTH + 1), MAX_GROUP_DEPTH, "nested"),
        (r"\frac{a}", 0, r"\frac needs an argument"),
        (r"\frac\sqrt x", 5, "braces"),
        (r"\sqrt[3{x}", 5, "never closed"),
        (r"\left( a \middle \right)", 9, r"\middle"),
        (r"\left( {a \middle| b} \right)", 10, r"\middle"),
        (r"\big x", 0, "delimiter"),
        (r"\not x", 0, r"\not"),
        (r"x \limits", 2, r"\limits"),
        (r"x^2'", 3, "double superscript"),
        (r"x' ^2", 3, "double superscript"),
        (r"x'_1^2", 4, "double superscript"),
        (r"x' '", 3, "double superscript"),
        (r"x_1_2", 3, "double subscript"),
        (r"\mathbf{\alpha}", 8, r"\boldsymbol"),
        (r"\mathrm{é}", 8, "ASCII"),
        (r"\mathcal{L1}", 10, "A-Z"),
        (r"\operatorname{a.b}", 15, "operator name"),
        (r"\operatorname{a\{b}", 15, r"\{"),
        (r"\mathbb{R_1}", 9, "_"),
        (r"\text{a^2}", 7, "^"),
        (r"\text{a & b}", 8, "&"),
        (r"\text{\alpha}", 6, r"\alpha"),
        (r"\text{\begin{pmatrix}}", 6, r"\begin{pmatrix}"),
        (r"\fracc{a}{b}", 0, r"did you mean \frac"),
        (r"\alphaβ", 0, r"\alphaβ"),
        (r"x + \vartheta", 4, r"\vartheta"),  # the body font has no ϑ
        ("x + ς", 4, "U+03C2"),
        ("x \u0302", 2, "combining"),
        ("\u1112\u1161\u11ab", 0, "decomposed Hangul"),
        ("a\u3000b", 1, "U+3000"),
        ("a\\", 1, "lone backslash"),
    ],
)
def test_problems_are_reported_at_their_offset(formula: str, offset: int, fragment: str) -> None:
    problems = check_math(formula, display=True)
    assert problems, formula
    assert problems[0].offset == offset, problems
    assert fragment in problems[0].message, problems


def test_problems_are_all_reported_in_order() -> None:
    problems = check_math(r"\foo + \bar{x} + \baz # \qux", display=True)
    assert [problem.offset for problem in problems] == [0, 17, 22, 24]


def test_math_characters_splits_text_from_math() -> None:
    formula = r"\text{손실 함수} = α + \sum_i x_i \le ∞ \left⟨ a \right⟩"
    assert math_characters(formula) == {"손", "실", "함", "수", "α", "∞", "⟨", "⟩"}
    assert math_characters(formula, in_text=True) == {"손", "실", "함", "수"}
    assert math_characters(formula, in_text=False) == {"α", "∞", "⟨", "⟩"}


TOKENS = [
    "x", "y", "1", "+", "=", "(", ")", "[", "]", " ", "'", "{", "}", "^", "_", "&", "\\\\", "α", "∑",
    r"\frac", r"\sqrt", r"\left(", r"\right)", r"\middle|", r"\text{", r"\mathbf{", r"\begin{pmatrix}",
    r"\end{pmatrix}", r"\begin{array}{c}", r"\end{array}", r"\hline", r"\sum", r"\limits", r"\alpha", r"\,",
    r"\not", "\\", "$", "%", "#", "^^", "\n", "한", "@",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=40), st.booleans())
def test_random_token_soup_never_crashes(tokens: list[str], display: bool) -> None:
    source = "".join(tokens)
    problems = check_math(source, display=display)
    assert all(0 <= problem.offset <= len(source) for problem in problems)
    math_characters(source)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), st.booleans())
def test_any_text_never_crashes(source: str, display: bool) -> None:
    problems = check_math(source, display=display)
    assert all(0 <= problem.offset <= len(source) for problem in problems)


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"[A-Za-z]{1,12}", fullmatch=True), st.sampled_from(["", "x", "{x}", " + 1"]))
def test_unknown_commands_are_always_refused(name: str, tail: str) -> None:
    command = "\\" + name
    if command in COMMANDS or command in (r"\begin", r"\end"):
        return
    problems = check_math(command + tail, display=True)
    assert problems and problems[0].offset == 0 and command in problems[0].message


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(TYPICAL[:4]), st.sampled_from(["$", "%", "#", "^^"]), st.data())
def test_a_special_sign_anywhere_is_refused(formula: str, sign: str, data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(formula)))
    if position and formula[position - 1] in "\\^":
        return  # \$ and \% are the escaped signs; ^ + ^^ is still ^^, at another offset
    source = formula[:position] + sign + formula[position:]
    assert any(problem.offset == position for problem in check_math(source, display=True))
