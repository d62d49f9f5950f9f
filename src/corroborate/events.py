"""Events: one incident in the world, linked across the stories that state it.

A story states an incident in one text (copies of that text are its versions). The unit
linked here is an :class:`Account`: a story's incident reduced to what comparing needs,
its main values (``incidents.main_values``) with their quotes, plus the details that tell
two incidents apart (the number of victims, the quoted words, the figures, the named
victims, the source described) and the story's reports.

Two accounts are one event when they are **compatible** (same country; no different
city, county or province; dates that can be the same date at their precision; a violation
in common) and **the text says so**: agreeing details add to a score, disagreeing ones take
from it, and the pair links at :data:`LINK_SCORE`. Every link keeps its reasons
(:class:`Link.why`). Accounts are found by blocking keys (country, violation, month), so
a new account is compared with the few that could be the same incident, not with the
whole collection; events are the connected components of the links, and an event's id
is derived from its smallest account id, so it does not depend on arrival order.

Which accounts are independent (origins) is decided inside an event by ``origins.py``;
what each origin says, field by field, by ``claims.py``. docs/events.md has the rules.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from . import vocab
from .incidents import StoryIncident, main_values
from .model import Fact, Report, Story, make_id

__all__ = [
    "LINK_SCORE",
    "Account",
    "Claim",
    "Link",
    "account",
    "account_id",
    "blocking_keys",
    "compare",
    "event_id",
    "probe_keys",
]

LINK_SCORE = 3.0
# independent accounts of one incident can be published weeks apart; with no incident
# date on either side, accounts published further apart are not compared
UNDATED_WINDOW_DAYS = 120
_QUOTE = re.compile(r"[“\"]([^”\"\n]{20,400})[”\"]")
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_FIGURE = re.compile(r"\b\d{1,3}(?:,\d{3})+\b|\b\d{2,}\b")
_STOP = frozenset("""
the and for that with from this have has had was were are been but not they their them
its his her him she who whom which what when where while after before also said says
told into over under about than then there these those such only other more most some
any all one two three four five six seven eight nine ten said according source sources
report reported reports reporting province north korea korean korea's people year years
month months last week weeks day days city county local authorities official officials
would could should will can may might being because since during between among around
""".split())


@dataclass(frozen=True)
class Claim:
    """One value an account states for one field, with the words that state it."""

    field: str
    value: str
    label: str
    report_id: str
    start: int
    end: int
    quote: str
    precision: str | None = None
    low: int | None = None  # victim counts: the range stated
    high: int | None = None


@dataclass(frozen=True)
class Account:
    """A story's incident as event linking sees it (stored as JSON, one row per account)."""

    id: str
    story_id: str
    incident_id: str
    report_id: str  # the story's canonical version
    title: str | None
    published: str | None
    outlet: str | None
    country: str | None
    region: str | None
    city: str | None
    places: tuple[str, ...]
    when: str | None
    precision: str | None
    violations: tuple[str, ...]
    perpetrator: str | None
    perpetrators: tuple[str, ...]
    groups: tuple[str, ...]
    named: tuple[str, ...]
    count: tuple[int, int | None] | None
    punishments: tuple[str, ...]
    sources: tuple[str, ...]
    quotes: tuple[str, ...]
    figures: tuple[str, ...]
    words: tuple[int, ...]
    claims: tuple[Claim, ...]
    reports: tuple[dict[str, Any], ...]  # id, origin, url, outlet, published, title
    cites: tuple[tuple[str, str], ...] = ()  # (outlet id, the words citing it)
    own_reporting: bool = False  # "told <its own outlet>": the outlet's own sources

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Account:
        data = dict(data)
        data["claims"] = tuple(Claim(**c) for c in data["claims"])
        data["count"] = tuple(data["count"]) if data["count"] else None
        data["cites"] = tuple(tuple(c) for c in data.get("cites", ()))
        data["reports"] = tuple(data["reports"])
        for key in ("places", "violations", "perpetrators", "groups", "named", "punishments",
                    "sources", "quotes", "figures", "words"):
            data[key] = tuple(data[key])
        return cls(**data)


@dataclass(frozen=True)
class Link:
    """Why two accounts are taken for one incident: the score and each reason's part."""

    a: str
    b: str
    score: float
    why: dict[str, Any] = field(default_factory=dict)


def _claim(fact: Fact, field_name: str | None = None, **extra: Any) -> Claim:
    return Claim(field_name or fact.field, fact.value, fact.label, fact.evidence.report_id,
                 fact.evidence.start, fact.evidence.end, fact.evidence.quote,
                 fact.attrs.get("precision"), **extra)


