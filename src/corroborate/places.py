"""Places: where a report says things happened, normalised to ISO codes.

Countries, regions (ISO 3166-2) and places from the gazetteer, each a fact quoting its
words; the incident's country is the one most places named belong to.
"""

from __future__ import annotations

import re
from dataclasses import replace

from . import vocab
from .model import Fact, Report, fact_at

__all__ = ["find_places", "headline_countries", "main_country"]

_POSSESSIVE = re.compile(r"['’‘]s\b")
_BASED = re.compile(r"^[\s,]*(?:[A-Z][\w.]*,?\s+)*?[\w.]*-based\b|^-based\b")


def find_places(report: Report, found: dict[str, list[vocab.Hit]] | None = None) -> list[Fact]:
    """Countries, regions and places, normalised to ISO codes with coordinates.

    A name that only says where an organisation is based ("Osaka-based") is not a place
    of the incident and is skipped.
    """
    names = ("places", "regions", "countries", "demonyms")
    found = found or vocab.find_all(report.text, names)
    hits = [(name, h) for name in names for h in found[name]]
    hits.sort(key=lambda nh: (nh[1].start, -(nh[1].end - nh[1].start)))
    facts = []
    last_end = -1
    for kind, hit in hits:
        if hit.start < last_end:
            continue
        last_end = hit.end
        if _BASED.match(report.text[hit.end:hit.end + 40]):
            continue
        attrs = hit.term.attrs
        country: str | None
        region: str | None
        if kind in ("countries", "demonyms"):
            country, region = hit.term.id, None
        elif kind == "regions":
            country, region = attrs.get("country"), hit.term.id
        else:
            country, region = attrs.get("country"), attrs.get("region")
        end = hit.end
        suffix = re.match(r"\s+[Pp]rovince\b", report.text[end:end + 10])
        if suffix and kind == "regions":
            end += suffix.end()
        value = region or country or hit.term.id
        if kind == "places":
            value = f"{region or country}:{hit.term.label}"
        if kind == "countries" and _POSSESSIVE.match(report.text, end):
            kind = "demonyms"  # "Egypt's president" says what "Egyptian president" says
        facts.append(fact_at("place", value, hit.term.label, report, hit.start, end,
                           kind={"countries": "country", "regions": "region",
                                 "demonyms": "demonym"}.get(
                               kind, attrs.get("kind", "place")),
                           country=country, region=region,
                           lat=attrs.get("lat"), lon=attrs.get("lon"),
                           ambiguous=bool(attrs.get("ambiguous")) or None))
    return facts


# how much one mention says about where an incident happened, by kind of place named
_PLACE_WEIGHT = {"country": 1.0, "region": 1.5, "demonym": 0.5}
_AMBIGUOUS = 0.3
_HEADLINE = 1.5  # the headline counts like one more region mention


def headline_countries(title: str | None) -> set[str]:
    """Countries the headline names, directly or through a region, place or demonym."""
    if not title:
        return set()
    found = vocab.find_all(title, ("places", "regions", "countries", "demonyms"))
    codes = {h.term.id for h in found["countries"] + found["demonyms"]}
    codes |= {str(h.term.attrs.get("country")) for h in found["regions"] + found["places"]
              if h.term.attrs.get("country")}
    return codes


def main_country(places: list[Fact]) -> Fact | None:
    """The country most of the places named belong to; earlier mentions break ties."""
    scores: dict[str, float] = {}
    first: dict[str, Fact] = {}
    for fact in sorted(places, key=lambda f: f.evidence.start):
        code = fact.attrs.get("country")
        if not code:
            continue
        weight = _PLACE_WEIGHT.get(str(fact.attrs.get("kind")), 1.5)
        if fact.attrs.get("ambiguous"):  # "Niger", "Georgia", "Jordan": often not the country
            weight *= _AMBIGUOUS
        scores[code] = scores.get(code, 0.0) + weight * int(fact.attrs.get("mentions", 1))
        if fact.attrs.get("headline") and code not in first:
            scores[code] += _HEADLINE  # the headline says where the story is, once
        first.setdefault(code, fact)
    if not scores:
        return None
    code = max(scores, key=lambda c: (scores[c], -first[c].evidence.start))
    fact = first[code]
    term = vocab.load("countries").terms.get(code)
    return replace(fact, value=code, label=term.label if term else code)
