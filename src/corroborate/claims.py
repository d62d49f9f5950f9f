"""Claims: for each field of an event, which origins state which value, and where they
disagree.

Values are compared by their normalised form, so spellings of one place or agency
("Hyesan", "Hyeson"; "bowibu", "State Security Department") are one value. Fields that
hold one value for an incident (its date, the number of victims, the city, the province,
the main perpetrator) are in **conflict** when origins state values that cannot both be
true: 30 August against 31 August, nine against seven. "August 2023" and 30 August 2023 do
not conflict (one is less precise), nor do "dozens" and 30. Conflicting values are kept
side by side with their origins and quotes, never averaged or dropped. Fields that can
hold several values (violations, victims, punishments) list every value with its support.

The main value of a field is the one most origins state; ties go to a named agency over
"the authorities", then the most precise, then the earliest origin's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .events import Account, Claim, event_id
from .linking import GENERIC_AGENTS, counts_agree, dates_agree
from .origins import Origin, origins
from .partition import Partition

__all__ = ["FIELDS", "SINGLE", "event_record"]

FIELDS = ("violation", "perpetrator", "victim", "victim_count", "country", "region", "place",
          "date", "punishment")
SINGLE = frozenset({"perpetrator", "victim_count", "region", "place", "date"})
_PRECISION = {"day": 3, "month": 2, "year": 1}


def _compatible(field: str, a: Claim, b: Claim) -> bool:
    if a.value == b.value:
        return True
    if field == "date":
        return dates_agree(a.value, a.precision, b.value, b.precision)[0] in (
            "within", "unknown")
    if field == "victim_count":
        return counts_agree((a.low or 0, a.high), (b.low or 0, b.high)) != "differ"
    if field == "perpetrator":  # "the authorities" does not contradict the agency named
        return bool({a.value, b.value} & GENERIC_AGENTS)
    return False


def _values(field: str, stated: Sequence[tuple[str, Claim]],
            order: Mapping[str, int]) -> list[dict[str, Any]]:
    """One entry per value, with the origins and quotes that state it: most origins first,
    then a named agency before "the authorities", the more precise, and the value of the
    earliest origin (``order``: each origin's rank by publication)."""
    values: dict[str, dict[str, Any]] = {}
    for origin_id, claim in stated:
        entry = values.setdefault(claim.value, {
            "value": claim.value, "label": claim.label, "precision": claim.precision,
            "origins": [], "evidence": []})
        if origin_id not in entry["origins"]:
            entry["origins"].append(origin_id)
        entry["evidence"].append({"report_id": claim.report_id, "start": claim.start,
                                  "end": claim.end, "quote": claim.quote,
                                  "origin": origin_id})
    ranked = sorted(values.values(), key=lambda v: (
        -len(v["origins"]), v["value"] in GENERIC_AGENTS,
        -_PRECISION.get(v["precision"] or "", 0), min(order[o] for o in v["origins"]),
        v["value"]))
    for entry in ranked:
        if entry["precision"] is None:
            del entry["precision"]
    return ranked


def _conflicts(field: str, stated: Sequence[tuple[str, Claim]]) -> list[list[str]]:
    """Pairs of values of a single-valued field that cannot both be true."""
    claims = {c.value: c for _, c in stated}
    values = sorted(claims)
    return [[x, y] for i, x in enumerate(values) for y in values[i + 1:]
            if not _compatible(field, claims[x], claims[y])]


def event_record(accounts: Sequence[Account], links: Mapping[tuple[str, str], Any]
                 ) -> dict[str, Any]:
    """The whole event as one JSON-ready object: origins, reports, per-field support and
    conflicts, and the links with their reasons (docs/events.md, field by field)."""
    found = origins(accounts)
    order = {o.id: rank for rank, o in enumerate(found)}
    origin_of = {acc_id: o for o in found for acc_id in o.accounts}
    by_id = {a.id: a for a in accounts}
    fields: dict[str, Any] = {}
    conflicts = []
    for field in FIELDS:
        stated = [(origin_of[a.id].id, c) for a in accounts for c in a.claims
                  if c.field == field]
        if not stated:
            continue
        entry: dict[str, Any] = {"values": _values(field, stated, order)}
        if field in SINGLE:
            pairs = _conflicts(field, stated)
            entry["conflict"] = bool(pairs)
            if pairs:
                conflicts.append({"field": field, "values": [
                    {"value": v["value"], "label": v["label"], "origins": v["origins"]}
                    for v in entry["values"]]})
        fields[field] = entry
    lead = by_id[found[0].accounts[0]]  # origins come earliest first
    reports = [_report(r, acc, origin_of[acc.id]) for acc in sorted(
        accounts, key=lambda a: (a.published or "9999", a.id)) for r in acc.reports]
    return {
        "id": event_id(a.id for a in accounts),
        "title": lead.title,
        "origins": len(found),
        "place": _main(fields, "place") or _main(fields, "region") or _main(fields, "country"),
        "date": _main_date(fields),
        "first_published": min((o.published for o in found if o.published), default=None),
        "outlets": sorted({r["outlet"] for r in reports if r["outlet"]}),
        "origin_list": [{"id": o.id, "outlet": o.outlet, "published": o.published,
                         "accounts": list(o.accounts), "repeats": o.why} for o in found],
        "reports": reports,
        "fields": fields,
        "conflicts": conflicts,
        "links": _tree(links),
        "link_count": len(links),
    }


def _tree(links: Mapping[tuple[str, str], Any]) -> list[dict[str, Any]]:
    """The strongest links that join the event's accounts (a maximum spanning tree): why
    each account is in the event, in one link each, however many links there are."""
    parts = Partition()
    kept = []
    for (a, b), why in sorted(links.items(), key=lambda kv: (
            -float(kv[1].get("probability", 0)), kv[0])):
        if parts.join(a, b):
            kept.append({"a": a, "b": b, "why": why})
    return sorted(kept, key=lambda link: (link["a"], link["b"]))


def _report(report: dict[str, Any], acc: Account, origin: Origin) -> dict[str, Any]:
    return {"id": report["id"], "origin": report["origin"], "url": report["url"],
            "story": acc.story_id, "account": acc.id, "outlet": report["outlet"],
            "published": report["published"], "title": report["title"],
            "origin_of": origin.id}


def _main(fields: dict[str, Any], name: str) -> dict[str, Any] | None:
    entry = fields.get(name)
    if not entry:
        return None
    top = entry["values"][0]
    return {"field": name, "value": top["value"], "label": top["label"]}


def _main_date(fields: dict[str, Any]) -> dict[str, Any] | None:
    entry = fields.get("date")
    if not entry:
        return None
    top = entry["values"][0]
    return {"value": top["value"], "precision": top.get("precision"),
            "origins": len(top["origins"])}
