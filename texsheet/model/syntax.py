"""PyYAML's syntax errors in plain words: the place, what the line likely gets wrong, the fix.

PyYAML names the parser's state ("expected <block end>, but found '<block sequence start>'");
a user needs the cause (an item indented one space too far) and what to type instead. Each
rule below reads the error's marks and the text around them; an error no rule knows keeps
PyYAML's words.
"""
from __future__ import annotations

import re

import yaml

# YAML's escapes of a double-quoted string that take a letter (or _) after the backslash and
# read on without complaint: \t of \theta is a tab, \n of \nu a line break, \f of \frac a form feed.
QUIET_ESCAPES: dict[str, str] = {
    "a": "a bell character (U+0007)", "b": "a backspace (U+0008)", "t": "a tab", "n": "a line break",
    "v": "a vertical tab (U+000B)", "f": "a form feed (U+000C)", "r": "a carriage return (U+000D)",
    "e": "an escape character (U+001B)", "N": "a next-line character (U+0085)", "L": "a line separator (U+2028)",
    "P": "a paragraph separator (U+2029)", "_": "a no-break space",
}
_CODE_ESCAPES = {"x": 2, "u": 4, "U": 8}  # \x41, \u00e9, \U0001F600: a character by its code
_LETTERS = re.compile(r"[A-Za-z]*")


def escape_advice(name: str) -> str:
    """Why name (a backslash command typed in a double-quoted string, such as \\theta) does not
    reach LaTeX, and the fix."""
    escape, rest = name[1:2], name[2:]
    if escape in QUIET_ESCAPES:
        reading = f"YAML reads \\{escape} as {QUIET_ESCAPES[escape]}" + (f', leaving "{rest}"' if rest else "")
    elif escape in _CODE_ESCAPES:
        reading = f"YAML reads \\{escape} as the start of a character code (\\{escape} and {_CODE_ESCAPES[escape]} hex digits)"
    else:
        reading = f"YAML has no escape \\{escape} and cannot read the file"
    return f"{name} in double quotes: {reading}; use single quotes ('...') or a block (|), or write the backslash twice: \\{name}"


def command_at(text: str, backslash: int) -> str:
    """The backslash command LaTeX would read at text[backslash]: \\ and a run of letters, or
    \\ and one other character."""
    letters = _LETTERS.match(text, backslash + 1).group()
    return "\\" + (letters or text[backslash + 1: backslash + 2])


def explain(error: yaml.MarkedYAMLError, text: str) -> tuple[int, int, str]:
    """(line, column, message) of a YAML syntax error: 1-based, in plain words."""
    context, problem = error.context or "", error.problem or ""
    mark = error.problem_mark or error.context_mark
    at, opened = mark.index, (error.context_mark.index if error.context_mark else mark.index)

    def place(index: int, message: str) -> tuple[int, int, str]:
        line_start = text.rfind("\n", 0, index) + 1
        return text.count("\n", 0, index) + 1, index - line_start + 1, message

    if context == "while scanning a double-quoted scalar" and ("escape" in problem):
        backslash = text.rfind("\\", 0, at + 1)
        return place(backslash, escape_advice(command_at(text, backslash)))
    if context == "while scanning a quoted scalar":
        return place(opened, _never_closed(text[opened]))
    if problem.startswith("found character '\\t'"):
        if not text[text.rfind("\n", 0, at) + 1: at].strip():
            return place(at, "a tab indents this line, and YAML indents with spaces only: replace the tab with spaces")
        return place(at, "a tab is not allowed here outside quotes: use a space, or put the value in quotes")
    if problem.startswith("found character") and "cannot start any token" in problem:
        start, value = _value_on_line(text, at)
        return place(at, f"a YAML value cannot start with {text[at]}: put the whole value in quotes, {quoted(value)}")
    if context in ("while scanning an alias", "while scanning an anchor"):
        return place(opened, _starts_with_alias(text, opened))
    if problem == "mapping values are not allowed here":
        return place(*_colon_problem(text, at))
    if problem.startswith("expected <block end>, but found"):
        return _block_end(text, at, problem, place)
    if context.startswith("while parsing a flow "):
        bracket = text[opened]
        kind, closing = ("list", "]") if bracket == "[" else ("map", "}")
        return place(opened, f"the {kind} this {bracket} opens does not end where YAML expects: close it with {closing}, "
                             f"separate its items with commas, and put an item holding ': ' or , [ ] {{ }} in quotes")
    if context == "while scanning a simple key":
        return place(opened, "this line is neither 'key: value' nor indented under the line above: indent it further "
                             "to continue the value above, or add ': ' after its key")
    if context == "expected a single document in the stream":
        return place(at, "a second document starts here: a content file is a single document, so remove this --- "
                         "(and the lines after it, if they are another sheet)")
    return place(at, "YAML syntax: " + " ".join(filter(None, [context, problem])))


