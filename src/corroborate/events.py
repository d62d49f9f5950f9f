"""Events: one incident in the world, linked across the stories that state it.

A story states an incident in one text (copies of that text are its versions). The unit
linked here is an :class:`Account`: a story's incident reduced to what comparing needs,
its main values (``incidents.main_values``) with their quotes, plus the details that tell
two incidents apart (the number of victims, the quoted words, the figures, the named
victims, the source described) and the story's reports.

Whether two accounts are one incident is decided in ``linking.py``. Accounts are found by
blocking keys (country, violation, month), so a new account is compared with the few
that could be the same incident, not with the whole collection; events are the connected
components of the links, and an event's id is derived from its smallest account id, so
it does not depend on arrival order.

Which accounts are independent (origins) is decided inside an event by ``origins.py``;
what each origin says, field by field, by ``claims.py``. docs/events.md has the rules.
"""

from __future__ import annotations

import base64
import json
import re
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from functools import cached_property
from typing import Any

import numpy as np

from . import vocab
from .folding import Folded
from .incidents import StoryIncident, main_values
from .model import Fact, Report, Story, make_id

__all__ = [
    "Account",
    "Brief",
    "Claim",
    "account",
    "account_id",
    "blocking_keys",
    "event_id",
    "filed_together",
    "outlet_key",
    "probe_keys",
]

_QUOTE = re.compile(r"[“\"]([^”\"\n]{20,400})[”\"]")
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_FIGURE = re.compile(r"\b\d{1,3}(?:,\d{3})+\b|\b\d{2,}\b")
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
# "12 August", "August 12", "the 12th": a day, already compared as the date
_DAY = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b|\b{_MONTH}\s+\d{{1,2}}"
                  rf"(?:st|nd|rd|th)?\b|\bthe\s+\d{{1,2}}(?:st|nd|rd|th)\b")
# a sentence that says what the victims were accused of
_ACCUSING = re.compile(r"\b(?:accus|charg|convict|suspect|guilty|crime|offen[cs]|punish|"
                       r"arrested for|detained for|executed for|sentenced for|caught)", re.I)
