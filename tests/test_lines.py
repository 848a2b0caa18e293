"""Text into words and lines (texsheet.paragraphs, texsheet.lines): the rules a careful
typesetter keeps, checked with fake measurements, no TeX."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from texsheet.text.lines import TooWide, break_lines
from texsheet.text.paragraphs import LONG_WORD, WRAP_MARK, Style, build_code_lines, build_paragraphs

from fakes import FakeMetrics, faces, fake_size

FACES = faces()


def lines_of(text: str, width: float, style: Style = Style(), language: str = "en") -> list[str]:
    """The lines of text at width (em), each as the words on it joined by spaces."""
    metrics = FakeMetrics()
    out = []
    for paragraph in build_paragraphs(text, style, FACES, "left", language):
        for line in break_lines(paragraph, width, metrics):
            words, current, end = [], "", None
            for x, segment in line.items:
                if end is not None and x - end > 1e-6 and current:
                    words.append(current)
                    current = ""
                current += _visible(segment.tex)
                end = x + metrics[segment.tex][0]
            out.append(" ".join(words + [current]))
    return out


def _visible(tex: str) -> str:
    from fakes import _COMMANDS

    tex = re.sub(r"\\tsemoji\{([0-9a-f-]+)\}\{\d+\}\{[^}]*\}", lambda m: "".join(chr(int(c, 16)) for c in m[1].split("-")), tex)
    return _COMMANDS.sub("", tex).strip()


def test_lines_fill_up_to_the_width_and_no_further():
    text = "one two three four five six seven eight nine ten"
    metrics = FakeMetrics()
    (paragraph,) = build_paragraphs(text, Style(), FACES)
    for width in (4.0, 6.5, 9.0, 30.0):
        lines = break_lines(paragraph, width, metrics)
        assert all(line.width <= width + 1e-6 for line in lines)
        # first fit: the next word would not have fitted on each full line
        assert " ".join(lines_of(text, width)) == text


def test_korean_breaks_only_between_words():
    assert lines_of("토큰 레벨에서만 계산한다", 6.0) == ["토큰", "레벨에서만", "계산한다"]


def test_japanese_breaks_between_phrases_and_never_before_closing_punctuation():
    assert lines_of("駅で会いましょう。", 8.0) == ["駅で", "会いましょう。"]  # BudouX's phrases
    # A phrase wider than the line parts between characters, kinsoku kept: no line starts with ょ or 。.
    assert lines_of("駅で会いましょう。", 3.0) == ["駅で", "会い", "まし", "ょう。"] or all(
        line[0] not in "ょ。" for line in lines_of("駅で会いましょう。", 3.0))


@pytest.mark.parametrize("text, words", [
    ("今日は木曜日です。きゅうりを食べます。", ["木曜日", "きゅうり", "食べます"]),
    ("ちょっと待ってください。東京駅で会いましょう。", ["ちょっと", "東京駅", "会いましょう"]),
    ("机器学习与数据科学", ["机器", "学习", "数据"]),
])
def test_japanese_and_chinese_words_are_never_parted_where_they_fit(text, words):
    for width in (3.0, 5.0, 8.0, 9.5, 12.0):
        lines = lines_of(text, width)
        assert "".join(lines) == text
        if width >= 8.0:  # every phrase fits (fake metrics: a CJK character is one em)
            assert all(any(word in line for line in lines) for word in words), (width, lines)


def test_no_line_starts_with_a_small_kana_or_a_long_vowel_mark():
    for text in ("ちょっと待って", "コーヒーです"):
        for width in (1.0, 2.0, 3.0, 4.0, 5.0):
            try:
                lines = lines_of(text, width)
            except TooWide:
                continue
            assert all(line[0] not in "ょっーゃゅァィゥェォッャュョ" for line in lines[1:]), (text, width, lines)


def test_no_line_ends_with_an_opening_bracket():
    lines = lines_of("aaaa ( bbbb ) cccc", 3.5)
    assert all(not line.endswith("(") for line in lines)
    assert all(not line.startswith(")") for line in lines)


@pytest.mark.parametrize("text, together", [
    ("値段は100％です", "100％"),  # a number and its percent sign (UAX #14: NU × PO)
    ("それは…そうです", "は…"),  # no line starts with an ellipsis (IN)
    ("見て﹂ください", "て﹂"),  # nor with a closing bracket of a small form (CL)
    ("🎉🎉 「はい」 です", "「はい」"),  # (emoji before it: ICU counts in UTF-16 units, texsheet in characters)
])
def test_unicode_line_breaking_keeps_what_belongs_together(text, together):
    """Unicode's line-breaking classes (UAX #14) cover every closing mark, not a list we keep."""
    for width in (1.0, 2.0, 3.0, 4.0, 5.0):
        try:
            lines = lines_of(text, width)
        except TooWide:
            continue
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # the spaces a line breaks at are not on it
        if fake_size(together)[0] <= width:  # a phrase wider than a line parts where it must
            assert any(together in line for line in lines), (width, lines)


