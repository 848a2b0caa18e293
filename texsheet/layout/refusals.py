"""What cannot fit, said with its place and numbers: a word wider than its column, a title too
long for its panel, a panel or a whole sheet taller than its room, each with what would fix it.
The page planner decides that something does not fit; these messages say what and where.
"""
from __future__ import annotations

import math

from texsheet.errors import Problem
from texsheet.layout.blocks import layout_block
from texsheet.layout.diagram_text import DiagramTooWide
from texsheet.layout.panels import COLUMN_GAP, MIN_TITLE_SIZE, PANEL_PADDING, TITLE_STYLE, Panels, Row, title_text
from texsheet.model.sheet import Panel, Sheet
from texsheet.model.source import Source
from texsheet.text import markup
from texsheet.text.typeset import LEADING, TextTooWide, Typesetter
from texsheet.text.units import PT

LARGER_PAGE = {"a5": "a4", "a4": "a3", "letter": "a3"}  # what a sheet too long for its page may try


class Refused(Exception):
    """A page that cannot be laid out, with the problems that say why: the planner tries other
    arrangements (and the pages of a sheet other cuts) before one is reported."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems


class Refusals:
    """Words what does not fit as problems at their places in the content: which word, title,
    panel or row, by how much at the smallest size, and the fixes that would give it room."""

    def __init__(self, sheet: Sheet, ts: Typesetter, source: Source, panels: Panels):
        self.sheet, self.ts, self.source = sheet, ts, source
        self.panels, self.panel_at = panels, panels.panel_at

    def too_wide(self, rows: list[Row], size: float) -> list[Problem]:
        """Every word too wide for its column at this size, with its place."""
        problems = []
        for row in rows:
            for where, w in zip(row.places, self.panels.row_widths(row, size)):
                panel = self.panel_at[where]
                content = w - 2 * PANEL_PADDING
                n = panel.columns or 1
                column = (content - COLUMN_GAP * (n - 1)) / n
                if column < MIN_TITLE_SIZE * PT:  # narrower than a letter of its title: no room for any text
                    problems.append(self.source.problem(where, f"panel '{markup.plain(panel.title)}' is too narrow for any text: "
                                                        f"{mm(w)} mm wide, {mm(max(0.0, column))} mm for each of its {n} column{'s' if n > 1 else ''}; "
                                                        "give it more width" + (", or fewer columns" if n > 1 else "")))
                    continue
                for b, block in enumerate(panel.blocks):
                    try:
                        layout_block(block, self.ts, column, size, where + ("blocks", b), least=self.panels.least)
                    except TextTooWide as error:
                        problems.append(self.source.problem(error.where, f"the word '{error.word.text}' is wider than its column "
                                                            f"({error.needs_mm:.1f} mm at {size:g} pt, the column has {error.has_mm:.1f} mm); "
                                                            "shorten it, or give its panel more width", error.word.offset))
                    except DiagramTooWide as error:
                        problems.append(self.source.problem(error.where, f"the diagram is too wide for its column: it needs {mm(error.needs_mm)} mm "
                                                            f"with its text at {error.size:g} pt (its smallest at min_font_size, {error.least:g} pt), "
                                                            f"its column has {mm(error.has_mm)} mm; " + self.wider(row, where, error.needs_mm)))
        return problems

    def wider(self, row: Row, where: tuple, column: float) -> str:
        """What would give a panel of row a column column mm wide: a width: share in its row
        (or a row of its own), else fewer columns, shorter texts or a larger page."""
        panel = self.panel_at[where]
        n = panel.columns or 1
        # 2 mm more: blocks are measured at widths rounded down to a fifth of the body's em (1.7 mm at 24 pt).
        need = n * (column + 2.0) + COLUMN_GAP * (n - 1) + 2 * PANEL_PADDING
        free = self.panels.inner - self.panels.gap * (len(row.places) - 1)
        others = sum(self.panel_at[w].width or 1.0 for w in row.places if w != where)
        if len(row.places) > 1 and need < free:
            share = max(math.ceil(need * others / (free - need) * 20) / 20, (panel.width or 1.0) + 0.05)
            return f"give its panel more width (width: {share:g}) or a row of its own"
        found = ["fewer columns in its panel"] if n > 1 else []
        if len(row.places) > 1 and column + 2 * PANEL_PADDING < self.panels.inner:
            found.append("a row of its own")
        found.append("shorter texts in its nodes")
        larger = LARGER_PAGE.get(self.sheet.page.size)
        if larger:
            found.append(f"a larger page (page: size: {larger})")
        return "give it " + _either(found)

    def refuse_titles(self, rows: list[Row], low: float) -> None:
        """Refuse the first panel title that does not fit its panel at the smallest size."""
        for row in rows:
            widths = self.panels.row_widths(row, low)
            for where, w in zip(row.places, widths):
                if self.panels.title_size(where, round(w, 2), low) is None:
                    self.refuse_title(self.panel_at[where], where, w)

    def refuse_title(self, panel: Panel, where: tuple, width: float) -> None:
        """The panel title too long for its panel even at MIN_TITLE_SIZE: what it needs and has."""
        need = self.ts.natural_width(title_text(panel), MIN_TITLE_SIZE, TITLE_STYLE)
        raise Refused([self.source.problem(where + ("title",), f"panel title '{markup.plain(panel.title)}' is too long for its panel: "
                                           f"at {MIN_TITLE_SIZE:g} pt it needs {need:.0f} mm, the panel has {width - 2 * PANEL_PADDING:.0f} mm")])

    def refuse_panel(self, rows: list[Row], panel: Panel, where: tuple, width: float, has: float) -> None:
        """The panel whose content does not fit its frame even at the smallest size: the words
        too wide for their columns, else by how much it is short."""
        low = self.sheet.theme.min_font_size
        problems = self.too_wide(rows, low)
        if not problems:
            found = self.panels.columns(where, width, low)
            row = next(row for row in rows if where in row.places)
            if found is None:  # a word too wide for one of its columns of unequal widths
                problems = [self.source.problem(where, f"panel '{markup.plain(panel.title)}' does not fit: a word is wider than "
                                                f"one of its columns even at {low:g} pt; give it more width, or fewer columns")]
            else:
                problems = [self.panel_short(where, row, found[0], has, low, "the panel")]
        raise Refused(problems)

    def panel_short(self, where: tuple, row: Row, need: float, has: float, low: float, holder: str) -> Problem:
        """A panel whose text needs more than holder gives it: by how much, and what would fix it."""
        short = need - has
        return self.source.problem(where, f"panel '{markup.plain(self.panel_at[where].title)}' does not fit: its text needs "
                                   f"{mm(need)} mm even at {low:g} pt, {holder} gives it {mm(has)} mm, {mm(short)} mm short; "
                                   + self.fixes(row, short / (LEADING * low * PT), low, page=False))

    def fixes(self, row: Row, lines: float, low: float, page: bool) -> str:
        """What would give a panel of row room for lines more lines: fewer lines, a larger share
        of the page or of its row, a larger page, two sheets."""
        lines = max(1, math.ceil(lines - 0.05))
        found = [f"shorten it by about {lines} line{'s' if lines > 1 else ''} at {low:g} pt"]
        if row.height is not None:
            found.append(f"give its row a larger height: (now {row.height:g})")
        if len(row.places) > 1 and any(self.panel_at[where].width is not None for where in row.places):
            found.append("give it more width: in its row")
        if page:
            found += self.page_fixes()
        return _either(found)

    def page_fixes(self) -> list[str]:
        """What gives the whole sheet room: a larger page, two sheets."""
        larger = LARGER_PAGE.get(self.sheet.page.size)
        return ([f"use a larger page (page: size: {larger})"] if larger else []) + ["split the sheet into two"]

    def overflows(self, rows: list[Row], low: float, room: float, banner_need: float, heights: list[float],
                  widths: list[list[float]]) -> list[Problem]:
        """What does not fit at the smallest size, place by place. If the rows need more than the
        page has, the panels that set the height of the tallest rows, as many as must give up
        about half their height at most to make up the difference (all, in proportion, when
        that is not enough); else each panel that needs more than its row's share gives it."""
        needs = [[self.panels.panel_height(where, round(w, 2), low) for where, w in zip(row.places, row_widths)]
                 for row, row_widths in zip(rows, widths)]
        problems = [self.source.problem(where, f"panel '{markup.plain(self.panel_at[where].title)}' does not fit: a word is wider "
                                        f"than one of its columns even at {low:g} pt; give it more width, or fewer columns")
                    for row, row_needs_r in zip(rows, needs) for where, need in zip(row.places, row_needs_r) if need == float("inf")]
        if problems:
            return problems
        row_needs = [max(n) for n in needs]
        over = banner_need + sum(row_needs) - room
        if over > 0.01:
            key = "rows" if self.sheet.rows is not None else "panels"
            cuts, left = {}, over
            for r in sorted(range(len(rows)), key=lambda r: -row_needs[r]):
                if left <= 0.01:
                    break
                cuts[r] = min(left, row_needs[r] / 2)
                left -= cuts[r]
            if left > 0.01:
                cuts = {r: over * need / sum(row_needs) for r, need in enumerate(row_needs)}
            line = LEADING * low * PT
            headline = (f"the sheet does not fit on one page, {mm(over)} mm over even at {low:g} pt (its {key} need "
                        f"{mm(sum(row_needs))} mm, the page has {mm(room - banner_need)} mm)")
            for k, (r, cut) in enumerate(sorted(cuts.items()), 1):
                row = rows[r]
                # The panel with the most text: where the row's panels share its width by their
                # content, a line less in one lowers the row by that panel's share of the width.
                p = max(range(len(row.places)), key=lambda p: needs[r][p] * widths[r][p])
                where = row.places[p]
                lines = cut / line
                if len(row.places) > 1 and not any(self.panel_at[w].width is not None for w in row.places):
                    lines *= sum(widths[r]) / widths[r][p]
                held = f"the most text of its row, {mm(row_needs[r])} mm tall" if len(row.places) > 1 else f"{mm(row_needs[r])} mm tall"
                panel = f"panel '{markup.plain(self.panel_at[where].title)}' ({held})"
                if len(cuts) == 1:
                    message = f"{headline}: {panel}; " + self.fixes(row, lines, low, page=True)
                elif k == 1:  # the headline and the page's own fixes once, then each cut
                    message = (f"{headline}; {_either(self.page_fixes())}, or make these {len(cuts)} cuts together: "
                               f"cut 1 of {len(cuts)}, {panel}: " + self.fixes(row, lines, low, page=False))
                else:
                    message = f"cut {k} of {len(cuts)} to fit the page, {panel}: " + self.fixes(row, lines, low, page=False)
                problems.append(self.source.problem(where, message))
            return problems
        for row, row_needs_r, height in zip(rows, needs, heights):
            for where, need in zip(row.places, row_needs_r):
                if need > height + 0.01:
                    problems.append(self.panel_short(where, row, need, height, low, f"its row (height: {row.height:g})"))
        return problems or [self.source.problem(("title",), f"the sheet does not fit on one page even at {low:g} pt; "
                                                "shorten it, or split it into two sheets")]


def mm(length: float) -> str:
    """A length in mm as a message shows it: whole millimetres, tenths below 10."""
    return f"{length:.0f}" if abs(length) >= 10 else f"{length:.1f}"


def _either(choices: list[str]) -> str:
    """a, b, or c."""
    return ", ".join(choices[:-1]) + ", or " + choices[-1] if len(choices) > 1 else choices[0]
