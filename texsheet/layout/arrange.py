"""Panels given without rows, put in rows: of the ways to group them in reading order, the one
whose page reads best once each is laid out (text large enough, fewest broken lines, least
of the page left empty).
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from functools import lru_cache

from texsheet.layout.panels import MIN_PANEL_WIDTH, SIZE_STEP, Panels, Row
from texsheet.layout.placement import Layout
from texsheet.layout.quality import blank, flaws
from texsheet.layout.refusals import Refused
from texsheet.model.sheet import Sheet

# Panels given without rows are grouped into rows: at most MAX_ROWS rows, at most MAX_PER_ROW
# panels to a row and none narrower than MIN_PANEL_WIDTH mm; of the groupings whose text is at
# least SIZE_TOLERANCE of the largest any reaches, the one that leaves the least empty.
MAX_ROWS = 12
MAX_PER_ROW = 4
SIZE_TOLERANCE = 0.85
COMFORTABLE_SIZE = 12.0  # pt: text this large reads well; a larger size is no reason to choose a layout
FLAW_COST = 0.5
UNSET_ROW = 1e6  # mm: how tall groupings() takes a row that cannot be set at any size
MAX_GROUPINGS = 40  # more ways than this to put the panels in rows: only one per number of rows is tried


class Arranger:
    """Chooses the rows for panels given without them: proposes groupings, has each laid out by
    plan_rows (the page planner's, which sizes a page of given rows), and keeps the best."""

    def __init__(self, sheet: Sheet, panels: Panels, places: list[tuple], plan_rows: Callable[[list[Row]], Layout]):
        self.sheet, self.panels, self.places = sheet, panels, places
        self.plan_rows = plan_rows

    def arrange(self) -> Layout:
        """Panels given without rows: laid out in each grouping groupings() proposes; of the
        layouts whose text is comfortably large (or nearly the largest any reach), the one that
        breaks the fewest lines of code and words, then leaves the least of the page empty (its
        empty share and its largest blank area, added), each line broken in a narrow box counting
        FLAW_COST of its share of the lines."""
        found, refused = [], None
        for rows in self.groupings():
            try:
                layout = self.plan_rows(rows)
            except Refused as error:
                refused = refused or error
                continue
            broken, cramped, lines = flaws(layout)
            found.append((min(p.size for p in layout.panels), (broken, blank(layout) + FLAW_COST * cramped / max(1, lines)), layout))
        if not found:
            raise refused  # groupings() proposes at least one, and each either fits or is refused
        enough = min(max(size for size, _, _ in found) * SIZE_TOLERANCE, COMFORTABLE_SIZE)
        return min((item for item in found if item[0] >= enough), key=lambda item: item[1])[2]

    def groupings(self) -> list[list[Row]]:
        """Ways to put the panels in rows, in reading order, at most as many to a row as fit side
        by side: every way, if there are at most MAX_GROUPINGS, else for each number of rows the
        one that needs the least height at a middle size. Those that need the least height first."""
        places = self.places
        n = len(places)
        most = max(1, min(MAX_PER_ROW, int((self.panels.inner + self.panels.gap) // (MIN_PANEL_WIDTH + self.panels.gap))))
        most = max(most, math.ceil(n / MAX_ROWS))  # a narrow page still has a way to hold every panel
        theme = self.sheet.theme
        low = theme.min_font_size
        size = theme.font_size or round((low + theme.max_font_size) / 2 / SIZE_STEP) * SIZE_STEP

        def row_need(row: Row, size: float) -> float:
            return self.panels.row_need(row, self.panels.row_widths(row, size), size)

        @lru_cache(maxsize=None)
        def need(i: int, j: int) -> float:
            """The row's height at the middle size; a row that cannot be set that large is
            judged by its height at the smallest size, scaled up (text grows with its size), and
            one that cannot be set at all by UNSET_ROW: every grouping is tried, in that order."""
            row = Row(None, tuple(places[i:j]))
            found = row_need(row, size)
            if found == float("inf") and low < size:
                found = row_need(row, low) * size / low
            return found if found < float("inf") else UNSET_ROW

        def rows_of(cuts: list[int]) -> tuple[float, list[Row]]:
            return (sum(need(a, b) for a, b in zip(cuts, cuts[1:])),
                    [Row(None, tuple(places[a:b])) for a, b in zip(cuts, cuts[1:])])

        every = list(itertools.islice(_cuts(n, most, MAX_ROWS), MAX_GROUPINGS + 1))
        if len(every) <= MAX_GROUPINGS:
            candidates = [rows_of(cuts) for cuts in every]
        else:
            inf = float("inf")
            # least[k][j]: the least height of the first j panels in k rows, and where the last row starts
            least = [[(inf, 0)] * (n + 1) for _ in range(n + 1)]
            least[0][0] = (0.0, 0)
            candidates = []
            for k in range(1, min(n, MAX_ROWS) + 1):
                for j in range(1, n + 1):
                    least[k][j] = min(((least[k - 1][i][0] + need(i, j), i) for i in range(max(0, j - most), j)), default=(inf, 0))
                if least[k][n][0] < inf:
                    cuts, j = [n], n
                    for rows_left in range(k, 0, -1):
                        j = least[rows_left][j][1]
                        cuts.append(j)
                    candidates.append(rows_of(cuts[::-1]))
        return [rows for _, rows in sorted(candidates, key=lambda c: c[0])]


def _cuts(n: int, most: int, rows: int):
    """Every way to cut n panels into at most rows rows of at most most: the row starts, and n."""
    if n == 0:
        yield [0]
        return
    if n > most * rows:
        return
    for last in range(1, min(most, n) + 1):
        for cuts in _cuts(n - last, most, rows - 1):
            yield cuts + [n]