INDENTATION = ("this line is indented differently from the lines above it; check that the items of one list or map "
               "start in the same column")


def _never_closed(quote: str) -> str:
    inside = "''" if quote == "'" else '\\"'
    return f"this {quote} opens a quoted value that is never closed: end the value with {quote} (a {quote} inside it is written {inside})"


def _starts_with_alias(text: str, star: int) -> str:
    """A value starting with * (an alias) or & (an anchor), such as **bold** at an item's start."""
    what = "an alias" if text[star] == "*" else "an anchor"
    return f"a value starting with {text[star]} is {what} to YAML: put the whole value in quotes, {quoted(_rest_of_line(text, star))}"


def _colon_problem(text: str, colon: int) -> tuple[int, str]:
    """(place, message) of a ': ' where YAML cannot start a key: inside a value, or on a key
    line indented too far, or after a line whose own colon has no space after it."""
    line_start = text.rfind("\n", 0, colon) + 1
    head = re.sub(r"^\s*(?:-\s+)*", "", text[line_start:colon])
    if ": " not in head and "'" not in head and '"' not in head:
        above_start = text.rfind("\n", 0, max(line_start - 1, 0)) + 1
        above = text[above_start:max(line_start - 1, 0)]
        squeezed = re.search(r":[^\s]", above)
        if squeezed and not re.search(r":\s", above):
            return above_start + squeezed.start(), "this colon has no space after it, so YAML reads this line and the next as one value: write 'key: value'"
        return colon, ("this key is indented further than the key above it, so YAML reads it as part of that key's value; "
                       "start it in the same column as the keys it belongs with")
    _, value = _value_on_line(text, colon)
    return colon, f"a colon and a space inside an unquoted value make YAML read a second key: put the whole value in quotes, {quoted(value)}"


def _block_end(text: str, at: int, problem: str, place):
    found = problem.rsplit("found ", 1)[-1]
    if found == "'<scalar>'":
        before = _last_token_before(text, at)
        if isinstance(before, yaml.ScalarToken) and before.style in ("'", '"'):
            quote, start = before.style, before.start_mark
            if start.line != before.end_mark.line:
                end = before.end_mark
                return place(start.index, f"this {quote} is not closed on its line, so the value runs on to the {quote} at line {end.line + 1}, "
                                          f"column {end.column}: close it on this line")
            value = _rest_of_line(text, start.index)
            inner = value[1:-1] if len(value) > 1 and value.endswith(quote) else value  # 'It's' meant It's
            return place(at, f"text after the closing {quote} of a quoted value: quote the whole value, such as {quoted(inner)}")
        if isinstance(before, (yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)):
            start, value = _value_on_line(text, at)
            return place(start, f"a value starting with {value[:1]} is a YAML {'map' if value[:1] == '{' else 'list'}: "
                                f"put the whole value in quotes, {quoted(value)}")
    if found == "'-'":
        return place(at, "a list item among the keys of a map: indent the items under the key they belong to (key:, then - item further in)")
    if found == "'?'":
        return place(at, "a key in the column of the list items above it: start it with '- ' to make it an item, or indent it under an item")
    return place(at, INDENTATION)


def _last_token_before(text: str, index: int) -> yaml.Token | None:
    """The last token YAML reads before index (the scanner stops at the first error)."""
    last = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= index:
                break
            last = token
    except yaml.YAMLError:
        pass
    return last


def _rest_of_line(text: str, index: int) -> str:
    """The line from index on, without its end or a trailing comment."""
    end = text.find("\n", index)
    return re.sub(r"\s+#.*$", "", text[index: end if end >= 0 else len(text)]).rstrip()


def _value_on_line(text: str, index: int) -> tuple[int, str]:
    """(start, text) of the value on index's line: after the indent, any '- ' and the first 'key: '."""
    line_start = text.rfind("\n", 0, index) + 1
    lead = re.match(r"\s*(?:-\s+)*(?:[^\s'\"\[\]{}#*&!|>@`%-][^#\n]*?:\s+)?", text[line_start:])
    start = line_start + lead.end()
    return start, _rest_of_line(text, start)


def quoted(value: str) -> str:
    """value as a YAML quoted string that reads back as value."""
    if "'" in value and '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"
