"""Layout decisions (texsheet.layout) as pure functions of measurements: fake ones here, no TeX."""
from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from texsheet.errors import ContentError
from texsheet.layout.blocks import BLOCK_GAP, MIN_CODE_SCALE
from texsheet.layout.page import GROW, MAX_AIR, MAX_SPREAD, ask_texts, layout_sheet
from texsheet.layout.panels import PANEL_PADDING
from texsheet.layout.quality import empty_share, flaws
from texsheet.model.sheet import validate_sheet
from texsheet.model.source import load_source
from texsheet.text.units import PT

from fakes import typesetter


def plan(tmp_path: Path, text: str):
    path = tmp_path / "sheet.yaml"
    path.write_text(text, encoding="utf-8")
    source = load_source(path)
    return layout_sheet(validate_sheet(source), typesetter(), source)


def bullets(n: int, words: int = 6, word: str = "word") -> str:
    return "\n".join(f"              - \"{' '.join([word] * words)} {i}\"" for i in range(n))


def panel(title: str, items: str, extra: str = "") -> str:
    return (f"      - title: {title}\n{extra}        blocks:\n          - kind: bullets\n            items:\n{items}\n")


def sheet(*rows: str, head: str = "") -> str:
    body = "".join(f"  - {('panels:' + chr(10)) if not row.startswith('height') else row.split(chr(10), 1)[0] + chr(10) + '    panels:' + chr(10)}"
                   f"{row if not row.startswith('height') else row.split(chr(10), 1)[1]}" for row in rows)
    return f"title: A sheet\n{head}rows:\n{body}"


def content_bottom(panel_layout) -> float:
    return max(p.y + p.geometry.height for p in panel_layout.blocks)


def assert_nothing_spills(layout) -> None:
    for p in layout.panels:
        assert content_bottom(p) <= p.frame.bottom - PANEL_PADDING + 0.05, p.where
        for placed in p.blocks:
            for box in placed.geometry.texts:
                assert box.width <= placed.width + 0.05


def test_sparse_sheet_takes_the_largest_size_and_fills_the_page(tmp_path):
    layout = plan(tmp_path, sheet(panel("One", bullets(3)) + panel("Two", bullets(2))))
    assert {p.size for p in layout.panels} == {24.0}  # the theme's max_font_size
    bottom = max(p.frame.bottom for p in layout.panels)
    assert bottom == pytest.approx(layout.height - 7.0, abs=0.1)  # down to the bottom margin
    assert_nothing_spills(layout)


def test_dense_sheet_shrinks_all_text_alike_and_fits(tmp_path):
    rows = [panel("A", bullets(12, 14)) + panel("B", bullets(12, 14)), panel("C", bullets(16, 12))]
    layout = plan(tmp_path, sheet(*rows))
    sizes = [p.size for p in layout.panels]
    assert 6.5 <= min(sizes) < 16 and max(sizes) / min(sizes) <= GROW
    assert_nothing_spills(layout)


def test_a_row_shares_its_width_by_content(tmp_path):
    layout = plan(tmp_path, sheet(panel("Heavy", bullets(8, 40)) + panel("Light", bullets(2, 3)), panel("Below", bullets(6))))
    heavy, light = layout.panels[0], layout.panels[1]
    assert heavy.frame.w > 1.3 * light.frame.w
    assert_nothing_spills(layout)


def test_given_widths_and_heights_are_honoured(tmp_path):
    rows = ["height: 3\n" + panel("A", bullets(3), "        width: 2\n") + panel("B", bullets(3), "        width: 1\n"),
            "height: 1\n" + panel("C", bullets(2))]
    layout = plan(tmp_path, sheet(*rows))
    a, b, c = layout.panels
    assert a.frame.w == pytest.approx(2 * b.frame.w, rel=0.01)
    assert a.frame.h == pytest.approx(3 * c.frame.h, rel=0.01)


def test_given_font_size_is_used_where_it_fits(tmp_path):
    layout = plan(tmp_path, sheet(panel("A", bullets(3)) + panel("B", bullets(4)), head="theme:\n  font_size: 9\n"))
    assert {p.size for p in layout.panels} == {9.0}


