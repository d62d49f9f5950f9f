"""Main values: for each field, which of the values a report states is the incident's, and
how sure that is.

A report names many perpetrators, places and dates; an annotator picks one per field (the
one that did the act, where and when it happened) and every violation that is the
incident's. Each stated value is a *candidate* described by features a reader would use:
where it stands, how often it is named, whether the headline names it, the role the clause
gives it, and what the hand rules (``incidents.rule_values``) would choose. A logistic model
per field turns the features into the probability that the candidate is right; the main
value is the rules' choice (``rank`` says why), and its probability is the confidence shown to
reviewers (calibrated: of values given 0.8, about 80 % are right on articles the model was
not trained on — measured in ``benchmarks/hrdsattack_folds.py``).

Weights are data (``data/ranker.json``), learned by ``corroborate train`` (:mod:`learn`)
and validated when loaded. No candidate, no value: the model only chooses among values the
text states, each still a fact with its quoted words.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from .errors import CorroborateError
from .model import Fact, Incident
from .places import as_country

__all__ = ["FEATURES", "SINGLE", "Candidate", "Model", "Ranked", "candidates", "load_model",
           "rank", "value_key"]

# actor types as the organisations vocabulary names them
_ACTOR_TYPES = ("state actor", "other state actors", "other non-state actors",
                "other actors without permissions", "other actors with permissions")
_VIOLATIONS = ("killing", "arbitrary_detention", "kidnapping", "torture",
               "enforced_disappearance", "physical_assault", "threats_and_harassment",
               "judicial_harassment", "forced_repatriation")
_OTHER_ROLES = frozenset({"employer", "patient", "investigating", "ordering", "mentioned"})

FEATURES: dict[str, tuple[str, ...]] = {
    "perpetrator": ("rule", "agent", "agent_share", "role_perpetrator", "role_other",
                    "mentions", "position", "first", "headline", "context", "private",
                    *(f"type_{i}" for i in range(len(_ACTOR_TYPES))), "candidates"),
    "country": ("rule", "countries", "regions", "places", "demonyms", "share", "headline",
                "position", "first", "ambiguous", "metonym", "candidates"),
    "when": ("rule", "day", "month", "year_only", "relative", "vague", "mentions",
             "position", "first", "same_year", "years_before", "after_publication",
             "background", "instrument", "candidates"),
    "violation": ("rule", "position", "mentions", "first", "headline", "agent",
                  *(f"v_{v}" for v in _VIOLATIONS), "v_rest", "candidates"),
    "region": ("rule", "mentions", "position", "first", "headline", "from_city", "ambiguous",
               "fuzzy", "candidates"),
    "city": ("rule", "mentions", "position", "first", "headline", "ambiguous", "fuzzy",
             "candidates"),
    "victim": ("mentions", "position", "first", "role", "headline", "candidates"),
}
# fields with one main value; the others keep every candidate the model finds likely
SINGLE = ("perpetrator", "country", "when", "region", "city")


@dataclass(frozen=True)
class Candidate:
    """A value the report states for a field, with what the model reads about it."""

    field: str
    fact: Fact
    features: dict[str, float]


@dataclass(frozen=True)
class Ranked:
    """A candidate with the model's probability that it is right."""

    fact: Fact
    confidence: float


