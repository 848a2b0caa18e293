"""Inline markup (texsheet.markup) and the one escaper (texsheet.escape)."""
from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from texsheet import markup
from texsheet.escape import MAX_FIELD_LENGTH, escape_text, find_forbidden


def latex(text: str, **kwargs) -> str:
    return str(markup.to_latex(text, **kwargs))


# ----------------------------------------------------------------------------- rendering


def test_plain_text_passes_through():
    assert latex("hello world") == "hello world"
    assert latex("") == ""


def test_bold():
    assert latex("a **bold** b") == r"a \textbf{bold} b"


def test_highlight_is_split_per_word():
    assert latex("==two words==") == r"\tshl{two} \tshl{words}"
    assert latex("x ==one== y") == r"x \tshl{one} y"


def test_highlight_collapses_runs_of_spaces_between_words():
    assert latex("==a   b==") == r"\tshl{a} \tshl{b}"


def test_pen_colour():
    assert latex("{red: warm}") == r"\textcolor{ts-red}{warm}"
    assert latex("{blue:cool}") == r"\textcolor{ts-blue}{cool}"


def test_emoji():
    assert latex("🧀") == r"\tsemoji{1f9c0}{🧀}"
    assert latex("cheese 🧀!") == r"cheese \tsemoji{1f9c0}{🧀}!"


def test_emoji_variation_selector_is_dropped_from_the_code():
    assert latex("⚠️") == r"\tsemoji{26a0}{⚠}"


def test_emoji_zwj_sequence_is_one_cluster():
    assert latex("👩\u200d🔬") == r"\tsemoji{1f469-200d-1f52c}{👩🔬}"


def test_nested_markup():
    assert latex("**{red: hot}**") == r"\textbf{\textcolor{ts-red}{hot}}"
    assert latex("{green: **go** now}") == r"\textcolor{ts-green}{\textbf{go} now}"


def test_highlight_around_other_markup():
    assert latex("==a **b** 🧀==") == r"\tshl{a} \tshl{\textbf{b}} \tshl{\tsemoji{1f9c0}{🧀}}"


def test_newline_is_a_paragraph_break_unless_inline():
    assert latex("one\ntwo") == r"one\par two"
    assert latex("one\ntwo", inline=True) == "one two"


def test_escaped_text_inside_markup():
    assert latex("**50% & more**") == r"\textbf{50\% \& more}"
    assert latex("==a_b==") == r"\tshl{a\_b}"


# ----------------------------------------------------------------------------- backslash escapes


@pytest.mark.parametrize(
    "typed, expected",
    [
        (r"\*\*not bold\*\*", "**not bold**"),
        (r"\=\=not lit\=\=", "==not lit=="),
        (r"\{red: plain\}", r"\{red: plain\}"),
        (r"\\", r"\textbackslash{}"),
        (r"a\\b", r"a\textbackslash{}b"),
    ],
)
def test_backslash_makes_markers_literal(typed, expected):
    assert markup.check(typed) == []
    assert latex(typed) == expected
    assert "textbf" not in latex(typed) and "tshl" not in latex(typed) and "textcolor" not in latex(typed)


def test_long_word_gets_break_points_after_punctuation_only_when_long():
    assert latex("short/path") == "short/path"
    assert latex("https://example.org/a/b") == r"https:\hspace{0pt}/\hspace{0pt}/\hspace{0pt}example.\hspace{0pt}org/\hspace{0pt}a/\hspace{0pt}b"
    assert latex("x" * 40).count(r"\hspace{0pt}") == 2


def test_escaped_backslash_before_a_command_name_never_makes_a_command():
    out = latex(r"\\input{/etc/passwd}")
    # a long word gets line-break points (\hspace{0pt}) after its slashes
    assert out.replace(r"\hspace{0pt}", "") == r"\textbackslash{}input\{/etc/passwd\}"
    assert r"\input" not in out


def test_single_backslash_before_a_command_name_never_makes_a_command():
    out = latex(r"\input{x}")
    assert r"\input" not in out
    assert "{x}" not in out  # the braces are escaped, not a group


def test_trailing_backslash_is_literal():
    assert latex("end\\") == r"end\textbackslash{}"


def test_closing_brace_outside_a_pen_is_literal():
    assert latex("a } b { c") == r"a \} b \{ c"


# ----------------------------------------------------------------------------- LaTeX specials


SPECIALS = {
    "#": r"\#",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "~": r"\textasciitilde{}",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "[": "{[}",
    "]": "{]}",
}


@pytest.mark.parametrize("char", list(SPECIALS))
def test_each_latex_special_is_escaped(char):
    assert escape_text(f"a{char}b") == f"a{SPECIALS[char]}b"


def test_all_specials_together():
    typed = "# $ % & ~ _ ^ \\ { } [ ]"
    expected = " ".join(SPECIALS[c] for c in typed.split(" "))
    assert escape_text(typed) == expected


def test_backslash_command_is_defused():
    out = escape_text(r"\input{/etc/passwd}")
    assert out.replace(r"\hspace{0pt}", "") == r"\textbackslash{}input\{/etc/passwd\}"
    assert r"\input" not in out


def test_specials_through_markup_with_escaped_backslash():
    # In markup a backslash escapes the next character, so a literal one is typed twice.
    assert latex(r"# $ % & ~ _ ^ \\ [ ]") == " ".join(
        SPECIALS[c] for c in ["#", "$", "%", "&", "~", "_", "^", "\\", "[", "]"]
    )


def test_dashes_do_not_become_ligatures():
    assert escape_text("a--b---c") == "a{-}{-}b{-}{-}{-}c"


def test_tab_and_newline_become_spaces():
    assert escape_text("a\tb") == "a b"
    assert escape_text("a\nb") == "a b"