def test_too_much_content_is_refused_at_each_row_that_must_give_way(tmp_path):
    with pytest.raises(ContentError) as error:
        plan(tmp_path, sheet(*[panel(f"P{n}", bullets(20, 30)) for n in range(6)]))
    problems = error.value.problems
    assert [p.message.split("panel '")[1].split("'")[0] for p in problems] == [f"P{n}" for n in range(6)]
    # The sheet's headline and its page-wide fixes once, then each cut, numbered.
    assert re.search(r"^the sheet does not fit on one page, \d+ mm over even at 6.5 pt \(its rows need \d+ mm, the page has \d+ mm\); "
                     r"use a larger page \(page: size: a3\), or split the sheet into two, or make these 6 cuts together: "
                     r"cut 1 of 6, panel 'P0' \(\d+ mm tall\): shorten it by about \d+ lines at 6.5 pt", problems[0].message), problems[0].message
    for n, problem in enumerate(problems[1:], 2):
        assert problem.message.startswith(f"cut {n} of 6 to fit the page, panel 'P{n - 1}'")
        assert "does not fit on one page" not in problem.message and "larger page" not in problem.message


def test_a_sheet_just_over_the_page_names_the_panel_with_the_most_text(tmp_path):
    """A few mm over was refused at the rows: key with no place named."""
    def items(n: int) -> str:
        return bullets(n, 14)
    rows = [panel(f"Panel {r}{c}", items(17 if (r, c) == (1, 0) else 13)) for r in range(4) for c in range(2)]
    with pytest.raises(ContentError) as error:
        plan(tmp_path, sheet(*[rows[i] + rows[i + 1] for i in range(0, 8, 2)]))
    [problem] = error.value.problems
    assert problem.line == 39  # panel 'Panel 10', not the rows: key
    assert re.search(r"does not fit on one page, \d\.\d mm over even at 6.5 pt \(its rows need \d+ mm, the page has \d+ mm\): "
                     r"panel 'Panel 10' \(the most text of its row, \d+ mm tall\); shorten it by about [1-4] lines? at 6.5 pt, "
                     r"use a larger page \(page: size: a3\), or split the sheet into two$", problem.message), problem.message


def test_a_panel_with_a_given_height_that_cannot_hold_its_text_is_named(tmp_path):
    rows = ["height: 1\n" + panel("Crowded", bullets(20, 40)), "height: 30\n" + panel("Roomy", bullets(1))]
    with pytest.raises(ContentError) as error:
        plan(tmp_path, sheet(*rows))
    [problem] = error.value.problems
    assert "panel 'Crowded' does not fit" in problem.message and problem.line == 5
    assert re.search(r"its row \(height: 1\) gives it \d+\.\d mm, \d+ mm short; shorten it by about \d+ lines at 6.5 pt, "
                     r"or give its row a larger height: \(now 1\)$", problem.message), problem.message


def test_a_word_too_wide_for_any_column_is_quoted_with_its_place(tmp_path):
    wide = "W" * 17
    rows = [panel("A", f"              - \"ok {wide} ok\"") + "".join(panel(f"N{n}", bullets(1, 1)) for n in range(5))]
    with pytest.raises(ContentError) as error:
        plan(tmp_path, sheet(*rows, head="theme:\n  max_font_size: 30\n  min_font_size: 20\n"))
    problem = next(p for p in error.value.problems if wide in p.message)
    assert f"the word '{wide}' is wider than its column" in problem.message
    assert (problem.line, problem.column) == (11, 21)


def test_a_title_too_long_for_its_panel_is_refused(tmp_path):
    long_title = "A very long panel title that goes on and on and on and on"
    rows = [panel(f'"{long_title}"', bullets(1)) + "".join(panel(f"N{n}", bullets(1)) for n in range(5))]
    with pytest.raises(ContentError) as error:
        plan(tmp_path, sheet(*rows))
    assert "is too long for its panel" in str(error.value)


def test_layout_is_a_pure_function_of_its_inputs(tmp_path):
    text = sheet(panel("A", bullets(5)) + panel("B", bullets(3)), panel("C", bullets(4)))
    first, second = plan(tmp_path, text), plan(tmp_path, text)
    assert [(p.frame, p.size) for p in first.panels] == [(p.frame, p.size) for p in second.panels]