@dataclass(frozen=True)
class Model:
    """Per field: one weight per feature (``FEATURES[field]``) and a bias."""

    weights: Mapping[str, tuple[float, ...]]
    bias: Mapping[str, float]
    version: int = 1

    def score(self, candidate: Candidate) -> float:
        """The candidate's linear score: a logit, or for single-valued fields its score
        against "none of them" (which scores 0)."""
        names = FEATURES[candidate.field]
        weights = self.weights[candidate.field]
        return self.bias[candidate.field] + sum(
            w * candidate.features.get(n, 0.0) for n, w in zip(names, weights, strict=True))

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "fields": {
            f: {"bias": round(self.bias[f], 6),
                "weights": {n: round(w, 6) for n, w in zip(FEATURES[f], self.weights[f],
                                                           strict=True)}}
            for f in FEATURES if f in self.weights}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Model:
        """A model from its JSON form; unknown or missing fields and features are errors."""
        if set(data) != {"version", "fields"}:
            raise CorroborateError(f"ranker: expected keys version and fields, got {sorted(data)}")
        fields = data["fields"]
        if set(fields) != set(FEATURES):
            raise CorroborateError(
                f"ranker: fields {sorted(fields)} differ from {sorted(FEATURES)}")
        weights, bias = {}, {}
        for name, entry in fields.items():
            given = entry.get("weights", {})
            if set(given) != set(FEATURES[name]) or set(entry) != {"bias", "weights"}:
                raise CorroborateError(f"ranker: field {name}: features differ from the code's "
                                f"({sorted(set(given) ^ set(FEATURES[name]))})")
            weights[name] = tuple(float(given[n]) for n in FEATURES[name])
            bias[name] = float(entry["bias"])
        return cls(weights, bias, int(data["version"]))


@cache
def load_model() -> Model:
    """The shipped model (``data/ranker.json``)."""
    text = resources.files("corroborate.data").joinpath("ranker.json").read_text("utf-8")
    return Model.from_dict(json.loads(text))


def _log(x: float) -> float:
    return math.log1p(max(0.0, x))


def _headline(fact: Fact) -> float:
    return 1.0 if fact.attrs.get("headline") else 0.0


def _position(fact: Fact, length: int) -> float:
    return fact.evidence.start / length if length else 0.0


def _earliest(facts: Iterable[Fact]) -> Fact | None:
    return min(facts, key=lambda f: f.evidence.start, default=None)


def candidates(incident: Incident, rules: Mapping[str, Any],
               published: str | None = None) -> dict[str, list[Candidate]]:
    """Every field's candidates with their features. ``rules`` holds what the hand rules
    choose (``incidents.rule_values``): the rule's choice is one feature among others."""
    facts = incident.facts
    length = max((f.evidence.end for f in facts), default=0)
    by_field: dict[str, list[Fact]] = {}
    for fact in facts:
        by_field.setdefault(fact.field, []).append(fact)
    out = {
        "perpetrator": _perpetrators(by_field.get("perpetrator", []), rules, length),
        "country": _countries(by_field.get("place", []), rules, length),
        "when": _dates(by_field.get("date", []), rules, length, published),
        "violation": _violations(by_field.get("violation", []), rules,
                                 by_field.get("perpetrator", []), length),
        "region": _subplaces("region", rules, length),
        "city": _subplaces("city", rules, length),
        "victim": _victims(by_field.get("victim", []), length),
    }
    return out


def _perpetrators(facts: list[Fact], rules: Mapping[str, Any], length: int) -> list[Candidate]:
    chosen = rules.get("perpetrator")
    total = sum(float(f.attrs.get("agent", 0) or 0) for f in facts)
    first = _earliest(facts)
    out = []
    for fact in facts:
        agent = float(fact.attrs.get("agent", 0) or 0)
        kind = str(fact.attrs.get("actor_type", ""))
        features = {
            "rule": float(fact is chosen), "agent": _log(agent),
            "agent_share": agent / total if total else 0.0,
            "role_perpetrator": float(fact.attrs.get("role") == "perpetrator"),
            "role_other": float(fact.attrs.get("role") in _OTHER_ROLES),
            "mentions": _log(float(fact.attrs.get("mentions", 1))),
            "position": _position(fact, length), "first": float(fact is first),
            "headline": _headline(fact), "context": float(bool(fact.attrs.get("context"))),
            "private": float(fact.value == "private_individuals"),
            "candidates": _log(len(facts)),
        }
        features.update({f"type_{i}": float(kind == t) for i, t in enumerate(_ACTOR_TYPES)})
        out.append(Candidate("perpetrator", fact, features))
    return out


