"""Code highlighted by Pygments, in the sheet's own pens."""
from __future__ import annotations

from pygments import lex
from pygments.lexers import get_lexer_by_name
from pygments.token import Comment, Keyword, Name, Number, Operator, String, Token

# Pygments token types and the pen each is written in; the nearest listed parent decides.
PENS = {
    Comment: "grey",
    Keyword: "purple",
    Name.Builtin: "teal",
    Name.Function: "blue",
    Name.Class: "blue",
    Name.Decorator: "orange",
    String: "green",
    Number: "orange",
    Operator.Word: "purple",
}


def _pen(token_type) -> str:
    while token_type is not Token:
        if token_type in PENS:
            return PENS[token_type]
        token_type = token_type.parent
    return ""


def code_tokens(code: str, language: str) -> list[list[tuple[str, str]]]:
    """The code's lines as (text, pen) runs; tabs become four spaces, trailing spaces go."""
    lines: list[list[tuple[str, str]]] = [[]]
    source = code.expandtabs(4).rstrip("\n")
    tokens = lex(source, get_lexer_by_name(language, stripnl=False, ensurenl=False)) if language else [(Token.Text, source)]
    for token_type, text in tokens:
        pen = _pen(token_type)
        for n, part in enumerate(text.split("\n")):
            if n:
                lines.append([])
            if part:
                lines[-1].append((part, pen))
    for line in lines:
        while line and not line[-1][0].rstrip(" "):
            line.pop()
        if line:
            line[-1] = (line[-1][0].rstrip(" "), line[-1][1])
    return lines