def listed(*panels: str, head: str = "") -> str:
    """A sheet whose panels are listed (panels:) for the layout to put in rows."""
    return f"title: A sheet\n{head}panels:\n" + "".join("\n".join(line[4:] for line in p.splitlines()) + "\n" for p in panels)


def rows_of(layout) -> list[list[str]]:
    """The panels' titles, row by row, as the layout placed them."""
    rows: dict[float, list[str]] = {}
    for p in layout.panels:
        rows.setdefault(round(p.frame.y, 2), []).append(p.panel.title)
    return [rows[y] for y in sorted(rows)]


def test_listed_panels_are_put_in_rows_in_reading_order_and_fill_the_page(tmp_path):
    titles = ["A", "B", "C", "D", "E"]
    layout = plan(tmp_path, listed(*[panel(t, bullets(3 + n % 3)) for n, t in enumerate(titles)]))
    rows = rows_of(layout)
    assert [t for row in rows for t in row] == titles and len(rows) > 1
    assert all(len(row) <= 3 for row in rows)  # a row of A4 portrait holds at most three
    assert max(p.frame.bottom for p in layout.panels) == pytest.approx(layout.height - 7.0, abs=0.1)
    assert_nothing_spills(layout)
    assert empty_share(layout) < 0.3


def test_code_that_would_break_in_a_shared_row_gets_a_row_of_its_own(tmp_path):
    code = "        blocks:\n          - kind: code\n            code: \"" + "answer = compute(first_arg, second_arg)" + "\"\n"
    panels = [panel("A", bullets(4)), f"      - title: Code\n{code}", panel("B", bullets(4))]
    layout = plan(tmp_path, listed(*panels))
    assert ["Code"] in rows_of(layout)
    assert flaws(layout)[0] == 0  # no line of code broken


def test_empty_share_counts_what_is_far_from_text(tmp_path):
    sparse = plan(tmp_path, sheet(panel("One", bullets(1, 2)), head="theme:\n  max_font_size: 8\n"))
    full = plan(tmp_path, sheet(panel("A", bullets(14, 14)) + panel("B", bullets(14, 14)), panel("C", bullets(14, 14))))
    assert empty_share(sparse) > 0.6 and empty_share(full) < 0.15


def test_listed_panels_that_fit_only_below_the_middle_size_are_still_arranged(tmp_path):
    """A five-stage pipeline cannot be set at the middle size at any width: the groupings are
    judged at the smallest size instead of none being tried (which ended in a TypeError)."""
    stages = "".join(f"              - {{label: S{i}, title: Stage{i}, notes: [\"a note on it\"]}}\n" for i in range(5))
    pipeline = f"      - title: Pipeline\n        blocks:\n          - kind: pipeline\n            stages:\n{stages}"
    layout = plan(tmp_path, listed(pipeline, *[panel(f"P{n}", bullets(2, 3)) for n in range(6)]))
    assert len(layout.panels) == 7
    assert_nothing_spills(layout)


def test_a_font_size_too_large_for_a_narrow_panel_shrinks_the_page_instead_of_nan(tmp_path):
    rows = [panel("Wide", bullets(2, 3), "        width: 8\n") + panel("N", "              - \"a normalisation c\"", "        width: 1.5\n"),
            panel("Below", bullets(1))]
    layout = plan(tmp_path, sheet(*rows, head="theme:\n  font_size: 12\n"))
    assert all(math.isfinite(p.frame.h) for p in layout.panels)
    assert len({p.size for p in layout.panels}) == 1 and layout.panels[0].size < 12
    assert_nothing_spills(layout)


def test_every_text_is_asked_even_where_a_word_is_wider_than_a_stage(tmp_path):
    """Texts are asked before any width is known: a stage's long word must not stop the asking
    (it ended in a TextTooWide traceback before anything was measured)."""
    stages = "".join(f"              - {{title: Stage{i}, notes: [\"normalisation of layers\"]}}\n" for i in range(6))
    text = f"title: A sheet\nrows:\n  - panels:\n      - title: P\n        blocks:\n          - kind: pipeline\n            stages:\n{stages}"
    path = tmp_path / "sheet.yaml"
    path.write_text(text, encoding="utf-8")
    ts = typesetter()
    ask_texts(validate_sheet(load_source(path)), ts)
    assert any("normalisation" in segment.tex for segment in ts.segments())


