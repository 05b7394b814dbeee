"""Messages from the Python API retold in the words of the file format, for people who write YAML or JSON.

The core's messages name Python things: the enum behind a field (``Status must
be one of ...``), and events as calls (``Vacate('p')``, ``the Appoint``).  Someone
who wrote ``vacate: p`` in a file should read that instead.  Quoted text (names
and ids from the data) is left exactly as it is.
"""

from __future__ import annotations

import re

#: Each event class and the key that writes it in a file.
EVENT_KEYS = {
    "Establish": "establish",
    "Dissolve": "dissolve",
    "Rename": "rename",
    "Move": "move",
    "Merge": "merge",
    "Absorb": "absorb",
    "Split": "split",
    "Transfer": "transfer",
    "Appoint": "appoint",
    "Vacate": "vacate",
    "SetReportingLine": "report",
    "SetHead": "head",
    "AddRelation": "relate",
    "RemoveRelation": "unrelate",
}
_ENUM_FIELDS = {
    "Status": "'status'",
    "UnitKind": "'kind'",
    "PostKind": "'kind'",
    "FunctionKind": "'kind'",
    "RelationKind": "the kind of relation",
    "Precision": "'precision'",
}
_QUOTED = re.compile(r"""('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")
_CALL = re.compile(r"\b(" + "|".join(EVENT_KEYS) + r")\(([^()]*)\)")
_NAME = re.compile(r"\b(" + "|".join(EVENT_KEYS) + r")\b")
_ENUM = re.compile(r"\b(" + "|".join(_ENUM_FIELDS) + r") must be one of")
_ARGUMENT = re.compile(r"""'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(\.\.\.)""")


def in_file_words(message: str) -> str:
    """``message`` with Python names of events and fields replaced by how a file writes them.

    >>> in_file_words("a post has one holder: vacate it first (Vacate('p') before the Appoint)")
    'a post has one holder: vacate it first (vacate: p before the appoint)'
    >>> in_file_words("Status must be one of 'planned', 'decided', got 'Move'")
    "'status' must be one of 'planned', 'decided', got 'Move'"
    """
    message = _CALL.sub(_call_as_written, message)
    parts = _QUOTED.split(message)
    for index in range(0, len(parts), 2):  # the even parts are outside quotes
        part = _ENUM.sub(lambda found: f"{_ENUM_FIELDS[found[1]]} must be one of", parts[index])
        parts[index] = _NAME.sub(lambda found: EVENT_KEYS[found[1]], part)
    return "".join(parts)


def _call_as_written(found: re.Match[str]) -> str:
    key = EVENT_KEYS[found[1]]
    arguments = [next(group for group in match.groups() if group is not None) for match in _ARGUMENT.finditer(found[2])]
    if not arguments:
        return key
    if key == "appoint" and len(arguments) == 2:  # Appoint(post, person); a file says appoint: person, to: post
        return f"appoint: {arguments[1]}, to: {arguments[0]}"
    written = f"{key}: {arguments[0]}"
    if len(arguments) > 1:
        written += f", to: {arguments[1]}"
    return written