def _words(text: str) -> tuple[int, ...]:
    """The report's content words (lower-cased, crudely stemmed), hashed: enough to say
    how much of one account's wording another has, without keeping the text twice."""
    out = set()
    for word in _WORD.findall(text.lower()):
        if word in _STOP:
            continue
        for suffix in ("ing", "ed", "es", "s"):
            if len(word) > len(suffix) + 3 and word.endswith(suffix):
                word = word[:-len(suffix)]
                break
        out.add(zlib.crc32(word.encode()))
    return tuple(sorted(out))


def _normal(phrase: str) -> str:
    return " ".join(re.findall(r"\w+", phrase.lower()))


def _outlet_id(name: str | None) -> str | None:
    if not name:
        return None
    term = vocab.load("outlets").lookup(name)
    return term.id if term else "site:" + _normal(name)


def account(story: Story, item: StoryIncident, reports: Mapping[str, Report],
            cites: tuple[tuple[str, str], ...] = (), own_reporting: bool = False) -> Account:
    """The account a story gives of its incident (``reports``: the story's versions)."""
    incident = item.incident
    canonical = reports[story.canonical_report_id]
    main = main_values(incident)
    facts = incident.facts
    country, region, city = main["country"], main["region"], main["city"]
    when = next((f for f in facts if f.field == "date" and f.attrs.get("role") == "when"),
                None)
    perpetrator = main["perpetrator"]
    counts = [f for f in facts if f.field == "victim_count"]
    count = counts[0] if counts else None
    claims: list[Claim] = [_claim(f) for f in main["violations"]]
    if perpetrator is not None:
        claims.append(_claim(perpetrator))
    claims += [_claim(f) for f in main["victims"]]
    if count is not None:
        claims.append(_claim(count, low=int(count.attrs.get("min", 0)),
                             high=_high(count)))
    for name, fact in (("country", country), ("region", region), ("place", city)):
        if fact is not None:
            claims.append(_claim(fact, name))
    if when is not None:
        claims.append(_claim(when))
    claims += [_claim(f) for f in facts if f.field == "punishment"]
    in_country = [f for f in facts if f.field == "place" and country is not None
                  and f.attrs.get("country") == country.value
                  and f.attrs.get("region")  # a river or a border runs through many
                  and f.attrs.get("kind") not in ("country", "region", "demonym", "border")]
    members = sorted((reports[m.report_id] for m in story.members if m.report_id in reports),
                     key=lambda r: (r.published or "9999", r.id))
    return Account(
        id=account_id(story, incident.id),
        story_id=story.id, incident_id=incident.id, report_id=canonical.id,
        title=canonical.title or next((r.title for r in members if r.title), None),
        published=item.published,
        outlet=next((o for r in members if (o := _outlet_id(r.outlet))), None),
        country=country.value if country else None,
        region=region.value if region else None,
        city=city.value if city else None,
        places=tuple(sorted({f.value for f in in_country})),
        when=when.value if when else None,
        precision=when.attrs.get("precision") if when else None,
        violations=tuple(sorted({f.value for f in main["violations"]})),
        perpetrator=perpetrator.value if perpetrator else None,
        perpetrators=tuple(sorted({f.value for f in main["perpetrators"]})),
        groups=tuple(sorted({f.value for f in main["victims"]
                             if not f.value.startswith("person:")})),
        named=tuple(sorted({f.value for f in main["victims"] if f.value.startswith("person:")})),
        count=(int(count.attrs.get("min", 0)), _high(count)) if count else None,
        punishments=tuple(sorted({f.value for f in facts if f.field == "punishment"})),
        sources=tuple(sorted({_normal(f.evidence.quote) for f in facts
                              if f.field == "source" and f.attrs.get("role") == "source"})),
        quotes=tuple(sorted({_normal(q) for q in _QUOTE.findall(canonical.text)})),
        figures=tuple(sorted(set(_FIGURE.findall(canonical.text)) - _years(canonical.text))),
        words=_words(canonical.text),
        claims=tuple(claims),
        reports=tuple({"id": r.id, "origin": r.origin, "url": r.url, "outlet": r.outlet,
                       "published": r.published, "title": r.title} for r in members),
        cites=cites, own_reporting=own_reporting,
    )


def account_id(story: Story, incident_id: str) -> str:
    """An account's id: its story, incident and versions (a new version, a new account)."""
    return make_id("a", story.id, incident_id, *sorted(m.report_id for m in story.members))


def _high(fact: Fact) -> int | None:
    high = fact.attrs.get("max")
    return int(high) if high is not None else None


def _years(text: str) -> set[str]:
    return set(re.findall(r"\b(?:19|20)\d\d\b", text))


# -- blocking ---------------------------------------------------------------------------

def _month(value: str | None) -> tuple[int, int] | None:
    if not value or len(value) < 7 or not value[:4].isdigit() or not value[5:7].isdigit():
        return None
    return int(value[:4]), int(value[5:7])


