"""Linking: whether two accounts state one incident, and why.

Two steps. **Compatibility** rules out what cannot be one incident: another country, a
different province or city (unless one account names the other's city too), no violation in
common, dates that cannot be the same at their precision (an incident happens no later than
the report that tells it is published), and, with no incident date on one side, publication
more than ``events.UNDATED_WINDOW_MONTHS`` months from the other's date. **Evidence** then
weighs what the two accounts agree and disagree on, feature by feature (:data:`FEATURES`):
the same day, the same number of victims, a shared quoted sentence or figure, the same named
victim, a street or village both name, the same prison term, the same source description,
shared wording; and, against, a different count, different victim groups, a different
agency, a killing one account states and the other does not. Each feature has a weight,
learned by logistic regression on generated families (``benchmarks/train_linking.py``,
weights and the command in ``data/linking.json``); the pair links when the probability
reaches the file's threshold. A link records every feature that fired, its words and its
contribution, so a reviewer can see why two reports were taken for one incident.

What two reports of different incidents in one place, month and agency share anyway (the
city, the agency, a broad victim group, a common punishment) is learned to weigh little:
those are the hard negatives the generator writes on purpose. Figures, wording and places
are read from each report's opening paragraphs (``events._opening``), where a report states
its incident: an outlet's background paragraphs recur in its reports of other incidents.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from .errors import CorroborateError
from .events import UNMISSABLE, Account, Brief, filed_together

__all__ = [
    "FEATURES",
    "GENERIC_AGENTS",
    "Link",
    "LinkJob",
    "Weights",
    "compare",
    "conflicting",
    "containment",
    "counts_agree",
    "date_bounds",
    "dates_agree",
    "evidence",
    "make_links",
    "weights",
]

FEATURES = (
    "same_day", "days_apart", "same_month", "same_year", "no_date",
    "same_city", "shared_places",
    "same_count", "compatible_count", "different_count",
    "shared_groups", "different_groups", "named_victims", "shared_charges",
    "different_charges",
    "shared_punishments", "same_term", "different_term",
    "same_agency", "different_agency", "unshared_killing",
    "quote", "figures", "source", "wording",
)
EVENT_DAYS = 7  # the most two day-dated accounts of one event may be apart (conflicting)
GENERIC_AGENTS = frozenset({"kp_state_authorities", "state_authorities"})


@dataclass(frozen=True)
class Link:
    """Why two accounts are taken for one incident: the probability and each reason."""

    a: str
    b: str
    score: float
    why: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Weights:
    """A logistic model over :data:`FEATURES`, as trained and recorded in linking.json."""

    bias: float
    weights: dict[str, float]
    threshold: float
    trained: dict[str, Any]

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(self.weights[k] * v for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-z))


@lru_cache(maxsize=1)
def weights() -> Weights:
    """The shipped weights, checked: every feature weighted, nothing unknown."""
    raw = json.loads(resources.files("corroborate").joinpath("data", "linking.json")
                     .read_text(encoding="utf-8"))
    return parse_weights(raw)


def parse_weights(raw: dict[str, Any]) -> Weights:
    expected = {"bias", "weights", "threshold", "trained"}
    if set(raw) != expected:
        raise CorroborateError(f"linking.json: keys must be {sorted(expected)}, "
                               f"not {sorted(raw)}")
    given = set(raw["weights"])
    if given != set(FEATURES):
        raise CorroborateError(f"linking.json: weights for unknown features "
                               f"{sorted(given - set(FEATURES))}, none for "
                               f"{sorted(set(FEATURES) - given)}")
    if not 0.0 < float(raw["threshold"]) < 1.0:
        raise CorroborateError("linking.json: threshold must be between 0 and 1")
    return Weights(float(raw["bias"]), {k: float(v) for k, v in raw["weights"].items()},
                   float(raw["threshold"]), dict(raw["trained"]))


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


def _until(span: tuple[date, date], published: str | None) -> tuple[date, date]:
    try:
        last = date.fromisoformat((published or "")[:10])
    except ValueError:
        return span
    return (span[0], min(span[1], last)) if last >= span[0] else span


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


def date_bounds(a: Account | Brief) -> tuple[bool, int, int] | None:
    """What :func:`conflicting` reads of an account's date: ``None`` when it has none to
    compare, else whether it is a day, and the first and last day it can mean (ordinals;
    a month or a year no later than its report's publication, as :func:`dates_agree`
    takes them). A day is compared with another day by the days between them, with
    anything else as a span of one day."""
    span = _date(a.when, a.precision) if a.when else None
    if span is None:
        return None
    if a.precision == "day":
        return True, span[0].toordinal(), span[0].toordinal()
    first, last = _until(span, a.published)
    return False, first.toordinal(), last.toordinal()


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


def containment(a: Collection[int], b: Collection[int]) -> float:
    """The share of the smaller account's content words the other one also has (an
    account's ``word_set``: sets made once, not per pair)."""
    if not a or not b:
        return 0.0
    return len(_as_set(a) & _as_set(b)) / min(len(a), len(b))


