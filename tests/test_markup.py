"""Inline markup (texsheet.markup), the escaper (texsheet.escape) and the TeX of text segments."""
from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from texsheet.text import markup
from texsheet.text.escape import MAX_FIELD_LENGTH, escape_chars, find_forbidden
from texsheet.text.paragraphs import Style, build_paragraphs, segments_of

from fakes import faces

FACES = faces()


def kinds(text: str) -> list[tuple[str, str]]:
    spans, problems = markup.parse(text)
    assert problems == []
    return [(s.kind, s.text) for s in markup.walk(spans) if s.kind != "text" or s.text]


# ----------------------------------------------------------------------------- the backslash rule


@pytest.mark.parametrize(
    "typed",
    [r"C:\Users\me\.kube\config", r"printf 'a\tb\n'", r"\frac{a}{b}", r"\d+\s*", r"\input{x}", "end\\"],
)
def test_a_backslash_before_an_ordinary_character_is_a_backslash(typed):
    assert markup.plain(typed) == typed


@pytest.mark.parametrize(
    "typed, reads",
    [(r"\*\*not bold\*\*", "**not bold**"), (r"\=\=no\=\=", "==no=="), (r"\{red: plain\}", "{red: plain}"),
     (r"\\", "\\"), (r"a\\b", "a\\b"), (r"\`x\`", "`x`"), (r"\$5", "$5")],
)
def test_a_backslash_escapes_the_characters_markup_uses(typed, reads):
    assert markup.parse(typed)[1] == []
    assert markup.plain(typed) == reads
    assert [k for k, _ in kinds(typed)] == ["text"]


@settings(max_examples=500)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))))
@example("\\*\\x\\$5 `a` $b$ {red: c}")
def test_escape_markup_round_trips_any_text(text):
    assert markup.plain(markup.escape_markup(text)) == text
    spans, problems = markup.parse(markup.escape_markup(text))
    assert problems == []
    assert all(s.kind in ("text", "emoji") for s in spans)


# ----------------------------------------------------------------------------- spans


def test_bold_highlight_pen_and_emoji():
    assert kinds("a **b** ==c== {red: d} 🧀") == [
        ("text", "a "), ("bold", ""), ("text", "b"), ("text", " "), ("highlight", ""), ("text", "c"), ("text", " "),
        ("pen", "red"), ("text", "d"), ("text", " "), ("emoji", "🧀")]


def test_delimiters_with_spaces_on_both_sides_are_literal():
    assert markup.plain("a == b and x ** y") == "a == b and x ** y"
    assert kinds("a == b") == [("text", "a == b")]


def test_an_unknown_name_in_braces_is_literal():
    assert kinds("{note: x}") == [("text", "{note: x}")]
    assert kinds("{a: 1, b: 2}") == [("text", "{a: 1, b: 2}")]


def test_code_spans_follow_commonmark():
    assert kinds("run `ls -la` now") == [("text", "run "), ("code", "ls -la"), ("text", " now")]
    assert kinds("``a ` b``") == [("code", "a ` b")]
    assert kinds("`` `tick` ``") == [("code", "`tick`")]
    assert kinds("`**not bold** \\*`") == [("code", "**not bold** \\*")]
    assert kinds("a `b") == [("text", "a `b")]
    assert kinds("`a  b`") == [("code", "a  b")]


def test_math_opens_and_closes_by_pandocs_rules():
    assert kinds("costs $5 and $10") == [("text", "costs $5 and $10")]
    assert kinds("$x^2$ and $y$") == [("math", "x^2"), ("text", " and "), ("math", "y")]
    assert kinds("$20,000 and $30,000") == [("text", "$20,000 and $30,000")]
    assert kinds("$ x$") == [("text", "$ x$")]
    assert kinds("$x $") == [("text", "$x $")]
    assert kinds(r"$a\$b$") == [("math", r"a\$b")]
    assert kinds("$$\\sum_i x_i$$") == [("display", "\\sum_i x_i")]


def test_markup_nests():
    assert kinds("**{red: ==hot==}**") == [("bold", ""), ("pen", "red"), ("highlight", ""), ("text", "hot")]


@pytest.mark.parametrize("typed", ["ok **open", "ok ==open", "ok {red: open", "x**2", "a==b", "2**10 == 1024",
                                   "**a ==b **c"])
def test_an_opener_without_a_closer_after_it_is_text(typed):
    """As the README says: **, == and {pen: open a mark only where a closing one follows."""
    assert markup.parse(typed)[1] == []
    assert markup.plain(typed) == typed
    assert [k for k, _ in kinds(typed)] == ["text"]
    texts = "".join(s.tex for s in segments_of(build_paragraphs(typed, Style(), FACES)))
    assert texts.count("*") == typed.count("*") and texts.count("=") == typed.count("=")  # set as typed


def test_a_closer_freed_by_a_text_opener_may_open_a_mark_of_its_own():
    assert kinds("x**2 **b**") == [("text", "x**2 "), ("bold", ""), ("text", "b")]
    assert kinds("**bold** and x**2") == [("bold", ""), ("text", "bold"), ("text", " and x**2")]


def test_crossed_spans_are_a_problem():
    [problem] = markup.parse("**a ==b** c==")[1]
    assert "'**' closes a span opened outside the one it is in" in problem.message and problem.offset == 7
    assert kinds("**a ==b **c==") == [("text", "**a "), ("highlight", ""), ("text", "b **c")]  # the first ** has no closer


