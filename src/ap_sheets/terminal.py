"""Text from outside (a file name, a folder) made safe to print to a terminal or a log.

A return's file name is chosen by whoever sent it. Printed as it is, ESC or BEL could
rewrite the operator's terminal, and CR or LF could forge a line of the run summary; a bidi
override could make a name read backwards. `printable` shows each such character as an
escape (`\\n`, `\\x1b`, `\\u202e`) instead. JSON output keeps the real name (JSON escapes it).
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls; the bidi embedding/override/isolate marks; line and
# paragraph separators (they end a line in some terminals and log viewers).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: object) -> str:
    """`text` (a name, a path) with every control or direction-changing character escaped."""
    return _UNSAFE.sub(_escape, str(text))