def _as_set(words: Collection[int]) -> frozenset[int] | set[int]:
    return words if isinstance(words, (set, frozenset)) else set(words)


def _compatible(a: Account, b: Account) -> tuple[list[str], str, int | None] | None:
    """(Shared violations, date relation, gap in days), or None when the two cannot be
    one incident."""
    if a.story_id == b.story_id or not a.country or a.country != b.country:
        return None
    if _elsewhere(a, b):
        return None
    shared = sorted(set(a.acts) & set(b.acts))
    if not shared:
        return None
    # an account of a killing does not leave the killing out: one that states none at all
    # tells of another incident (an arrest in the same city that month, say)
    if any((v in a.violations and v not in b.acts) or (v in b.violations and v not in a.acts)
           for v in UNMISSABLE):
        return None
    relation, gap = dates_agree(a.when, a.precision, b.when, b.precision,
                                a.published, b.published)
    if relation == "apart":
        return None
    if relation == "unknown" and not (filed_together(a, b) or filed_together(b, a)):
        return None  # no incident date on a side, and published too far apart
    return shared, relation, gap


def _elsewhere(a: Account | Brief, b: Account | Brief) -> bool:
    """Whether two accounts name two provinces, or two cities (unless one of them also
    names the other's city)."""
    if a.region and b.region and a.region != b.region:
        return True
    return bool(a.city and b.city and a.city != b.city and a.city not in b.places
                and b.city not in a.places)


def conflicting(a: Account | Brief, b: Account | Brief) -> bool:
    """Whether one event cannot hold both ``a`` and ``b``, however links chain them: two
    incidents of one story, another province or city (as for linking), or dates further
    apart than :data:`EVENT_DAYS` (dates compared at their precision, as for linking, but
    with a week's leeway between two days: outlets disagree by a few days on one incident,
    and a link is not needed between every two of its accounts). Grouping decides it for
    two whole groups at once (``grouping._Group``); this is the rule, pair by pair, that
    its tests hold it to."""
    if a.story_id == b.story_id or _elsewhere(a, b):
        return True
    relation, gap = dates_agree(a.when, a.precision, b.when, b.precision,
                                a.published, b.published)
    return relation == "apart" and (gap is None or gap > EVENT_DAYS)


def _show(count: tuple[int, int | None] | None) -> str:
    if count is None:
        return "?"
    low, high = count
    return str(low) if high == low else f"{low}+" if high is None else f"{low}-{high}"