_ACCUSING_FOLDED = Folded(_ACCUSING)
_YEAR = re.compile(r"(?:19|20)\d\d")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
_CHARGE_SENTENCES = 40
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
    violations: tuple[str, ...]  # the main ones (incidents.main_values)
    acts: tuple[str, ...]  # every violation stated: what blocking and linking compare
    perpetrator: str | None
    perpetrators: tuple[str, ...]
    groups: tuple[str, ...]  # named in the headline or the lead
    named: tuple[str, ...]
    count: tuple[int, int | None] | None
    punishments: tuple[str, ...]
    terms: tuple[str, ...]  # prison terms as stated ("prison term of 3 years")
    sources: tuple[str, ...]
    quotes: tuple[str, ...]
    figures: tuple[str, ...]
    charges: tuple[str, ...]  # what the victims were accused of (data/charges.yaml)
    words: tuple[int, ...]
    claims: tuple[Claim, ...]
    reports: tuple[dict[str, Any], ...]  # id, origin, url, outlet, published, title
    cites: tuple[tuple[str, str], ...] = ()  # (outlet id, the words citing it)
    own_reporting: bool = False  # "told <its own outlet>": the outlet's own sources
    opening_words: tuple[int, ...] = ()  # ``words`` of the opening paragraphs (_opening)

    @cached_property
    def word_set(self) -> frozenset[int]:
        """``words`` as a set, made once: an account is compared with many (linking, and
        origins, which compares every two accounts of an event)."""
        return frozenset(self.words)

    @cached_property
    def opening_word_set(self) -> frozenset[int]:
        """``opening_words`` as a set, made once (linking compares an account with many)."""
        return frozenset(self.opening_words)

    def to_dict(self) -> dict[str, Any]:
        """What ``asdict`` gives, without its deep copy of every word hash (most of the cost
        of storing an account)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["claims"] = [dict(c.__dict__) for c in self.claims]
        out["reports"] = [dict(r) for r in self.reports]
        return out

    def stored(self) -> tuple[str, str]:
        """(The whole account's JSON, :meth:`probe`): the two forms the store keeps, made
        where the account is made (a worker process), not in the writer."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True), self.probe()

    def probe(self) -> str:
        """What linking reads of an account, as JSON stored beside the whole one: no claims
        or reports, its words as packed bytes (base64). Decoding it costs a third of
        decoding the whole account: a dense collection reads hundreds of candidates for
        each new account."""
        out = {f.name: getattr(self, f.name) for f in fields(self)
               if f.name not in ("claims", "reports")}
        for name in _PACKED:
            out[name] = _pack(getattr(self, name))
        return json.dumps(out, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_probe(cls, data: dict[str, Any]) -> Account:
        """An account from :meth:`probe`'s JSON (decoded), or from a whole account's without
        its claims and reports (as stored before probes were): claims and reports empty."""
        data = {**data, "claims": (), "reports": ()}
        for name in _PACKED:
            if isinstance(data.get(name), str):
                data[name] = _unpack(data[name])
        if data.keys() != _FIELD_NAMES:  # a field missing (its default) or unknown (an error)
            return cls.from_dict(data)
        # made without __init__, which sets each of thirty fields through the frozen
        # dataclass's guard: a third of the cost of a candidate read, a dense collection
        # reads hundreds for each new account
        for key in _TUPLE_FIELDS:
            data[key] = tuple(data[key])
        data["count"] = tuple(data["count"]) if data["count"] else None
        data["cites"] = tuple(tuple(c) for c in data["cites"])
        acc = object.__new__(cls)
        acc.__dict__.update(data)
        return acc

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Account:
        data = dict(data)
        data["claims"] = tuple(Claim(**c) for c in data["claims"])
        data["count"] = tuple(data["count"]) if data["count"] else None
        data["cites"] = tuple(tuple(c) for c in data.get("cites", ()))
        data["reports"] = tuple(data["reports"])
        for key in _TUPLE_FIELDS:
            if key in data:  # opening_words: not in an account stored before it
                data[key] = tuple(data[key])
        return cls(**data)


_TUPLE_FIELDS = ("places", "violations", "acts", "perpetrators", "groups", "named",
                 "punishments", "terms", "sources", "quotes", "figures", "charges", "words",
                 "opening_words")
_FIELD_NAMES = frozenset(f.name for f in fields(Account))
_PACKED = ("words", "opening_words")  # word hashes, packed in a probe


def _pack(hashes: tuple[int, ...]) -> str:
    return base64.b64encode(np.asarray(hashes, "<u4").tobytes()).decode()


def _unpack(packed: str) -> list[int]:
    return np.frombuffer(base64.b64decode(packed), "<u4").tolist()  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)  # a refresh holds tens of thousands at once
class Brief:
    """What grouping accounts into events reads of each (``linking.conflicting``): its
    story, places and dates, without the words and claims a whole account carries (a
    refresh groups every account links join to what it touched, and reads few whole)."""

    id: str
    story_id: str
    region: str | None
    city: str | None
    places: tuple[str, ...]
    when: str | None
    precision: str | None
    published: str | None


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


def outlet_key(name: str | None) -> str | None:
    """An outlet's key: its vocabulary id, else ``site:`` and its normalised name (None
    for no name, or a placeholder such as "-")."""
    if not name:
        return None
    term = vocab.load("outlets").lookup(name)
    if term:
        return term.id
    normal = _normal(name)  # "-", "?", "★": no outlet named, not one outlet for all
    return "site:" + normal if normal else None


def account(story: Story, item: StoryIncident, reports: Mapping[str, Report],
            cites: tuple[tuple[str, str], ...] = (), own_reporting: bool = False) -> Account:
    """The account a story gives of its incident (``reports``: the story's versions)."""
    incident = item.incident
    canonical = reports[story.canonical_report_id]
    main = main_values(incident, item.published)
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
    opening = _opening(canonical.text)
    # the places the opening names: background paragraphs name other towns
    in_country = [f for f in facts if f.field == "place" and country is not None
                  and f.attrs.get("country") == country.value
                  and f.attrs.get("region")  # a river or a border runs through many
                  and f.attrs.get("kind") not in ("country", "region", "demonym", "border")
                  and f.evidence.report_id == canonical.id
                  and f.evidence.start < len(opening)]
    members = sorted((reports[m.report_id] for m in story.members if m.report_id in reports),
                     key=lambda r: (r.published or "9999", r.id))
    return Account(
        id=account_id(story, incident.id),
        story_id=story.id, incident_id=incident.id, report_id=canonical.id,
        title=canonical.title or next((r.title for r in members if r.title), None),
        published=item.published,
        outlet=next((o for r in members if (o := outlet_key(r.outlet))), None),
        country=country.value if country else None,
        region=region.value if region else None,
        city=city.value if city else None,
        places=tuple(sorted({f.value for f in in_country})),
        when=when.value if when else None,
        precision=when.attrs.get("precision") if when else None,
        violations=tuple(sorted({f.value for f in main["violations"]})),
        acts=tuple(sorted({f.value for f in facts if f.field == "violation"})),
        perpetrator=perpetrator.value if perpetrator else None,
        perpetrators=tuple(sorted({f.value for f in main["perpetrators"]})),
        groups=_lead_groups(canonical),
        named=tuple(sorted({f.value for f in main["victims"] if f.value.startswith("person:")})),
        count=(int(count.attrs.get("min", 0)), _high(count)) if count else None,
        punishments=tuple(sorted({f.value for f in facts if f.field == "punishment"})),
        terms=tuple(sorted({f.label for f in facts if f.field == "punishment"
                            and f.value == "prison_term"})),
        sources=tuple(sorted({q for f in facts if f.field == "source"
                              and f.attrs.get("role") == "source"
                              and len((q := _normal(f.evidence.quote)).split()) > 2})),
        quotes=tuple(sorted({_normal(q) for q in _QUOTE.findall(canonical.text)})),
        figures=_figures(opening),
        charges=_charges(canonical),
        words=_words(canonical.text),
        opening_words=_words(opening),
        claims=tuple(claims),
        reports=tuple({"id": r.id, "origin": r.origin, "url": r.url, "outlet": r.outlet,
                       "published": r.published, "title": r.title} for r in members),
        cites=cites, own_reporting=own_reporting,
    )


_LEAD = 400
# the paragraphs a news report states its incident in (who, what, where, when): what
# follows is background, and an outlet's background paragraphs (the border, the camps, the
# crackdown) recur in its reports of unrelated incidents of a place
_OPENING_PARAGRAPHS = 2


def _opening(text: str) -> str:
    """The report's first :data:`_OPENING_PARAGRAPHS` paragraphs."""
    return "\n\n".join(text.split("\n\n", _OPENING_PARAGRAPHS)[:_OPENING_PARAGRAPHS])


def _lead(report: Report) -> str:
    """The report's first paragraph (at most about ``_LEAD`` characters)."""
    cut = report.text.find("\n\n", 0, _LEAD * 2)
    return report.text[:cut if cut > 0 else _LEAD]


def _lead_groups(report: Report) -> tuple[str, ...]:
    """The victim groups the headline and the lead name: who the incident was done to.
    (Further down a report names officials, neighbours and earlier victims too.)"""
    return tuple(sorted({h.term.id for part in (report.title or "", _lead(report))
                         for h in vocab.load("groups").find(part)}))


def account_id(story: Story, incident_id: str) -> str:
    """An account's id: its story, incident and versions (a new version, a new account)."""
    return make_id("a", story.id, incident_id, *sorted(m.report_id for m in story.members))


def _high(fact: Fact) -> int | None:
    high = fact.attrs.get("max")
    return int(high) if high is not None else None


def _figures(text: str) -> tuple[str, ...]:
    """The numbers of two digits or more a report states, but not years or days. (A figure
    that reads as a year is one the text states as a year: a day taken out of the text
    leaves a space, and a day begins and ends at a word boundary.)"""
    return tuple(sorted(f for f in set(_FIGURE.findall(_DAY.sub(" ", text)))
                        if _YEAR.fullmatch(f) is None))


def _charges(report: Report) -> tuple[str, ...]:
    """What the victims were accused of (data/charges.yaml), as the headline, the lead and
    the first sentences that accuse ("accused of", "charged with", "arrested for") say."""
    parts = [report.title or "", _lead(report)]
    for n, sentence in enumerate(_SENTENCE.finditer(report.text)):
        if n >= _CHARGE_SENTENCES:
            break
        if _ACCUSING_FOLDED.search(sentence.group()):
            parts.append(sentence.group())
    charges = vocab.load("charges")
    return tuple(sorted({h.term.id for part in parts for h in charges.find(part)}))



# -- blocking ---------------------------------------------------------------------------

def _month(value: str | None) -> tuple[int, int] | None:
    if not value or len(value) < 7 or not value[:4].isdigit() or not value[5:7].isdigit():
        return None
    return int(value[:4]), int(value[5:7])


def _shift(year: int, month: int, by: int) -> str:
    index = year * 12 + month - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


# violations an account of the incident does not leave out: one whose main violations hold
# a killing is not one incident with an account that states none (linking._compatible)
UNMISSABLE = frozenset({"killing"})

# an undated account is compared with incidents of up to this many months before its
# publication, and with other undated accounts published this many months apart
UNDATED_WINDOW_MONTHS = 4


def _months(acc: Account) -> list[tuple[int, int]]:
    """The months an account's incident date can fall in: its own, and for a day within two
    days of a month's end or start, the month next to it (30 August and 1 September are
    two days apart)."""
    month = _month(acc.when) if acc.precision in ("day", "month") else None
    if month is None:
        return []
    out = [month]
    if acc.precision == "day" and acc.when is not None:
        day = int(acc.when[8:10]) if acc.when[8:10].isdigit() else 15
        if day <= 2:
            out.append(_month(_shift(*month, -1)) or month)
        if day >= 27:
            out.append(_month(_shift(*month, 1)) or month)
    return out


def _stamps(acc: Account) -> tuple[list[str], list[str]]:
    """(Where an account is filed, where it looks), as period stamps: a month "2023-08", a
    year "2023*", or the publication month of an undated account "u2023-09". Whatever two
    accounts can link, each finds the other: tests/test_linking.py checks it."""
    months = _months(acc)
    window = UNDATED_WINDOW_MONTHS
    if months:
        years = sorted({f"{y:04d}*" for y, _ in months})
        return ([_shift(*m, 0) for m in months],
                [_shift(*m, 0) for m in months] + years
                + [f"u{_shift(*m, k)}" for m in months for k in range(0, window + 1)])
    if acc.when and acc.precision == "year" and acc.when[:4].isdigit():
        year = int(acc.when[:4])
        return ([f"{year}*"],
                [f"{year}*"] + [f"{year:04d}-{m:02d}" for m in range(1, 13)]
                + [f"u{_shift(year, 1, k)}" for k in range(0, 12 + window)])
    published = _month(acc.published)
    if published is None:
        return [], []  # no date and no publication date: nothing to compare it with
    return ([f"u{_shift(*published, 0)}"],
            [_shift(*published, k) for k in range(-window, 1)]
            # a year-dated account looks up to `window` months into the next year
            + sorted({f"{_shift(*published, k)[:4]}*" for k in (0, -window)})
            + [f"u{_shift(*published, k)}" for k in range(-window, window + 1)])


def _areas(acc: Account) -> tuple[list[str], list[str]]:
    """(Where an account is filed, where it looks), as areas. Accounts of two provinces,
    or of two cities unless one names the other's city, cannot be one incident
    (``linking``), so an account looks only where one it could be is filed:

    - a province-less account is in "-" and looks in "*" (every account is there);
    - one with a province R and no city is in "R" and "R|c-", and looks in "R" (every
      account of the province is there) and "-";
    - one with a city C is in "R|c:C" and "R|p:P" for each other place P it names, and
      looks in "R|c:C" (its city's), "R|p:C" (those naming its city), "R|c:P" (those of a
      place it names), "R|c-" (its province's city-less) and "-".

    In a dense collection that is a fraction of the country's: linking a candidate costs
    far more than looking under one more key."""
    region, city = acc.region, acc.city
    if not region:
        return ["-", "*"], ["*"]
    if not city:
        return [region, f"{region}|c-", "*"], [region, "-"]
    others = sorted(set(acc.places) - {city})
    return ([region, "*", f"{region}|c:{city}"] + [f"{region}|p:{p}" for p in others],
            [f"{region}|c:{city}", f"{region}|p:{city}"]
            + [f"{region}|c:{p}" for p in others] + [f"{region}|c-", "-"])


def _acts(acc: Account) -> tuple[list[str], list[str]]:
    """(Under which violations an account is filed, under which it looks). Two accounts
    must share one, and one whose main violations hold a killing (``UNMISSABLE``) is only
    one incident with accounts stating it: so it looks only under those, and is filed
    only under them, where every account that could be its incident looks."""
    unmissable = sorted(set(acc.violations) & UNMISSABLE)
    if unmissable:
        return sorted((set(acc.acts) & UNMISSABLE) | set(unmissable)), unmissable
    return list(acc.acts), list(acc.acts)


def blocking_keys(acc: Account) -> list[str]:
    """The keys an account is filed under: country, area, violation and when."""
    return _keys(acc, 0)


def probe_keys(acc: Account) -> list[str]:
    """The keys under which an account's possible matches are filed."""
    return _keys(acc, 1)


def _keys(acc: Account, side: int) -> list[str]:
    """Where an account is filed (``side`` 0) or looks (1): every area, violation and
    period of that side."""
    if not acc.country:
        return []
    stamps = _stamps(acc)[side]
    return [f"{acc.country}|{area}|{v}|{s}" for area in _areas(acc)[side]
            for v in _acts(acc)[side] for s in stamps]


def filed_together(a: Account, b: Account) -> bool:
    """Whether blocking puts ``a`` and ``b`` side by side."""
    return bool(set(probe_keys(a)) & set(blocking_keys(b)))


def event_id(account_ids: Iterable[str]) -> str:
    """An event's id: from its smallest account id, whatever order they arrived in."""
    return make_id("e", min(account_ids))