def _shift(year: int, month: int, by: int) -> str:
    index = year * 12 + month - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _period(acc: Account) -> tuple[str, tuple[int, int] | None, str | None]:
    """('month'|'year'|'undated', (year, month) or None, year or None)."""
    month = _month(acc.when) if acc.precision in ("day", "month") else None
    if month:
        return "month", month, None
    if acc.when and acc.precision == "year" and acc.when[:4].isdigit():
        return "year", None, acc.when[:4]
    return "undated", _month(acc.published), None


def blocking_keys(acc: Account) -> list[str]:
    """The keys an account is filed under: country, violation and when it happened."""
    if not acc.country:
        return []
    kind, month, year = _period(acc)
    if kind == "month" and month:
        stamps = [_shift(*month, 0)]
    elif kind == "year" and year:
        stamps = [f"{year}*"]
    elif month:
        stamps = [f"u{_shift(*month, 0)}"]
    else:
        stamps = ["u"]
    return [f"{acc.country}|{v}|{s}" for v in acc.violations for s in stamps]


def probe_keys(acc: Account) -> list[str]:
    """The keys under which an account's possible matches are filed."""
    if not acc.country:
        return []
    kind, month, year = _period(acc)
    stamps: list[str] = []
    if kind == "month" and month:
        stamps = [_shift(*month, 0), f"{month[0]:04d}*"]
        # reports that give no date for the incident come out within weeks of it
        stamps += [f"u{_shift(*month, k)}" for k in range(0, 5)]
    elif kind == "year" and year:
        stamps = [f"{year}*"] + [f"{year}-{m:02d}" for m in range(1, 13)]
        # undated accounts published up to four months into the next year
        stamps += [f"u{_shift(int(year), 1, k)}" for k in range(0, 16)]
    elif month:
        stamps = [_shift(*month, k) for k in range(-4, 1)]
        stamps += [f"{y:04d}*" for y in {month[0], int(_shift(*month, -4)[:4])}]
        stamps += [f"u{_shift(*month, k)}" for k in range(-4, 5)]
    else:
        stamps = ["u"]
    return [f"{acc.country}|{v}|{s}" for v in acc.violations for s in stamps]


def event_id(account_ids: Iterable[str]) -> str:
    """An event's id: from its smallest account id, whatever order they arrived in."""
    return make_id("e", min(account_ids))


# -- comparing two accounts ----------------------------------------------------------------

def _date(value: str, precision: str | None) -> tuple[date, date] | None:
    """The first and last day a date of that precision can mean."""
    try:
        if precision == "day":
            d = date.fromisoformat(value[:10])
            return d, d
        if precision == "month":
            y, m = int(value[:4]), int(value[5:7])
            last = date(y + (m == 12), m % 12 + 1, 1).toordinal() - 1
            return date(y, m, 1), date.fromordinal(last)
        if precision == "year":
            y = int(value[:4])
            return date(y, 1, 1), date(y, 12, 31)
    except ValueError:
        return None
    return None


def dates_agree(a: str | None, pa: str | None, b: str | None, pb: str | None,
                published_a: str | None = None, published_b: str | None = None
                ) -> tuple[str, int | None]:
    """How two incident dates relate: ('same day' | 'days apart' | 'within' | 'apart' |
    'unknown', the gap in days when both are days). An incident happened no later than
    the report that tells it was published: "earlier this month" in a report of 18 March
    cannot be 21 March."""
    if not a or not b:
        return "unknown", None
    ra, rb = _date(a, pa), _date(b, pb)
    if ra is None or rb is None:
        return "unknown", None
    if pa == pb == "day":
        gap = abs((ra[0] - rb[0]).days)
        return ("same day" if gap == 0 else "days apart" if gap <= 2 else "apart"), gap
    ra, rb = _until(ra, published_a), _until(rb, published_b)
    if ra[1] < rb[0] or rb[1] < ra[0]:
        return "apart", None
    return "within", None


def _until(span: tuple[date, date], published: str | None) -> tuple[date, date]:
    try:
        last = date.fromisoformat((published or "")[:10])
    except ValueError:
        return span
    return (span[0], min(span[1], last)) if last >= span[0] else span


def counts_agree(a: tuple[int, int | None] | None,
                 b: tuple[int, int | None] | None) -> str:
    """'same' | 'overlap' | 'differ' | 'unknown' for two victim counts (min, max)."""
    if a is None or b is None:
        return "unknown"
    if a == b and a[1] is not None:
        return "same"
    a_high = a[1] if a[1] is not None else 10**9
    b_high = b[1] if b[1] is not None else 10**9
    return "overlap" if a[0] <= b_high and b[0] <= a_high else "differ"


def _published_gap(a: Account, b: Account) -> int | None:
    try:
        return abs((date.fromisoformat((a.published or "")[:10])
                    - date.fromisoformat((b.published or "")[:10])).days)
    except ValueError:
        return None