def _countries(places: list[Fact], rules: Mapping[str, Any], length: int) -> list[Candidate]:
    groups: dict[str, list[Fact]] = {}
    for fact in places:
        code = fact.attrs.get("country")
        if code:
            groups.setdefault(str(code), []).append(fact)
    chosen = rules.get("country")
    total = sum(int(f.attrs.get("mentions", 1)) for g in groups.values() for f in g)
    earliest = min((min(f.evidence.start for f in g) for g in groups.values()), default=0)
    out = []
    for code, group in groups.items():
        def count(*kinds: str, of: list[Fact] = group) -> float:
            return _log(sum(int(f.attrs.get("mentions", 1)) for f in of
                            if f.attrs.get("kind") in kinds))
        mentions = sum(int(f.attrs.get("mentions", 1)) for f in group)
        first = _earliest(group)
        assert first is not None
        # the candidate's fact: the rule's when it chose this country, else the first mention
        fact = chosen if chosen is not None and chosen.value == code else as_country(first,
                                                                                     code)
        out.append(Candidate("country", fact, {
            "rule": float(chosen is not None and chosen.value == code),
            "countries": count("country"), "regions": count("region"),
            "places": _log(sum(int(f.attrs.get("mentions", 1)) for f in group
                               if f.attrs.get("kind") not in ("country", "region", "demonym",
                                                              "metonym"))),
            "demonyms": count("demonym"), "share": mentions / total if total else 0.0,
            "headline": float(any(_headline(f) for f in group)),
            "position": _position(first, length),
            "first": float(first.evidence.start == earliest),
            "ambiguous": float(all(f.attrs.get("ambiguous") for f in group)),
            "metonym": float(all(f.attrs.get("kind") == "metonym" for f in group)),
            "candidates": _log(len(groups)),
        }))
    return out


_PRECISION = {"day": "day", "month": "month", "year": "year_only"}


def _dates(facts: list[Fact], rules: Mapping[str, Any], length: int,
           published: str | None) -> list[Candidate]:
    # dates with a year, and the rules' choice even without one ("in May" of no known year)
    dated = [f for f in facts if f.value[:4].isdigit() or f.attrs.get("role") == "when"]
    first = _earliest(dated)
    pub_year = int(published[:4]) if published and published[:4].isdigit() else None
    out = []
    for fact in dated:
        year = int(fact.value[:4]) if fact.value[:4].isdigit() else pub_year
        precision = str(fact.attrs.get("precision", ""))
        before = (pub_year - year) if pub_year is not None and year is not None else 0
        features = {
            "rule": float(fact.attrs.get("role") == "when"),
            "relative": float(bool(fact.attrs.get("relative"))),
            "vague": float(bool(fact.attrs.get("vague"))),
            "mentions": _log(float(fact.attrs.get("mentions", 1))),
            "position": _position(fact, length), "first": float(fact is first),
            "same_year": float(pub_year is not None and pub_year == year),
            "years_before": _log(float(before)), "after_publication": float(before < 0),
            "background": float(fact.attrs.get("role") == "background"),
            "instrument": float(bool(fact.attrs.get("names_instrument"))),
            "candidates": _log(len(dated)),
        }
        features.update({name: float(precision == p) for p, name in _PRECISION.items()})
        out.append(Candidate("when", fact, features))
    return out


def _violations(facts: list[Fact], rules: Mapping[str, Any], perpetrators: list[Fact],
                length: int) -> list[Candidate]:
    kept = {id(f) for f in rules.get("violations", [])}
    first = _earliest(facts)
    agent = float(any(float(p.attrs.get("agent", 0) or 0) > 0 for p in perpetrators))
    out = []
    for fact in facts:
        features = {
            "rule": float(id(fact) in kept), "position": float(fact.attrs.get("position", 0.0)),
            "mentions": _log(float(fact.attrs.get("mentions", 1))), "first": float(fact is first),
            "headline": _headline(fact), "agent": agent,
            "v_rest": float(fact.value not in _VIOLATIONS), "candidates": _log(len(facts)),
        }
        features.update({f"v_{v}": float(fact.value == v) for v in _VIOLATIONS})
        out.append(Candidate("violation", fact, features))
    return out


