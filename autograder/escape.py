"""Escaping learner text for each place an instructor reads it: terminal, CSV, Markdown and HTML.

Everything a learner controls (student ids from file names, cell ids, exception messages, details built
from them) is data. It is escaped where it leaves the grader, for that destination, so the instructor's
terminal, spreadsheet, Markdown viewer or browser never runs or renders it as anything but text.
"""

from __future__ import annotations

import html
import re

# ANSI/VT escape sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other two-byte escapes,
# and the 8-bit C1 forms (CSI U+009B, OSC U+009D) some terminals honour.
_ANSI = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
                   r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
                   r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?"
                   r"|\x1b[ -/]*[0-~]?")
# what is left: C0 controls but tab and newline, DEL, C1 controls, and the Unicode direction overrides
# that can make a terminal or a spreadsheet show text in another order than it is stored
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"[\t\n\u2028\u2029\x85]+")


def plain(text: object, *, one_line: bool = True) -> str:
    """``text`` without escape sequences and control characters (and on one line, by default)."""
    out = _CONTROL.sub("", _ANSI.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n")))
    return _LINE_BREAKS.sub(" ", out) if one_line else out


def terminal(text: object) -> str:
    """For anything the CLI prints: no escape sequence may move the cursor, recolour, retitle or hide."""
    return plain(text, one_line=False)


# OWASP CSV injection: a cell starting with one of these is read as a formula by spreadsheets
# (the full-width forms too, which some spreadsheet programs fold to ASCII)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_cell(value: object) -> object:
    """A CSV field: numbers stay numbers; text loses control characters and cannot start a formula."""
    if value is None or isinstance(value, bool | int | float):
        return value
    raw = str(value)
    text = plain(raw)
    if raw.startswith(_FORMULA_START) or text.lstrip().startswith(_FORMULA_START):
        text = "'" + text
    return text


# what is active inline (the text never starts a line): emphasis, code, links and images, table cells,
# strikethrough, bare-URL autolinks (``:`` and ``.``) and math; an ``_`` between two letters or digits
# (``snake_case`` ids) can neither open nor close emphasis in CommonMark, so it is left as written
_MARKDOWN_SPECIAL = re.compile(r"([\\`*\[\]()|~:.!$]|(?<![^\W_])_|_(?![^\W_]))")


def markdown(text: object) -> str:
    """Inline Markdown text: one line, active punctuation backslash-escaped, then HTML-escaped, so it
    can neither format, link, embed an image, break a table row nor inject HTML."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", plain(text))
    return html.escape(escaped, quote=False)  # then < > &: no tag, autolink, entity or blockquote


def html_text(text: object) -> str:
    """Text inside an HTML element or a quoted attribute."""
    return html.escape(plain(text, one_line=False), quote=True)
