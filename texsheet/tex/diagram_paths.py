"""TikZ paths of the sequence diagram's and the mindmap's own marks (an actor's stick figure, a
sticky note, a message's arrow tip and cross, a cloud's outline), from the layout's numbers in
mm; y downwards is negated, as everywhere in the .tex."""
from __future__ import annotations

from pylatex.utils import NoEscape

from texsheet.layout.geometry import Point, Rect
from texsheet.text.units import fmt


def _at(p: Point) -> str:
    return f"({fmt(p.x)},{fmt(-p.y)})"


def ring(centre: Point, r: float) -> NoEscape:
    """A circle drawn as a pen goes round: from the top, a little past it (a decorated circle
    path overflows TeX's dimensions; an arc does not)."""
    return NoEscape(f"({fmt(centre.x)},{fmt(-(centre.y - r))}) arc[start angle=90,end angle=-280,radius={fmt(r)}]")


def actor_head(figure: Rect) -> NoEscape:
    """A stick figure's head: a circle at the top of its box."""
    r = figure.h * 0.17
    return ring(Point(figure.x + figure.w / 2, figure.y + r), r)


def actor_body(figure: Rect) -> NoEscape:
    """A stick figure's body, arms and legs, as three strokes."""
    cx, top, h = figure.x + figure.w / 2, figure.y, figure.h
    neck, hip, arms = top + 0.34 * h, top + 0.68 * h, top + 0.47 * h
    reach = figure.w * 0.5
    return NoEscape(f"{_at(Point(cx, neck))} -- {_at(Point(cx, hip))} "
                    f"{_at(Point(cx - reach, arms))} -- {_at(Point(cx + reach, arms))} "
                    f"{_at(Point(cx - reach * 0.8, top + h))} -- {_at(Point(cx, hip))} -- {_at(Point(cx + reach * 0.8, top + h))}")


def note_outline(note: Rect, em: float) -> NoEscape:
    """A sticky note with its lower right corner folded up."""
    fold = min(0.55 * em, note.h / 3)
    corners = [Point(note.x, note.y), Point(note.right, note.y), Point(note.right, note.bottom - fold),
               Point(note.right - fold, note.bottom), Point(note.x, note.bottom)]
    return NoEscape(" -- ".join(_at(p) for p in corners) + " -- cycle")


def note_fold(note: Rect, em: float) -> NoEscape:
    """The folded corner's crease."""
    fold = min(0.55 * em, note.h / 3)
    return NoEscape(f"{_at(Point(note.right, note.bottom - fold))} -- {_at(Point(note.right - fold, note.bottom - fold))} "
                    f"-- {_at(Point(note.right - fold, note.bottom))}")


def message_style(message: dict, em: float) -> NoEscape:
    """A message's line (solid or dashed) and its tip: filled (->>), open (-)), or none (->,
    and -x, whose cross is drawn apart)."""
    length, width = min(0.5 * em, 2.6), min(0.4 * em, 2.1)
    line = "line width=0.75pt" if message["line"] == "solid" else "line width=0.75pt,dash pattern=on 2.6pt off 2pt"
    tip = {"arrow": f"-{{Stealth[length={fmt(length)}mm,width={fmt(width)}mm,round]}}",
           "open": f"-{{Straight Barb[length={fmt(length * 0.8)}mm,width={fmt(width)}mm,round]}}"}.get(message["tip"])
    return NoEscape(f"{line},{tip}" if tip else line)


def message_cross(message: dict, em: float) -> NoEscape:
    """The cross at the end of a -x message: two strokes through its end."""
    end = message["points"][-1]
    d = min(0.28 * em, 1.4)
    return NoEscape(f"{_at(Point(end.x - d, end.y - d))} -- {_at(Point(end.x + d, end.y + d))} "
                    f"{_at(Point(end.x - d, end.y + d))} -- {_at(Point(end.x + d, end.y - d))}")


def tab_edge(tab: tuple[Point, ...]) -> NoEscape:
    """A box's kind tab: its right side, its cut corner and its bottom (its top and left are the box's)."""
    return NoEscape(" -- ".join(_at(p) for p in tab[1:]))


def closed(points: tuple[Point, ...]) -> NoEscape:
    return NoEscape(" -- ".join(_at(p) for p in points) + " -- cycle")


def cloud_outline(node: dict) -> NoEscape:
    """A cloud: scallops round an ellipse, each a curve out through its two control points."""
    return NoEscape(_at(node["start"]) + " " + " ".join(f".. controls {_at(c)} and {_at(d)} .. {_at(p)}" for c, d, p in node["bumps"]) + " -- cycle")


def bezier(points: tuple[Point, ...]) -> NoEscape:
    """A mindmap connector: one Bézier piece, start, two controls, end."""
    a, b, c, d = points
    return NoEscape(f"{_at(a)} .. controls {_at(b)} and {_at(c)} .. {_at(d)}")


GLOBALS = {"ring": ring, "actor_head": actor_head, "actor_body": actor_body, "note_outline": note_outline, "note_fold": note_fold,
           "message_style": message_style, "message_cross": message_cross, "tab_edge": tab_edge, "closed": closed,
           "cloud_outline": cloud_outline, "bezier": bezier}