def test_plain_strips_markup_and_keeps_code_and_formulas():
    assert markup.plain("**bold** and ==lit== {red: pen} 🧀 `c` $x$") == "bold and lit pen 🧀 c x"


# ----------------------------------------------------------------------------- the escaper

SPECIALS = {"#": r"\#", "$": r"\$", "%": r"\%", "&": r"\&", "~": r"\textasciitilde{}", "_": r"\_",
            "^": r"\textasciicircum{}", "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}"}


@pytest.mark.parametrize("char", list(SPECIALS))
def test_each_latex_special_is_escaped(char):
    assert escape_chars(f"a{char}b") == f"a{SPECIALS[char]}b"


def test_dashes_and_brackets_stay_as_typed():
    """texsheet's fonts have TeX's ligatures off, so -- stays two hyphens without braces; the
    compile tests read them back from the PDF."""
    assert escape_chars("a--b---c [d] ``e'' <<f>>") == "a--b---c [d] ``e'' <<f>>"


def test_find_forbidden():
    assert find_forbidden("plain 한글 🧀\ttab\nline") is None
    assert find_forbidden("a\x07") == (1, "control character U+0007 at position 2 is not allowed")
    assert "U+202E" in find_forbidden("a\u202eb")[1]
    assert "U+FFFE" in find_forbidden("a\ufffe")[1]
    assert find_forbidden("x" * MAX_FIELD_LENGTH) is None
    assert "at most" in find_forbidden("x" * (MAX_FIELD_LENGTH + 1))[1]


def test_nfd_hangul_is_set_as_nfc():
    nfd = unicodedata.normalize("NFD", "한글 요약")
    texts = [s.tex for s in segments_of(build_paragraphs(nfd, Style(), FACES))]
    assert any("한글" in t for t in texts) and not any("\u1100" <= c <= "\u11ff" for t in texts for c in t)


# ----------------------------------------------------------------------------- segment TeX is safe

# What a text segment's TeX may contain besides escaped characters: its font and style switches.
_ALLOWED = re.compile(r"\\(?:(?:rm|sf|tt)family|ts(?:body|hand|code)[A-Za-z]+|textbf|tspen\{[a-z]+\}|textbackslash\{\}|"
                      r"textasciitilde\{\}|textasciicircum\{\}|tsemoji\{[0-9a-f-]+\}\{\d+\}|tswrapmark|[&%$#_{} ])")


def _braces_balance(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


_ALPHABET = st.one_of(
    st.sampled_from(list("ab *=\\{}:_^~#$%&[]-\n🧀`") + ["{red: ", "**", "==", "⚠️", "\\input", "^^5c"]),
    st.characters(blacklist_categories=("Cs",)),
)


@settings(max_examples=800, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_text_segments_hold_no_command_but_their_switches(text):
    if find_forbidden(text) is not None or markup.parse(text)[1]:
        return
    for segment in segments_of(build_paragraphs(text, Style(), FACES)):
        if "\\tsmath" in segment.tex or "\\tsdisplaymath" in segment.tex:
            continue  # formulas are checked by texsheet.mathcheck before they get here
        rest = _ALLOWED.sub("", segment.tex)
        assert "\\" not in rest, segment.tex
        assert _braces_balance(rest), segment.tex


def test_a_word_keeps_its_font_and_a_sign_the_font_lacks_falls_back_alone():
    from texsheet.text.fonts import probe_fonts

    fonts = probe_fonts()
    assert fonts is not None, "fontconfig is needed: run the README's first command"
    real = faces(fonts)
    texts = [s.tex for s in segments_of(build_paragraphs("readers–writer Größe café→bar Ωμέγα", Style(), real))]
    # The Latin hand draws accented letters and the en dash: those words stay whole in it.
    assert "{\\rmfamily readers–writer}" in texts and "{\\rmfamily Größe}" in texts
    # It has no arrows: the arrow alone goes to a fallback, on the line of the words around it.
    assert "{\\rmfamily café}" in texts and "{\\rmfamily bar}" in texts
    assert any(re.fullmatch(r"\{\\rmfamily \\tsbody[A-Za-z]+\{→\}\}", t) for t in texts)
    # A letter no font of the chain before it draws takes the whole word to the fallback: one hand.
    assert any(re.fullmatch(r"\{\\rmfamily \\tsbody[A-Za-z]+\{Ωμέγα\}\}", t) for t in texts)


def test_every_palette_colours_every_pen_markup_knows():
    from texsheet.model.theme import PALETTES

    assert all(tuple(palette) == markup.PENS for palette in PALETTES.values())


def test_an_emoji_sequence_finds_its_icon_whichever_way_it_writes_u_fe0f():
    from texsheet.text.emoji import twemoji_name

    known = {"2764-fe0f-200d-1f525": 1, "1f9db-1f3fb-200d-2642-fe0f": 2, "1f3f3-fe0f-200d-1f308": 3, "2764": 4, "1f3c3-200d-2640-fe0f": 5}
    assert twemoji_name("❤️‍🔥", known) == "2764-fe0f-200d-1f525"
    assert twemoji_name("❤\u200d🔥", known) == "2764-fe0f-200d-1f525"  # typed without U+FE0F
    assert twemoji_name("🧛🏻‍♂️", known) == "1f9db-1f3fb-200d-2642-fe0f"
    assert twemoji_name("🏳️‍🌈", known) == "1f3f3-fe0f-200d-1f308"
    assert twemoji_name("🏃‍♀️", known) == "1f3c3-200d-2640-fe0f"
    assert twemoji_name("❤️", known) == "2764"  # kept without U+FE0F
    assert twemoji_name("🦄", known) is None