def evidence(a: Account, b: Account) -> tuple[dict[str, float], dict[str, Any]] | None:
    """The features two compatible accounts fire (value per feature) and the words behind
    each; ``None`` when they cannot be one incident."""
    if a.id > b.id:
        a, b = b, a
    compatible = _compatible(a, b)
    if compatible is None:
        return None
    shared, relation, gap = compatible
    values: dict[str, float] = {}
    words: dict[str, Any] = {"violations": shared}

    def fire(name: str, value: float, said: Any) -> None:
        values[name] = value
        words[name] = said

    if relation == "same day":
        fire("same_day", 1.0, a.when)
    elif relation == "days apart":
        fire("days_apart", 1.0, f"{a.when}, {b.when} ({gap} day(s))")
    elif relation == "within":
        precise = {a.precision, b.precision} <= {"day", "month"}
        fire("same_month" if precise else "same_year", 1.0, f"{a.when}, {b.when}")
    else:
        fire("no_date", 1.0, "no incident date on one side")
    if a.city and a.city == b.city:
        fire("same_city", 1.0, a.city)
    places = sorted((set(a.places) & set(b.places)) - {a.city, b.city})
    if places:
        fire("shared_places", min(2.0, len(places)), places)
    counted = counts_agree(a.count, b.count)
    if counted == "same":
        fire("same_count", 1.0, _show(a.count))
    elif counted == "overlap":
        fire("compatible_count", 1.0, f"{_show(a.count)}, {_show(b.count)}")
    elif counted == "differ":
        fire("different_count", 1.0, f"{_show(a.count)}, {_show(b.count)}")
    groups = sorted(set(a.groups) & set(b.groups))
    if groups:
        fire("shared_groups", min(2.0, len(groups)), groups)
    elif a.groups and b.groups:
        fire("different_groups", 1.0, f"{list(a.groups)}, {list(b.groups)}")
    charges = sorted(set(a.charges) & set(b.charges))
    if charges:
        fire("shared_charges", min(2.0, len(charges)), charges)
    elif a.charges and b.charges:
        fire("different_charges", 1.0, f"{list(a.charges)}, {list(b.charges)}")
    named = sorted(set(a.named) & set(b.named))
    if named:
        fire("named_victims", 1.0, named)
    punishments = sorted(set(a.punishments) & set(b.punishments))
    if punishments:
        fire("shared_punishments", min(2.0, len(punishments)), punishments)
    terms = sorted(set(a.terms) & set(b.terms))
    if terms:
        fire("same_term", 1.0, terms)
    elif a.terms and b.terms:
        fire("different_term", 1.0, f"{a.terms[0]}, {b.terms[0]}")
    if a.perpetrator and b.perpetrator:
        if a.perpetrator == b.perpetrator:
            fire("same_agency", 1.0, a.perpetrator)
        elif not ({a.perpetrator, b.perpetrator} & GENERIC_AGENTS) \
                and a.perpetrator not in b.perpetrators and b.perpetrator not in a.perpetrators:
            fire("different_agency", 1.0, f"{a.perpetrator}, {b.perpetrator}")
    unshared = sorted((set(a.violations) ^ set(b.violations)) & UNMISSABLE)
    if unshared:
        fire("unshared_killing", 1.0, unshared)
    quotes = sorted(set(a.quotes) & set(b.quotes))
    if quotes:
        fire("quote", 1.0, quotes[0])
    figures = sorted(set(a.figures) & set(b.figures))
    if figures:
        fire("figures", min(2.0, len(figures)), figures[:5])
    sources = sorted(set(a.sources) & set(b.sources))
    if sources:
        fire("source", 1.0, sources[0])
    similarity = containment(a.opening_word_set, b.opening_word_set)
    fire("wording", round(similarity, 3), round(similarity, 3))
    return values, words


def compare(a: Account, b: Account, model: Weights | None = None) -> Link | None:
    """A link when ``a`` and ``b`` state one incident; ``None`` when they cannot be, or
    when the evidence falls short. Symmetric: compare(a, b) and compare(b, a) agree."""
    found = evidence(a, b)
    if found is None:
        return None
    model = model or weights()
    values, words = found
    probability = model.probability(values)
    if probability < model.threshold:
        return None
    first, second = sorted((a.id, b.id))
    why: dict[str, Any] = {"probability": round(probability, 3), "violations":
                           words.pop("violations")}
    for name in sorted(values, key=lambda n: -abs(model.weights[n] * values[n])):
        why[name] = {"said": words[name],
                     "weight": round(model.weights[name] * values[name], 3)}
    return Link(first, second, round(probability, 4), why)


# --- linking in worker processes --------------------------------------------------------

# a new account's probe, and its candidates' (id, probe): what linking it needs, as stored
LinkJob = tuple[str, list[tuple[str, str]]]


def make_links(jobs: list[LinkJob]) -> list[list[Link]]:
    """Each new account's links to its candidates (``compare``), from their probes: pure,
    so an ingest's workers decode and compare while the writer reads the next candidates.

    Each candidate is decoded for the job that names it. Keeping the last 2,000 decoded
    (a worker's cache until 2026-12-02) held 29 MB a worker and made linking slower, not
    faster: a fifth of the reads hit it, and the cycle collector walked the accounts it
    held (8,000 late jobs of the 100k generated collection: 13.7-14.2 s CPU with it,
    9.1-9.5 s without; docs/scale-history.md, "A worker's decoded candidates")."""
    out = []
    for probe, candidates in jobs:
        acc = Account.from_probe(json.loads(probe))
        out.append([link for _, other in candidates
                    if (link := compare(acc, Account.from_probe(json.loads(other))))
                    is not None])
    return out