def test_title_height_is_a_share_like_a_rows_among_given_heights(tmp_path):
    rows = ["height: 2\n" + panel("A", bullets(2)), "height: 1\n" + panel("B", bullets(2))]
    layout = plan(tmp_path, sheet(*rows, head="title_height: 1\n"))
    a, b = layout.panels
    assert layout.banner.h == pytest.approx(b.frame.h, rel=0.01) and a.frame.h == pytest.approx(2 * b.frame.h, rel=0.01)


def test_title_height_shares_what_rows_without_a_height_leave(tmp_path):
    """Like a row's share: rows without a height are as tall as they need, the shares split the
    rest (it used to take title_height / (title_height + rows) of the whole page)."""
    rows = ["height: 1\n" + panel("Shared", bullets(2)), panel("Dense", bullets(12, 12))]
    layout = plan(tmp_path, sheet(*rows, head="title_height: 1\n"))
    shared, dense = layout.panels
    assert layout.banner.h == pytest.approx(shared.frame.h, rel=0.01)
    assert content_bottom(dense) == pytest.approx(dense.frame.bottom - PANEL_PADDING, abs=1.0)  # as tall as it needs
    assert_nothing_spills(layout)


@pytest.mark.parametrize("form", ["rows", "panels"])
def test_a_large_title_height_takes_the_room_rows_without_a_height_leave(tmp_path, form):
    """A dense sheet without row heights under title_height: 10 was refused ('the page has 76 mm'):
    its banner took 10/14 of the page before the rows had what they need."""
    panels = [panel(f"P{n}", bullets(8, 8)) for n in range(4)]
    text = sheet(*panels, head="title_height: 10\n") if form == "rows" else listed(*panels, head="title_height: 10\n")
    layout = plan(tmp_path, text)
    assert min(p.size for p in layout.panels) >= 6.5
    bottom = max(p.frame.bottom for p in layout.panels)
    assert bottom == pytest.approx(layout.height - 7.0, abs=0.1)
    assert_nothing_spills(layout)


def test_takeaways_in_columns_read_across_and_each_row_starts_below_the_tallest_before():
    from texsheet.layout.blocks import layout_takeaways
    from texsheet.model.sheet import Takeaways

    long = "a point long enough to wrap onto a second line in its narrow column"
    block = Takeaways(items=[long, "two", "three", "four"], columns=2)
    geometry = layout_takeaways(block, typesetter(), 60.0, 10.0, ("blocks", 0))
    first, second, third, fourth = geometry.items
    assert first.x < second.x and first.baseline == second.baseline  # 1 beside 2
    assert third.x == first.x and fourth.x == second.x  # 3 under 1, 4 under 2
    assert third.text.y >= first.text.y + first.text.height  # below the wrapped first point
    assert third.baseline == fourth.baseline


def test_takeaways_take_the_columns_in_which_they_need_the_fewest_lines():
    """Three short points in a wide panel read across in three columns (1 line, not 3 in one
    column), the longest given the widest column so that it keeps to one line too; in a narrow
    panel, a line of their own each."""
    from texsheet.layout.blocks import layout_takeaways
    from texsheet.model.sheet import Takeaways

    block = Takeaways(items=["Commit small, commit often", "Pull before you push", "Read git status before every command now"])
    wide = layout_takeaways(block, typesetter(), 190.0, 10.0, ("blocks", 0))
    assert len({item.x for item in wide.items}) == 3 and len({item.baseline for item in wide.items}) == 1
    assert all(len(item.text.lines) == 1 for item in wide.items)
    first, second, third = sorted(item.x for item in wide.items)
    assert 190.0 - third > max(second - first, third - second)  # the longest point's column is the widest
    narrow = layout_takeaways(block, typesetter(), 60.0, 10.0, ("blocks", 0))
    assert len({item.x for item in narrow.items}) == 1