def test_no_line_ends_with_an_opening_quote_across_a_space():
    for width in (6.0, 7.0, 8.0, 9.0, 10.0):
        lines = lines_of("il dit « bonjour » et part", width)
        assert len(lines) > 1
        assert not any(line.endswith("«") for line in lines), lines
        assert not any(line.startswith("»") for line in lines), lines


def test_punctuation_alone_never_starts_a_line():
    lines = lines_of("word word — next", 5.0)
    assert not any(line.startswith("—") for line in lines)


def test_a_short_word_is_never_parted():
    with pytest.raises(TooWide) as error:
        lines_of("삽입/삭제 연산", 2.0)
    assert error.value.word.text == "삽입/삭제"


def test_a_long_word_parts_after_punctuation_only_when_it_must():
    url = "https://example.org/a/very/long/path/name"
    assert len(url) > LONG_WORD
    assert lines_of(url, 40.0) == [url]
    parted = lines_of(url, 10.0)
    assert len(parted) > 1 and "".join(parted).replace(" ", "") == url
    assert all(line[-1] in "/.:" for line in parted[:-1])


def test_code_keeps_its_spaces_and_parts_long_words_with_a_mark():
    (paragraph,) = build_code_lines([[("    x  =  1", "")]], FACES)
    metrics = FakeMetrics()
    (line,) = break_lines(paragraph, 40.0, metrics)
    assert line.items[0][0] == pytest.approx(4 * 0.25)  # four spaces of indentation
    gaps = [b[0] - (a[0] + metrics[a[1].tex][0]) for a, b in zip(line.items, line.items[1:])]
    assert gaps == [pytest.approx(0.5), pytest.approx(0.5)]  # two spaces each, as typed
    (flag,) = build_paragraphs("`--field-selector=status.phase=Running`", Style(), FACES, "left", "en")
    lines = break_lines(flag, 8.0, metrics)
    assert len(lines) > 1 and all(line.items[-1][1] == WRAP_MARK for line in lines[:-1])


def test_a_code_line_broken_at_a_space_is_marked_and_keeps_room_for_the_mark():
    (paragraph,) = build_code_lines([[("result = masked_fill(mask == 0, value)", "")]], FACES)
    metrics = FakeMetrics()
    (whole,) = break_lines(paragraph, 40.0, metrics)  # fits: no mark
    assert not any(segment.tex == WRAP_MARK.tex for _, segment in whole.items)
    lines = break_lines(paragraph, 12.0, metrics)
    assert len(lines) > 1
    for line in lines[:-1]:
        assert line.items[-1][1] == WRAP_MARK
        assert line.items[-1][0] + metrics[WRAP_MARK.tex][0] <= 12.0 + 1e-9
    assert lines[-1].items[-1][1] != WRAP_MARK


def test_inline_code_breaks_at_its_spaces_before_inside_a_flag():
    lines = lines_of("`kubectl get pods --field-selector=app`", 14.0)
    assert lines == ["kubectl get", "pods --field-selector=app"]  # not the flag alone on the last line


def test_a_formula_is_never_broken():
    lines = lines_of("so $a+b=c$ holds", 4.0)
    assert any("\\tsmath" not in line and "a+b=c" in line for line in lines) or any("a+b=c" in line for line in lines)
    assert all("a+b" not in line or "c" in line for line in lines)


def test_display_math_is_a_paragraph_of_its_own_centred():
    paragraphs = build_paragraphs("before $$x^2$$ after", Style(), FACES)
    assert [p.align for p in paragraphs] == ["left", "center", "left"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text("abcdefgh가나다", min_size=1, max_size=4), min_size=1, max_size=25), st.floats(4.0, 30.0))
