"""What a reviewer types as a corrected value, read as the value an edit records.

A person types a name as they would write it ("Ryanggang", "bowibu", "China",
"2019-03"); the vocabularies turn it into the id every other value uses, so a corrected
value is counted, searched and exported like a machine's. A name no vocabulary knows is
refused with the way to teach it (an alias in the collection's vocabulary overlay).
"""

from __future__ import annotations

import re
from typing import Any

from .errors import CorroborateError
from .review import FIELDS
from .vocab import load

__all__ = ["read_value"]

_VOCABULARY = {"perpetrator": "organisations", "country": "countries", "region": "regions",
               "city": "places", "violations": "violations"}
_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def read_value(field: str, text: str) -> Any:
    """``{"value", "label"}`` for ``text`` typed as the new value of ``field`` (for
    ``violations``, a list of them, from names separated by commas or semicolons)."""
    if field not in FIELDS:
        raise CorroborateError(f"cannot correct {field!r}: one of {', '.join(FIELDS)}")
    text = text.strip()
    if not text:
        raise CorroborateError("type the new value (or reject the value instead)")
    if field == "when":
        if not _DATE.match(text):
            raise CorroborateError(f"{text!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
        return {"value": text, "label": text}
    if field == "violations":
        names = [n for n in re.split(r"[;,]", text) if n.strip()]
        return [_term("violations", n.strip()) for n in names]
    return _term(field, text)


def _term(field: str, name: str) -> dict[str, str]:
    vocabulary = _VOCABULARY.get(field, field)
    term = load(vocabulary).lookup(name)
    if term is None:
        raise CorroborateError(
            f"no {vocabulary} entry is called {name!r}: check the spelling, or ask an admin "
            f"to add it as an alias (Vocabularies page, or `corroborate vocab add-alias`)")
    value = term.id
    if vocabulary == "places":  # "KP:KP-10:Hyesan" -> "KP-10:Hyesan", as place facts say
        value = value.split(":", 1)[1]
    return {"value": value, "label": term.label}