def test_a_title_s_underline_runs_under_the_title_not_under_a_subtitle_set_below_it(tmp_path):
    path = tmp_path / "sheet.yaml"
    path.write_text("title: T\nrows:\n  - panels:\n      - title: A long panel title that fills the line\n"
                    "        subtitle: and a subtitle far too long to sit beside the title, so it goes below it\n"
                    "        blocks:\n          - kind: text\n            text: body\n", encoding="utf-8")
    source = load_source(path)
    sheet = validate_sheet(source)
    ts = typesetter()
    ask_texts(sheet, ts)
    (panel,) = layout_sheet(sheet, ts, source).panels
    assert panel.subtitle.y >= panel.title.y + panel.title.height - 1e-6  # the subtitle is below the title
    assert panel.title.y + panel.title.first_baseline < panel.underline[2] < panel.subtitle.y


def _code_panel(title: str, lines: list[str], extra: str = "") -> str:
    code = "".join(f"              {line}\n" for line in lines)
    return f"      - title: {title}\n        blocks:\n          - kind: code\n            code: |\n{code}{extra}"


def test_code_is_never_set_below_min_font_size_on_a_crowded_page(tmp_path):
    """A page at its smallest size with long code lines: the code wraps rather than shrink below
    min_font_size (it used to go down to MIN_CODE_SCALE of the text, 4.9 pt at 6.5)."""
    long_line = "result = transform(" + ", ".join(f"argument_{n}" for n in range(12)) + ")"
    rows = [panel("A", bullets(20, 16)) + _code_panel("Code", [long_line] * 8), panel("B", bullets(20, 40))]
    layout = plan(tmp_path, sheet(*rows))
    (code_panel,) = [p for p in layout.panels if p.panel.title == "Code"]
    assert code_panel.size * MIN_CODE_SCALE < 6.5  # so small that code at its smallest scale would be below the floor
    code = [box for p in layout.panels for b in p.blocks if b.block.kind == "code" for box in b.geometry.texts]
    assert code and min(box.size for box in code) >= 6.5
    assert flaws(layout)[0] > 0  # the lines had to break: there was no width at 6.5 pt
    assert_nothing_spills(layout)


def test_code_takes_the_panels_width_rather_than_break_beside_a_list(tmp_path):
    """Code beside bullets in two columns would break its line; one column under it does not."""
    line = "SELECT name, email FROM users WHERE status = 'active' ORDER BY created_at DESC;"
    extra = "          - kind: bullets\n            items:\n" + bullets(3, 3) + "\n"
    layout = plan(tmp_path, sheet(_code_panel("SQL", [line], extra), panel("Other", bullets(12, 12)), head="theme:\n  max_font_size: 12\n"))
    (sql,) = [p for p in layout.panels if p.panel.title == "SQL"]
    code, listed = sql.blocks
    assert code.width == listed.width == pytest.approx(sql.frame.w - 2 * PANEL_PADDING)  # one column
    assert flaws(layout)[0] == 0


def test_a_display_formula_stands_in_the_middle_of_its_column(tmp_path):
    formula = "          - kind: math\n            math: 'E = m c^2'\n"
    layout = plan(tmp_path, sheet(panel("Energy", bullets(2, 3)).replace("        blocks:\n", "        blocks:\n" + formula)))
    (math_block,) = [b for p in layout.panels for b in p.blocks if b.block.kind == "math"]
    (box,) = math_block.geometry.texts
    (_, _, line), = box.lines
    left = math_block.x + box.x + line.items[0][0] * box.em
    right = math_block.x + box.x + line.right * box.em
    assert right - left < math_block.width / 2  # a short formula, well inside its column
    assert (left - math_block.x) == pytest.approx(math_block.x + math_block.width - right, abs=0.5)