def containment(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """The share of the smaller account's content words the other one also has."""
    if not a or not b:
        return 0.0
    return len(set(a) & set(b)) / min(len(a), len(b))


_UNMISSABLE = frozenset({"killing"})
_GENERIC_AGENTS = frozenset({"kp_state_authorities", "state_authorities"})


def compare(a: Account, b: Account) -> Link | None:
    """A link when ``a`` and ``b`` state one incident; ``None`` when they cannot, or when
    the text does not say so. Symmetric: compare(a, b) and compare(b, a) agree."""
    if a.id > b.id:
        a, b = b, a
    if a.story_id == b.story_id or not a.country or a.country != b.country:
        return None
    if a.region and b.region and a.region != b.region:
        return None
    if a.city and b.city and a.city != b.city and a.city not in b.places \
            and b.city not in a.places:
        return None
    shared_violations = sorted(set(a.violations) & set(b.violations))
    if not shared_violations:
        return None
    relation, gap = dates_agree(a.when, a.precision, b.when, b.precision,
                                a.published, b.published)
    if relation == "apart":
        return None
    published_gap = _published_gap(a, b)
    if relation == "unknown" and published_gap is not None \
            and published_gap > UNDATED_WINDOW_DAYS:
        return None
    why: dict[str, Any] = {"violations": shared_violations}
    score = 0.0

    def add(reason: str, value: Any, weight: float) -> None:
        nonlocal score
        why[reason] = value
        score += weight

    # what any two reports of the same place, agency and month tend to share counts
    # little; what tells one incident from another (the day, the number of victims, a
    # quoted sentence, a figure, a named victim, a street) counts most
    if relation == "same day":
        add("date", f"same day ({a.when})", 2.0)
    elif relation == "days apart":
        add("date", f"{gap} day(s) apart ({a.when}, {b.when})", 0.5)
    elif relation == "within":
        precise = {a.precision, b.precision} <= {"day", "month"}
        add("date", f"compatible ({a.when}, {b.when})", 0.5 if precise else 0.0)
    if a.city and a.city == b.city:
        add("place", a.city, 0.5)
    shared_places = sorted((set(a.places) & set(b.places)) - {a.city, b.city})
    if shared_places:
        add("places", shared_places, min(2.0, 1.0 * len(shared_places)))
    counted = counts_agree(a.count, b.count)
    if counted == "same":
        add("victim_count", f"same ({_show(a.count)})", 2.0)
    elif counted == "overlap":
        add("victim_count", f"compatible ({_show(a.count)}, {_show(b.count)})", 0.5)
    elif counted == "differ":
        add("victim_count", f"differ ({_show(a.count)}, {_show(b.count)})", -1.0)
    unshared = sorted((set(a.violations) ^ set(b.violations)) & _UNMISSABLE)
    if unshared:  # an account of a killing does not leave the killing out
        add("unshared", unshared, -1.5 * len(unshared))
    groups = sorted(set(a.groups) & set(b.groups))
    if groups:
        add("victims", groups, min(1.0, 0.5 * len(groups)))
    elif a.groups and b.groups:
        add("victims", "different groups", -0.5)
    named = sorted(set(a.named) & set(b.named))
    if named:
        add("named_victims", named, 3.0)
    punishments = sorted(set(a.punishments) & set(b.punishments))
    if punishments:
        add("punishments", punishments, min(1.0, 0.5 * len(punishments)))
    if a.perpetrator and b.perpetrator:
        if a.perpetrator == b.perpetrator:
            add("perpetrator", a.perpetrator, 0.5)
        elif not ({a.perpetrator, b.perpetrator} & _GENERIC_AGENTS) \
                and a.perpetrator not in b.perpetrators and b.perpetrator not in a.perpetrators:
            add("perpetrator", f"differ ({a.perpetrator}, {b.perpetrator})", -1.0)
    quotes = sorted(set(a.quotes) & set(b.quotes))
    if quotes:
        add("quote", quotes[0], 3.0)
    figures = sorted(set(a.figures) & set(b.figures))
    if figures:
        add("figures", figures[:5], min(2.0, 1.0 * len(figures)))
    sources = sorted(set(a.sources) & set(b.sources))
    if sources:
        add("source", sources[0], 0.5)
    similarity = containment(a.words, b.words)
    if similarity >= 0.35:
        add("wording", round(similarity, 3), round(min(4.0, 8.0 * (similarity - 0.35)), 3))
    else:
        why["wording"] = round(similarity, 3)
    if score < LINK_SCORE:
        return None
    why["score"] = round(score, 3)
    return Link(a.id, b.id, round(score, 3), why)


def _show(count: tuple[int, int | None] | None) -> str:
    if count is None:
        return "?"
    low, high = count
    return str(low) if high == low else f"{low}+" if high is None else f"{low}-{high}"
