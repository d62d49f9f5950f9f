"""Dates stated in report text, and their resolution against a publication date.

Values use EDTF (ISO 8601-2) so precision is part of the value: ``2017-05-14`` (day),
``2017-05`` (month), ``2017`` (year), ``199X`` (decade), ``XXXX-05`` (month of an unknown
year, when no publication date anchors it) and ``""`` for vague expressions such as
"in recent years", which are kept and say so rather than being guessed.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from .folding import Folded, Screened
from .spans import without_overlaps
from .vocab_index import Required

__all__ = ["MONTH_NAMES", "DateMention", "find_dates", "mentions", "normalise_date", "resolve"]

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
# in English whatever the locale (``calendar.month_name`` follows LC_TIME)
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November"
          r"|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)")
_QUAL = (r"(?:(?P<qual>early|late|mid|the end of|the beginning of|the middle of"
         r"|the start of)[\s-]+)")
# "May 2018, police" yes; "2018,000" no; "1970s and 1980s": decades, not the year 1980
_YEAR = r"(?P<year>(?:19|20)\d{2})(?!\d|,\d|['’]?s\b)"
_PREP = (r"(?:in|since|from|until|till|by|during|of|last|this|between|and|to|through|on"
         r"|before|after)")
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
# Python's regex engine looks for where a match may begin character by character, unless
# the pattern begins with a character (or one of a set): then it skips along the text to
# such a character. "\b" before a word character is the same as "(?<!\w)" after it,
# written so the pattern begins with the character (tests/test_vocab_index.py checks that
# the patterns find what the "\b" ones did)
_MONTH_AT_WORD = "(?:" + "|".join(
    f"{name[0]}(?<!\\w.){name[1:]}" for name in _MONTH[3:-1].split("|")) + ")"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("dmy", re.compile(rf"(?P<day>\d(?<!\w\d)\d?)(?:st|nd|rd|th)?\s+(?P<month>{_MONTH})"
                       rf"(?:,?\s+{_YEAR})?")),
    ("mdy", re.compile(rf"(?P<month>{_MONTH_AT_WORD})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)"
                       rf"(?:,?\s+{_YEAR})?")),
    ("my", re.compile(rf"\b{_QUAL}?(?P<month>{_MONTH})(?:,?\s+(?:of\s+)?{_YEAR})?\b")),
    ("iso", re.compile(r"(?P<year>(?:19|20)(?<!\w\d\d)\d{2})-(?P<month>[01]\d)-"
                       r"(?P<day>[0-3]\d)\b")),
    ("decade", re.compile(r"\b(?:the\s+)?(?:(?P<qual>early|late|mid)[\s-]+)?"
                          r"(?P<decade>(?:19|20)\d)0(?:s|’s|'s)")),
    ("year", re.compile(rf"(?i:\b(?:{_PREP}|early|late|mid)[\s-]+(?:of\s+)?)"
                        rf"{_QUAL.replace('?P<qual>', '?:')}?{_YEAR}")),
    ("relative", re.compile(
        r"(?i:\b(?P<rel>(?:earlier|later)\s+this\s+(?:month|year|week)|last\s+(?:month|year|week)"
        r"|this\s+(?:month|year|week)|the\s+previous\s+(?:month|year)|yesterday"
        r"|(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
        r"(?P<unit>days?|weeks?|months?|years?)\s+ago)\b)")),
    ("weekday", re.compile(r"\b(?:on|last)\s+(?P<weekday>Monday|Tuesday|Wednesday|Thursday"
                           r"|Friday|Saturday|Sunday)\b")),
    ("vague", re.compile(r"(?i:\b(?P<vague>in\s+recent\s+(?:years|months|weeks)|recently"
                         r"|in\s+the\s+past(?:\s+few\s+(?:years|months))?|for\s+years"
                         r"|these\s+days|lately)\b)")),
]
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10}


@dataclass(frozen=True)
class DateMention:
    """A date expression as written, with the parts it states."""

    start: int
    end: int
    quote: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    decade: int | None = None
    relative: str | None = None
    qualifier: str | None = None
    vague: bool = False


# a text without a month's name, a weekday or a decade is not scanned for one
_CHECKED = [(kind, Required(regex)) for kind, regex in _PATTERNS]
# the patterns that ignore case run over the text's lower case (folding.py): twice as fast
_FINDERS: dict[str, re.Pattern[str] | Folded | Screened] = {
    kind: folded if (folded := Folded(regex)).lowered is not None else regex
    for kind, regex in _PATTERNS}
# "in 2019": a year after a preposition ignoring case, then a qualifier that does not; tried
# where the same, all in lower case and less what follows the year, is found in the lower case
_FINDERS["year"] = Screened(dict(_PATTERNS)["year"], rf"\b(?:{_PREP}|early|late|mid)[\s-]+"
                            rf"(?:of\s+)?{_QUAL.replace('?P<qual>', '?:')}?(?:19|20)\d{{2}}")


def find_dates(text: str) -> list[DateMention]:
    """Every date expression in ``text``, in order; overlapping matches keep the longest."""
    low = text.lower()
    return mentions(text, [(kind, _FINDERS[kind]) for kind, checked in _CHECKED
                           if checked.may_match(text, low)], _mention)


def mentions(text: str, patterns: Iterable[tuple[str, re.Pattern[str] | Folded | Screened]],
             read: Callable[[str, re.Match[str]], DateMention | None]) -> list[DateMention]:
    """The date expressions ``patterns`` (kind, regex) match in ``text``, each read by
    ``read``, in order; overlapping matches keep the longest (English and Korean alike)."""
    found: list[DateMention] = []
    for kind, regex in patterns:
        for m in regex.finditer(text):
            mention = read(kind, m)
            if mention is not None:
                found.append(mention)
    return without_overlaps(found)


def _mention(kind: str, m: re.Match[str]) -> DateMention | None:
    groups = m.groupdict()
    start, end, quote = m.start(), m.end(), m.group(0)
    if kind == "vague":
        return DateMention(start, end, quote, vague=True)
    if kind == "relative":
        rel = re.sub(r"\s+", " ", groups["rel"].lower())
        if groups.get("n"):
            n = groups["n"].lower()
            count = _NUMBERS.get(n) or int(n)
            rel = f"ago:{count}:{groups['unit'].rstrip('s').lower()}"
        return DateMention(start, end, quote, relative=rel)
    if kind == "weekday":
        return DateMention(start, end, quote, relative=f"weekday:{groups['weekday'].lower()}")
    if kind == "decade":
        return DateMention(start, end, quote, decade=int(groups["decade"]) * 10,
                           qualifier=groups.get("qual"))
    month = None
    if groups.get("month"):
        raw = groups["month"].lower().rstrip(".")
        month = int(raw) if raw.isdigit() else MONTHS.get(raw)
    if kind == "my" and groups["month"] == "May" and not groups.get("year"):
        # "May" is also a verb: a bare "May" counts only after a preposition.
        before = m.string[max(0, start - 12):start]
        if not re.search(rf"\b{_PREP}\s+$|\b(?:early|late|mid)[\s-]+$", before, re.I) \
                and not groups.get("qual"):
            return None
    day = int(groups["day"]) if groups.get("day") else None
    if day is not None and not 1 <= day <= 31:
        return None
    year = int(groups["year"]) if groups.get("year") else None
    return DateMention(start, end, quote, year=year, month=month, day=day,
                       qualifier=groups.get("qual"))


def resolve(mention: DateMention, anchor: date | None) -> tuple[str, str]:
    """The EDTF value and precision of a mention, reading relative parts from ``anchor``.

    Precision is one of ``day``, ``month``, ``year``, ``decade``, ``unknown``.
    """
    if mention.vague:
        return "", "unknown"
    if mention.decade is not None:
        return f"{mention.decade // 10}X", "decade"
    if mention.relative is not None:
        try:
            if mention.relative.startswith(_CALENDAR):
                return _resolve_calendar(mention, anchor)
            return _resolve_relative(mention.relative, anchor)
        except (OverflowError, ValueError):  # "4000 days ago" before year 1
            return "", "unknown"
    year = mention.year
    if year is None and mention.month is not None and anchor is not None:
        year = anchor.year
        later = (mention.month, mention.day or 1) > (anchor.month, anchor.day)
        if later:  # "in May" in a report of March speaks of last May
            year -= 1
    if mention.month is None:
        return (str(year), "year") if year else ("", "unknown")
    y = f"{year:04d}" if year else "XXXX"
    if mention.day is not None:
        return f"{y}-{mention.month:02d}-{mention.day:02d}", "day"
    return f"{y}-{mention.month:02d}", "month"


def _resolve_relative(rel: str, anchor: date | None) -> tuple[str, str]:
    if anchor is None:
        return "", "unknown"
    if rel.startswith(("season:", "lastweek:", "half:")) or rel == "weekend":
        return _resolve_week_or_season(rel, anchor)
    if rel.startswith("ago:"):
        _, n, unit = rel.split(":")
        count = int(n)
        if unit in ("day", "week"):
            d = anchor - timedelta(days=count * (7 if unit == "week" else 1))
            return (d.isoformat(), "day") if unit == "day" else (d.strftime("%Y-%m"), "month")
        if unit == "month":
            return _month_shift(anchor, -count), "month"
        return str(anchor.year - count), "year"
    if rel.startswith("weekday:"):
        target = WEEKDAYS[rel.split(":")[1]]
        back = (anchor.weekday() - target) % 7 or 7
        return (anchor - timedelta(days=back)).isoformat(), "day"
    if rel == "yesterday":
        return (anchor - timedelta(days=1)).isoformat(), "day"
    if rel.endswith("month"):
        shift = -1 if ("last" in rel or "previous" in rel) else 0
        return _month_shift(anchor, shift), "month"
    if rel.endswith("week"):
        return anchor.strftime("%Y-%m"), "month"
    shift = -1 if ("last" in rel or "previous" in rel) else 0
    return str(anchor.year + shift), "year"


# Relative parts that keep the mention's month or day (Korean states them; see dates_ko):
# "year:-1" with a month (지난해 11월), "month:-1" with a day (지난달 28일), "day:past" for a
# bare day of the month (지난 7일, 13일), "day:ahead" for an upcoming one (오는 15일).
_CALENDAR = ("year:", "month:", "day:")


def _resolve_calendar(mention: DateMention, anchor: date | None) -> tuple[str, str]:
    kind, arg = (mention.relative or "").split(":")
    if kind == "year":
        if anchor is None and mention.month is None:
            return "", "unknown"
        year = anchor.year + int(arg) if anchor is not None else None
        return resolve(replace(mention, relative=None, year=year), anchor)
    if anchor is None:
        return "", "unknown"
    if kind == "month":
        index = anchor.year * 12 + anchor.month - 1 + int(arg)
        if mention.day is None:
            return f"{index // 12:04d}-{index % 12 + 1:02d}", "month"
        return date(index // 12, index % 12 + 1, mention.day).isoformat(), "day"
    return _day_of_month(mention.day or 0, anchor, ahead=arg == "ahead").isoformat(), "day"


def _day_of_month(day: int, anchor: date, ahead: bool) -> date:
    """This month's ``day``, or the nearest month's before (after, ``ahead``) the anchor
    that has it when this month's is on the wrong side of the anchor."""
    step = 1 if ahead else -1
    index = anchor.year * 12 + anchor.month - 1
    if (day < anchor.day) if ahead else (day > anchor.day):
        index += step
    for _ in range(3):  # the 31st of a month without one is the month's before
        year, month = divmod(index, 12)
        if day <= calendar.monthrange(year, month + 1)[1]:
            return date(year, month + 1, day)
        index += step
    raise ValueError(f"no day {day} near {anchor}")