def _subplaces(field: str, rules: Mapping[str, Any], length: int) -> list[Candidate]:
    facts: list[Fact] = list(rules.get(f"{field}_candidates", []))
    chosen = rules.get(field)
    first = _earliest(facts)
    out = []
    for fact in facts:
        features = {
            "rule": float(chosen is not None and fact.evidence == chosen.evidence
                          and fact.value == chosen.value),
            "mentions": _log(float(fact.attrs.get("mentions", 1))),
            "position": _position(fact, length), "first": float(fact is first),
            "headline": _headline(fact), "ambiguous": float(bool(fact.attrs.get("ambiguous"))),
            "fuzzy": float(bool(fact.attrs.get("fuzzy"))), "candidates": _log(len(facts)),
        }
        if field == "region":
            features["from_city"] = float(fact.attrs.get("kind") != "region")
        out.append(Candidate(field, fact, features))
    return out


def _victims(facts: list[Fact], length: int) -> list[Candidate]:
    named = [f for f in facts if f.attrs.get("kind") == "person"]
    first = _earliest(named)
    return [Candidate("victim", f, {
        "mentions": _log(float(f.attrs.get("mentions", 1))), "position": _position(f, length),
        "first": float(f is first), "role": float(bool(f.attrs.get("role"))),
        "headline": _headline(f), "candidates": _log(len(named))}) for f in named]


def value_key(field: str, fact: Fact) -> str:
    """What candidates of a field agree on when they agree: a perpetrator's actor type, a
    date's year, otherwise the value. Candidates with one key pool their probability."""
    if field == "perpetrator":
        return str(fact.attrs.get("actor_type", ""))
    if field == "when":
        return fact.value[:4]
    return fact.value


def rank(found: Mapping[str, list[Candidate]],
         model: Model | None = None) -> dict[str, list[Ranked]]:
    """Per field, the main values with the model's confidence, most sure first.

    Single-valued fields: the candidates and "none of them" share one unit of probability
    (a softmax); candidates that agree (:func:`value_key`) pool theirs. The main value is
    the rules' choice (``features["rule"]``), none when the rules choose none (a report
    whose only dates are background); its confidence is its key's pooled probability.
    (Choosing by the model instead did not beat the rules on HRDsAttack folds; the rules'
    choice is one of its features, so a better model can take over without changing
    this interface.)
    Violations: those the rules keep; victims: every one; each with its own logistic
    probability.
    """
    model = model or load_model()
    out: dict[str, list[Ranked]] = {}
    for field, group in found.items():
        if not group:
            out[field] = []
            continue
        scores = [model.score(c) for c in group]
        if field in SINGLE:
            # the rules' choice, with the model's confidence in its value; where the rules
            # choose nothing (only background dates), there is no main value
            choice = next((c for c in group if c.features.get("rule")), None)
            if choice is None:
                out[field] = []
                continue
            top = max(scores)
            weights = [math.exp(z - top) for z in scores]
            total = sum(weights) + math.exp(-max(-30.0, min(30.0, top)))  # "none": 0
            key = value_key(field, choice.fact)
            agreeing = sum(w for c, w in zip(group, weights, strict=True)
                           if value_key(field, c.fact) == key)
            out[field] = [Ranked(choice.fact, agreeing / total)]
            continue
        # victims: every one; violations: those the rules keep (a learned threshold did
        # not beat them across folds); each with the model's confidence, most sure first
        kept = sorted(((Ranked(c.fact, _sigmoid(z)), c) for c, z in zip(group, scores,
                                                                       strict=True)
                       if field == "victim" or c.features.get("rule")),
                      key=lambda rc: (-rc[0].confidence, rc[0].fact.evidence.start))
        out[field] = [r for r, _ in kept]
    return out


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