def test_every_word_is_set_once_in_order_within_the_width(words, width):
    text = " ".join(words)
    metrics = FakeMetrics()
    (paragraph,) = build_paragraphs(text, Style(), FACES)
    lines = break_lines(paragraph, width, metrics)
    assert all(line.width <= width + 1e-6 for line in lines)
    assert "".join(_visible(s.tex) for line in lines for _, s in line.items) == text.replace(" ", "")


def test_words_written_right_to_left_stand_in_reading_order_from_the_right():
    # TeX shapes the letters of each word; the line puts a run of such words right to left.
    assert lines_of("say שלום עולם now", 40.0) == ["say עולם שלום now"]
    assert lines_of("שלום עולם", 3.0) == ["שלום", "עולם"]


@pytest.mark.parametrize("text, seen", [
    # A number inside right-to-left text stands in the run (UAX #9): before, it stayed after it.
    ("see שלום עולם 2024 ok", "see 2024 עולם שלום ok"),
    # A paragraph that starts right to left is right to left, its Latin words in their own order.
    ("مرحبا بالعالم Hello World", "Hello World بالعالم مرحبا"),
    ("שלום (עולם) ok", "ok (עולם) שלום"),
    # A character the tables give no direction (here, unassigned) is a neutral, not an error.
    ("\u066d\U00013439 שלום ok", "ok שלום \u066d\U00013439"),
])
def test_mixed_right_to_left_text_stands_in_unicodes_visual_order(text, seen):
    assert lines_of(text, 60.0) == [seen]


def test_the_last_line_is_not_one_word_alone_under_a_full_line():
    # First fit would leave "delta" alone under "alpha beta gamma": "gamma" moves down with it.
    assert lines_of("alpha beta gamma delta", 9.0) == ["alpha beta", "gamma delta"]
    # With two words above, moving one down would leave one alone there instead.
    assert lines_of("alpha beta gamma", 5.5) == ["alpha beta", "gamma"]
    # Where the two would not fit on one line, the word stays alone.
    assert lines_of("alpha beta gammagammagamma delta", 9.0)[-1] == "delta"


def test_a_long_word_of_letters_parted_at_a_line_end_gets_a_hyphen_and_a_url_none():
    lines = lines_of("Die Donaudampfschifffahrtsgesellschaftskapitänswitwe kam", 10.0)
    assert all(line.endswith("-") for line in lines[1:-1]) and lines[-1].endswith("kam")
    assert "".join(line.removesuffix("-") for line in lines[1:]).startswith("Donaudampfschifffahrtsgesellschaftskapitänswitwe")
    assert not any(line.endswith("-") for line in lines_of("see https://example.org/a/very/long/path/name", 8.0))


@pytest.mark.parametrize("language, word, parts", [
    # pyphen's German patterns part the compound between its words and syllables, never in the
    # middle of one (the rule it replaced cut every 18 letters: "Donaudampfschifffa-").
    ("de", "Donaudampfschifffahrtsgesellschaftskapitänswitwe",
     ["Donau", "dampf", "schiff", "fahrts", "ge", "sell", "schafts", "ka", "pi", "täns", "wit", "we"]),
    ("en", "internationalization", ["inter", "na", "tion", "al", "iz", "a", "tion"]),
])
def test_a_long_word_parts_only_where_its_languages_hyphenation_allows(language, word, parts):
    for width in (4.0, 5.5, 7.0, 9.0):
        lines = lines_of(word, width, language=language)
        assert len(lines) > 1
        ends = [line.removesuffix("-") for line in lines]
        assert "".join(ends) == word and all(line.endswith("-") for line in lines[:-1])
        allowed = {len("".join(parts[:n])) for n in range(1, len(parts))}
        cuts = [len("".join(ends[:n])) for n in range(1, len(ends))]
        assert set(cuts) <= allowed, (width, lines)


@pytest.mark.parametrize("text, together", [
    ("a budget of 200 kB here", "200 kB"),
    ("latency under 100 ms, always", "100 ms,"),
    ("대화 데이터 100만 개 수집", "100만 개"),
])
def test_a_number_and_its_unit_stay_on_one_line(text, together):
    for width in (4.0, 5.0, 6.0, 7.0, 8.0, 9.0):
        try:
            lines = lines_of(text, width)
        except TooWide:
            continue
        assert any(together in line for line in lines), (width, lines)