# the month a season ends in, counted from January of the year it is named by (winter: the
# December it begins in, ending in February of the next year)
_SEASON_ENDS = {"spring": 5, "summer": 8, "autumn": 11, "winter": 14}


def _resolve_week_or_season(rel: str, anchor: date) -> tuple[str, str]:
    if rel == "weekend":  # the Saturday of the week before the anchor's
        return (anchor - timedelta(days=anchor.weekday() + 2)).strftime("%Y-%m"), "month"
    kind, name = rel.split(":")
    if kind == "half":  # the latest half year begun by the anchor
        begun_last_year = name == "second" and anchor.month < 7
        return str(anchor.year - 1 if begun_last_year else anchor.year), "year"
    if kind == "lastweek":  # that weekday of the week (Monday first) before the anchor's
        back = anchor.weekday() + 7 - WEEKDAYS[name]
        return (anchor - timedelta(days=back)).isoformat(), "day"
    # the latest season of that name wholly before the anchor's month
    months = anchor.year * 12 + anchor.month - 1 - _SEASON_ENDS[name]
    return str(months // 12), "year"


def _month_shift(anchor: date, months: int) -> str:
    index = anchor.year * 12 + anchor.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


_NUMERIC = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})")
_WRITTEN = re.compile(rf"({_MONTH})\s+(\d{{1,2}}),?\s+(\d{{4}})"
                      rf"|(\d{{1,2}})\s+({_MONTH})\s+(\d{{4}})")


# publication dates outside these years are placeholders ("0001-01-01") or typos
PLAUSIBLE_YEARS = range(1900, 2101)


def normalise_date(value: str | None) -> str | None:
    """A publication date as ``YYYY-MM-DD`` from the forms metadata comes in, else None."""
    if not value:
        return None
    m = _NUMERIC.match(value)
    try:
        if m:
            found = date(int(m[1]), int(m[2]), int(m[3]))
        elif w := _WRITTEN.search(value):
            if w[1]:
                found = date(int(w[3]), MONTHS[w[1].lower().rstrip(".")], int(w[2]))
            else:
                found = date(int(w[6]), MONTHS[w[5].lower().rstrip(".")], int(w[4]))
        else:
            return None
    except (ValueError, KeyError):
        return None
    return found.isoformat() if found.year in PLAUSIBLE_YEARS else None