def test_a_column_shorter_than_its_neighbour_parts_its_blocks_rather_than_end_half_way(tmp_path):
    """Two columns: a long list beside two short ones. The short column's second list moves
    down, by at most MAX_SPREAD lines, so that the column does not end in a blank half way."""
    blocks = "".join(f"          - kind: bullets\n{column}            items:\n{bullets(n, 4)}\n"
                     for n, column in ((16, ""), (2, "            column: 2\n"), (2, "")))
    text = sheet(f"      - title: Columns\n        columns: 2\n        blocks:\n{blocks}" + panel("Other", bullets(20, 16)))
    layout = plan(tmp_path, text)
    (columns,) = [p for p in layout.panels if p.panel.title == "Columns"]
    tall, first, second = columns.blocks
    em = columns.size * PT
    gap = second.y - (first.y + first.geometry.height)
    assert first.x == second.x > tall.x
    assert BLOCK_GAP * em + 1.0 < gap <= (BLOCK_GAP + 2 * MAX_AIR + MAX_SPREAD) * em + 0.01
    assert_nothing_spills(layout)


def test_a_list_of_short_items_in_a_wide_column_is_set_in_columns_read_across():
    """Five short items across a wide column: three columns, read across as the rows of a table
    (1 2 3 / 4 5), each item on one line; long items, or sub-items, keep one column."""
    from texsheet.layout.blocks import SHORT_ITEM, layout_bullets
    from texsheet.model.sheet import Bullets, Item

    short = Bullets(items=[Item(text=f"{n}0x: a status") for n in range(1, 6)])
    wide = layout_bullets(short, typesetter(), 190.0, 10.0, ("blocks", 0))
    xs = sorted({item.x for item in wide.items})
    assert len(xs) == 3
    assert [xs.index(item.x) for item in wide.items] == [0, 1, 2, 0, 1]
    assert wide.items[0].baseline == wide.items[2].baseline < wide.items[3].baseline
    assert all(len(item.text.lines) == 1 for item in wide.items)
    long = Bullets(items=[Item(text="word " * int(SHORT_ITEM)) for _ in range(4)])
    assert len({item.x for item in layout_bullets(long, typesetter(), 400.0, 10.0, ("blocks", 0)).items}) == 1
    nested = Bullets(items=[Item(text="a", items=[Item(text="b")]), Item(text="c"), Item(text="d")])
    a, b, c, d = layout_bullets(nested, typesetter(), 190.0, 10.0, ("blocks", 0)).items
    assert a.x == c.x == d.x < b.x and a.baseline < b.baseline < c.baseline < d.baseline


def test_a_banner_subtitle_keeps_in_step_with_large_body_text_when_a_long_title_shrinks(tmp_path):
    """Little content sets the body at 24 pt; a title too long for the banner at 1.8 times that
    shrinks to fit the width. Its subtitle stayed at 12 pt, below the body's size; it now grows
    with the body, as far as 0.8 of the title."""
    from texsheet.layout.banner import BANNER_SUBTITLE_SIZE
    from texsheet.layout.panels import SUBTITLE_SCALE

    head = "subtitle: a short subtitle\n"
    text = sheet(panel("One", bullets(2, 3)), head=head).replace("title: A sheet", "title: " + "A rather long title " * 3)
    layout = plan(tmp_path, text)
    assert layout.size == 24.0 and layout.title.size < 1.8 * 24.0  # the title shrank to fit
    assert BANNER_SUBTITLE_SIZE < layout.subtitle.size <= SUBTITLE_SCALE * layout.title.size + 0.01


def test_a_callout_balances_its_lines_rather_than_leave_a_word_alone_on_the_last():
    """Eleven words that fill a line and spill one word onto a second: the callout keeps two
    lines, about as long as each other, in a note as wide as before."""
    from texsheet.layout.blocks import CALLOUT_PAD, CALLOUT_SCALE, layout_callout
    from texsheet.model.sheet import Callout

    text = " ".join(f"word{n}" for n in range(11))
    em = 10.0 * CALLOUT_SCALE * PT
    width = 28.5 * em + 2 * CALLOUT_PAD[0] * 10.0 * PT + 2 * 10.0 * PT  # ten words to a line (2.75 em each), not eleven
    geometry = layout_callout(Callout(text=text), typesetter(), width, 10.0, ("blocks", 0))
    (box,) = geometry.texts
    lengths = [line.width for _, _, line in box.lines]
    assert len(lengths) == 2 and min(lengths) > 0.7 * max(lengths)
    assert geometry.parts["note"].w == pytest.approx(width - 2 * 10.0 * PT)
