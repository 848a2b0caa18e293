"""Mermaid sequence diagrams read into participants and the steps down the page.

The subset (the README's "Diagrams" lists it): `participant` and `actor`, with `as` for the
label (a participant is also made by its first message); messages `->>`, `-->>`, `->`, `-->`,
`-x`, `--x`, `-)`, `--)` with their text after `:` (a `+` or `-` after the arrow, activation,
is read and left out, as are `activate` and `deactivate` lines); `Note left of A`, `right of A`,
`over A` and `over A,B`; the boxes `loop`, `alt`/`else`, `opt`, `par`/`and`,
`critical`/`option` and `break`, closed by `end`; `autonumber`; `%%` comments.
Everything else is a MermaidProblem at its offset in the text.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from texsheet.model.mermaid import BREAK, MermaidProblem, Fail

MAX_PARTICIPANTS = 10
MAX_STEPS = 60  # messages and notes
# Each kind of box, and the word that begins another section of it.
FRAGMENTS = {"loop": None, "alt": "else", "opt": None, "par": "and", "critical": "option", "break": None}
SECTIONS = {section: kind for kind, section in FRAGMENTS.items() if section}
# Arrows, longest first: (line, tip).
ARROWS = (("-->>", ("dotted", "arrow")), ("->>", ("solid", "arrow")), ("--x", ("dotted", "cross")), ("-x", ("solid", "cross")),
          ("--)", ("dotted", "open")), ("-)", ("solid", "open")), ("-->", ("dotted", "none")), ("->", ("solid", "none")))
_ID = r"[^\W]\w*"
_MESSAGE = re.compile(rf"({_ID})\s*(" + "|".join(re.escape(a) for a, _ in ARROWS) + rf")\s*[+-]?\s*({_ID})\s*(?::(.*))?")
_NOTE = re.compile(rf"note\s+(?:(left|right)\s+of|(over))\s+({_ID}(?:\s*,\s*{_ID})?)\s*:(.*)", re.I)
_KEYWORDS = ("participant", "actor", "note", "autonumber", "activate", "deactivate", "end", *FRAGMENTS, *SECTIONS)
WHAT_READS = ("participant, actor, a message (A->>B: text, with ->>, -->>, ->, -->, -x, --x, -), --)), Note left of/right of/over, "
              "loop, alt/else, opt, par/and, critical/option, break ... end, autonumber")


@dataclass
class Participant:
    id: str
    label: str
    actor: bool = False
    start: int = 0  # offset of the label in the Mermaid text


@dataclass(frozen=True)
class Message:
    tail: str
    head: str
    line: str  # solid or dotted
    tip: str  # arrow (filled), open, cross or none
    text: str = ""
    start: int = 0
    number: int | None = None  # with autonumber


@dataclass(frozen=True)
class Note:
    over: tuple[str, ...]  # one participant, or the two it spans
    side: str  # left, right or over
    text: str
    start: int = 0


@dataclass(frozen=True)
class Mark:
    """Where a box begins (open), a section of it begins (section) or it ends (close)."""

    what: str
    fragment: int


@dataclass
class Fragment:
    kind: str  # loop, alt, opt, par, critical, break
    sections: list[tuple[str, int]] = field(default_factory=list)  # (label, offset) of each, the first the box's own
    depth: int = 0  # how many boxes it is inside


@dataclass
class Sequence:
    participants: dict[str, Participant]
    steps: list[Message | Note | Mark]
    fragments: list[Fragment]

    def texts(self) -> list[tuple[str, int]]:
        """Every text the diagram shows, with its offset: each is text of the sheet."""
        found = [(p.label, p.start) for p in self.participants.values()]
        found += [(s.text, s.start) for s in self.steps if isinstance(s, (Message, Note)) and s.text]
        return found + [(label, at) for f in self.fragments for label, at in f.sections if label]


def parse_sequence(text: str) -> tuple[Sequence | None, list[MermaidProblem]]:
    """The sequence diagram the text describes (after its `sequenceDiagram` line), or None and
    every problem found."""
    return _Reader().read(text)


class _Reader:
    """Reads the lines after the header, one statement a line, collecting every problem."""

    def __init__(self) -> None:
        self.participants: dict[str, Participant] = {}
        self.steps: list[Message | Note | Mark] = []
        self.fragments: list[Fragment] = []
        self.open: list[tuple[int, int]] = []  # (fragment, offset) of the boxes begun and not ended
        self.numbered = False
        self.problems: list[MermaidProblem] = []

    def read(self, text: str) -> tuple[Sequence | None, list[MermaidProblem]]:
        offset, header = 0, False
        for raw in text.split("\n"):
            body = raw.split("%%")[0].strip() if not raw.strip().startswith("%%") else ""
            at = offset + len(raw) - len(raw.lstrip())
            offset += len(raw) + 1
            if not body:
                continue
            if not header:
                header = True  # the dispatcher has read it: sequenceDiagram
                continue
            try:
                self.statement(body, at)
            except Fail as fail:
                self.problems.append(MermaidProblem(fail.offset, fail.message))
        for fragment, at in self.open:
            self.problems.append(MermaidProblem(at, f"'{self.fragments[fragment].kind}' has no end"))
        counted = sum(isinstance(s, (Message, Note)) for s in self.steps)
        if not self.problems and counted == 0:
            self.problems.append(MermaidProblem(0, "the sequence diagram has no messages or notes"))
        if counted > MAX_STEPS:
            self.problems.append(MermaidProblem(0, f"the sequence diagram has {counted} messages and notes; at most {MAX_STEPS} fit a sheet "
                                                "(split it into two diagrams)"))
        if self.problems:
            return None, self.problems
        return Sequence(self.participants, self.steps, self.fragments), []

    def statement(self, body: str, at: int) -> None:
        word = re.match(r"\w+", body)
        keyword = word.group().lower() if word else ""
        rest = body[word.end():].strip() if word else body
        rest_at = at + len(body) - len(body[word.end():].lstrip()) if word else at
        message = _MESSAGE.fullmatch(body)
        if message and keyword not in ("note",):
            self.message(message, at)
        elif keyword in ("participant", "actor") and word.group() == keyword:
            self.participant(rest, rest_at, keyword == "actor", at)
        elif keyword == "note":
            self.note(body, at)
        elif body == "autonumber":
            self.numbered = True
        elif keyword in ("activate", "deactivate") and word.group() == keyword:
            pass  # activation bars: not drawn
        elif keyword in FRAGMENTS and word.group() == keyword:
            self.begin(keyword, rest, rest_at, at)
        elif keyword in SECTIONS and word.group() == keyword:
            self.section(keyword, rest, rest_at, at)
        elif body == "end":
            if not self.open:
                raise Fail(at, "'end' without a loop, alt, opt, par, critical or break to close")
            self.steps.append(Mark("close", self.open.pop()[0]))
        elif re.match(rf"{_ID}\s*[-=<>~.]", body):
            raise Fail(at, f"a message reads A->>B: text, with one of the arrows {', '.join(a for a, _ in ARROWS)}")
        else:
            first = body.split()[0]
            close = difflib.get_close_matches(first.lower(), _KEYWORDS, n=1, cutoff=0.75)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise Fail(at, f"'{first}' is not part of the Mermaid texsheet draws; {hint}a sequence diagram's lines are {WHAT_READS}")

    def participant(self, rest: str, at: int, actor: bool, line_at: int) -> None:
        match = re.fullmatch(rf"({_ID})(?:\s+as\s+(.+))?", rest)
        if not match:
            raise Fail(line_at, "a participant reads: participant ID, or participant ID as its label")
        ident = match.group(1)
        if ident in self.participants and any(isinstance(s, (Message, Note)) for s in self.steps):
            raise Fail(at, f"'{ident}' is declared after its first message; declare participants before the messages")
        if ident in self.participants:
            raise Fail(at, f"participant '{ident}' is declared twice")
        self.add(ident, at)
        if match.group(2):
            self.participants[ident].label = BREAK.sub("\n", match.group(2).strip())
            self.participants[ident].start = at + match.start(2)
        self.participants[ident].actor = actor

    def add(self, ident: str, at: int) -> None:
        if ident in self.participants:
            return
        if ident in _KEYWORDS:
            raise Fail(at, f"'{ident}' is a keyword of sequence diagrams; it cannot name a participant")
        if len(self.participants) == MAX_PARTICIPANTS:
            raise Fail(at, f"more than {MAX_PARTICIPANTS} participants do not fit a sheet (split the diagram)")
        self.participants[ident] = Participant(ident, ident, False, at)

    def message(self, match: re.Match, at: int) -> None:
        tail, arrow, head, text = match.groups()
        for ident, group in ((tail, 1), (head, 3)):
            self.add(ident, at + match.start(group))
        line, tip = dict(ARROWS)[arrow]
        text = text or ""
        text_at = at + (match.start(4) + len(text) - len(text.lstrip()) if match.group(4) is not None else match.end())
        number = sum(isinstance(s, Message) for s in self.steps) + 1 if self.numbered else None
        self.steps.append(Message(tail, head, line, tip, BREAK.sub("\n", text.strip()), text_at, number))

    def note(self, body: str, at: int) -> None:
        match = _NOTE.fullmatch(body)
        if not match:
            raise Fail(at, "a note reads: Note left of A: text, Note right of A: text, Note over A: text or Note over A,B: text")
        side = (match.group(1) or match.group(2)).lower()
        over = tuple(name.strip() for name in match.group(3).split(","))
        if side != "over" and len(over) > 1:
            raise Fail(at + match.start(3), f"a note {side} of a participant names one; Note over A,B spans two")
        for name in over:
            self.add(name, at + match.start(3) + match.group(3).index(name))
        text = match.group(4)
        self.steps.append(Note(over, side, BREAK.sub("\n", text.strip()), at + match.start(4) + len(text) - len(text.lstrip())))

    def begin(self, kind: str, label: str, label_at: int, at: int) -> None:
        self.fragments.append(Fragment(kind, [(BREAK.sub("\n", label), label_at)], len(self.open)))
        self.open.append((len(self.fragments) - 1, at))
        self.steps.append(Mark("open", len(self.fragments) - 1))

    def section(self, word: str, label: str, label_at: int, at: int) -> None:
        kind = SECTIONS[word]
        if not self.open or self.fragments[self.open[-1][0]].kind != kind:
            raise Fail(at, f"'{word}' begins another section of a {kind} box: it stands between '{kind}' and its 'end'")
        fragment = self.open[-1][0]
        self.fragments[fragment].sections.append((BREAK.sub("\n", label), label_at))
        self.steps.append(Mark("section", fragment))