def test_escape_result_is_noescape():
    from pylatex.utils import NoEscape

    assert isinstance(escape_text("x"), NoEscape)
    assert isinstance(markup.to_latex("x"), NoEscape)


# ----------------------------------------------------------------------------- Unicode


def test_nfd_hangul_is_normalised_to_nfc():
    nfc = "한글 요약"
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfd != nfc and len(nfd) > len(nfc)
    assert escape_text(nfd) == nfc
    assert latex(nfd) == nfc
    assert latex(f"**{nfd}**") == rf"\textbf{{{nfc}}}"
    assert latex(f"=={nfd}==") == r"\tshl{한글} \tshl{요약}"


def test_nfd_latin_is_normalised_to_nfc():
    assert escape_text("cafe\u0301") == "caf\u00e9"


# ----------------------------------------------------------------------------- plain and check


def test_plain_strips_markup():
    assert markup.plain("**bold** and ==lit== {red: pen} 🧀") == "bold and lit pen 🧀"
    assert markup.plain(r"\*\* kept \{x\}") == "** kept {x}"
    assert markup.plain("**a {blue: ==b==}**") == "a b"
    assert markup.plain("no markup") == "no markup"


def test_parse_spans():
    spans, problems = markup.parse("a **b** {red: c} 🧀")
    assert problems == []
    assert [s.kind for s in spans] == ["text", "bold", "text", "pen", "text", "emoji"]
    assert spans[1].children[0].text == "b"
    assert spans[3].text == "red"
    assert spans[5].text == "🧀"


def test_check_accepts_good_markup():
    assert markup.check("**a** ==b== {red: c} 🧀 \\* \\=") == []


def test_check_unknown_pen_colour():
    [message] = markup.check("{rde: x}")
    assert "unknown pen colour 'rde'" in message
    assert "red" in message  # the known colours are listed


@pytest.mark.parametrize(
    "typed, opener, closer",
    [("**open", "**", "**"), ("==open", "==", "=="), ("{red: open", "{red:", "}")],
)
def test_check_unclosed(typed, opener, closer):
    [message] = markup.check(typed)
    assert f"'{opener}' is never closed with '{closer}'" in message


def test_check_crossed_spans():
    problems = markup.check("**a ==b** c==")
    assert any("closes a span opened inside another" in p for p in problems)


def test_check_emoji_without_twemoji():
    [message] = markup.check("odd \U0001faff")
    assert "U+1FAFF" in message and "no Twemoji icon" in message


def test_find_forbidden():
    assert find_forbidden("plain 한글 🧀\ttab\nline") is None
    assert "U+0007" in find_forbidden("a\x07")
    assert "U+202E" in find_forbidden("a\u202eb")
    assert "U+0085" in find_forbidden("a\x85")
    assert "U+FFFE" in find_forbidden("a\ufffe")
    assert "U+D800" in find_forbidden("a\ud800")
    assert find_forbidden("x" * MAX_FIELD_LENGTH) is None
    assert "at most" in find_forbidden("x" * (MAX_FIELD_LENGTH + 1))


# ----------------------------------------------------------------------------- properties

# The commands escape_text may write: each is self-contained (its own {} or a single char).
_SAFE_COMMANDS = re.compile(r"\\(?:textbackslash\{\}|textasciitilde\{\}|textasciicircum\{\}|hspace\{0pt\}|[&%$#_{}])")
# The commands to_latex adds around its spans (their braces must balance with the text's).
_MARKUP_COMMANDS = re.compile(r"\\(?:textbf|tshl|textcolor|tsemoji|par)(?![A-Za-z])")


def _braces_balance(text: str) -> bool:
    depth = 0
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _assert_safe(out: str, allowed_commands: re.Pattern | None = None) -> None:
    rest = _SAFE_COMMANDS.sub("", out)
    if allowed_commands is not None:
        rest = allowed_commands.sub("", rest)
    assert "\\" not in rest, f"unescaped command in {out!r}"
    assert _braces_balance(rest), f"unbalanced braces in {out!r}"


def test_safety_checker_catches_raw_commands():
    with pytest.raises(AssertionError):
        _assert_safe(r"\input{x}")
    with pytest.raises(AssertionError):
        _assert_safe(r"\textbackslash{}}")
    with pytest.raises(AssertionError):
        _assert_safe("{")
    _assert_safe(r"\textbackslash{}input\{x\}{[}")


@settings(max_examples=1000, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
@example("\\input{x}")
@example("\\\\}{")
@example("# $ % & ~ _ ^ \\ { } [ ]")
@example("\\textbackslash{")
@example("\u00a0~^")
def test_escape_text_output_has_no_raw_commands_and_balanced_braces(text):
    if find_forbidden(text) is not None:
        return
    _assert_safe(str(escape_text(text)))


_MARKUP_ALPHABET = st.one_of(
    st.sampled_from(list("ab *=\\{}:_^~#$%&[]-\n🧀") + ["{red: ", "{blue:", "**", "==", "⚠️"]),
    st.characters(),
)


@settings(max_examples=1000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_MARKUP_ALPHABET, max_size=40).map("".join))
def test_to_latex_of_well_formed_markup_is_safe(text):
    if find_forbidden(text) is not None or markup.parse(text)[1]:
        return
    _assert_safe(str(markup.to_latex(text)), _MARKUP_COMMANDS)
    _assert_safe(str(markup.to_latex(text, inline=True)), _MARKUP_COMMANDS)


@settings(max_examples=500)
@given(st.text(alphabet=st.characters(blacklist_characters="\\*={}", blacklist_categories=("Cs",))))
def test_plain_of_text_without_markers_is_the_text(text):
    if find_forbidden(text) is not None:
        return
    assert markup.plain(text) == text
