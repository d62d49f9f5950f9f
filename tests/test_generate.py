"""The benchmark generator (benchmarks/generate.py): deterministic, and its planted story
families and hard negatives are what they claim to be."""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path
from random import Random

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import generate
from generate import Version

from corroborate import Store, ingest

SIZE = 400


@pytest.fixture(scope="module")
def reports() -> list[Version]:
    return list(generate.generate(7, SIZE))


@pytest.fixture(scope="module")
def by_url(reports: list[Version]) -> dict[str, Version]:
    return {v.url: v for v in reports}


def versions(reports: list[Version], *ops: str) -> list[Version]:
    """The versions made with exactly these operations."""
    found = [v for v in reports if v.ops == ops]
    assert found, f"no version made with {ops} in the sample"
    return found


def test_same_seed_same_reports_other_seed_others(reports: list[Version]) -> None:
    again = list(generate.generate(7, 120))  # the first 120 of the same stream
    assert [v.record() for v in again] == [v.record() for v in reports[:120]]
    assert [v.gold() for v in again] == [v.gold() for v in reports[:120]]
    other = [v.record()["text"] for v in generate.generate(8, 50)]
    assert not set(other) & {v.record()["text"] for v in reports[:50]}


def test_exact_count_unique_urls_and_every_kind(reports: list[Version]) -> None:
    assert len(reports) == SIZE
    assert len({v.url for v in reports}) == SIZE
    assert set(Counter(v.kind for v in reports)) == {"original", "version", "hard_negative",
                                                      "second_account"}
    assert {op for v in reports for op in v.ops} == set(generate.OPS)


def test_originals_look_like_articles(reports: list[Version]) -> None:
    originals = [v for v in reports if v.kind != "version"]
    counts = [len(v.body.split()) for v in originals]
    assert min(counts) >= generate.MIN_WORDS
    assert max(counts) <= 1000
    assert all(len(v.paras) >= 4 for v in originals)
    assert max(counts) - min(counts) > 300  # lengths vary
    assert any("Related:" in v.tail for v in originals)
    assert any(v.head and v.head[0].startswith("By ") for v in originals)


def test_truncation_is_a_prefix(reports: list[Version], by_url: dict[str, Version]) -> None:
    for v in versions(reports, "truncated"):
        original = by_url[v.of]
        assert original.body.startswith(v.body)
        assert len(v.body) < len(original.body)
        assert len(v.body.split()) >= min(80, len(original.body.split()))


def test_truncate_cuts_at_a_paragraph_or_sentence_end() -> None:
    paras = ["One two three. Four five six.", "Seven eight nine. Ten eleven twelve."] * 40
    for seed in range(20):
        cut = generate.truncate(paras, Random(seed))
        body, full = "\n\n".join(cut), "\n\n".join(paras)
        assert full.startswith(body) and body.endswith(".")
        assert 0.25 * len(full.split()) <= len(body.split()) <= 0.7 * len(full.split())


def test_furniture_keeps_the_body(reports: list[Version], by_url: dict[str, Version]) -> None:
    for v in versions(reports, "furniture"):
        original = by_url[v.of]
        assert v.body == original.body
        assert v.text != original.text and v.outlet != original.outlet
        assert "Share this article" in v.tail


def test_headline_reworded_body_kept(reports: list[Version],
                                     by_url: dict[str, Version]) -> None:
    for v in versions(reports, "headline"):
        assert v.title != by_url[v.of].title
        assert v.body == by_url[v.of].body


def test_dropped_and_reordered_paragraphs(reports: list[Version],
                                          by_url: dict[str, Version]) -> None:
    for v in versions(reports, "dropped"):
        original = list(by_url[v.of].paras)
        assert v.paras[0] == original[0] and len(v.paras) < len(original)
        assert [p for p in original if p in v.paras] == list(v.paras)  # order kept
    for v in versions(reports, "reordered"):
        original = by_url[v.of].paras
        assert v.paras[0] == original[0] and v.paras != original
        assert sorted(v.paras) == sorted(original)


def test_typos_change_letters_not_words(reports: list[Version],
                                        by_url: dict[str, Version]) -> None:
    for v in versions(reports, "typos"):
        mine, theirs = v.body.split(), by_url[v.of].body.split()
        assert len(mine) == len(theirs)
        changed = [(a, b) for a, b in zip(mine, theirs, strict=True) if a != b]
        assert 0 < len(changed) < len(theirs) / 10
        assert all(abs(len(a) - len(b)) <= 1 and a[0] == b[0] for a, b in changed)


def test_hard_negative_same_place_week_agency_other_incident(
        reports: list[Version]) -> None:
    originals = {v.family: v for v in reports if v.kind == "original"}
    negatives = [v for v in reports if v.kind == "hard_negative"]
    assert negatives
    for neg in negatives:
        pos = originals[neg.negative_of]
        a, b = neg.incident, pos.incident
        assert (a["place"], a["week"], a["agency"], a["type"]) == (
            b["place"], b["week"], b["agency"], b["type"])
        assert a["day"] != b["day"] and a["group"] != b["group"]
        assert neg.event != pos.event and neg.family != pos.family
        shared = [p for p in neg.paras if p in pos.paras]
        assert all(i in pos.context for i, p in enumerate(pos.paras) if p in shared)
        share = generate.words(shared) / generate.words(neg.paras)
        assert share <= 0.56 and generate.words(shared) <= 0.56 * generate.words(pos.paras)
    assert max(generate.words([p for p in n.paras if p in originals[n.negative_of].paras])
               / generate.words(n.paras) for n in negatives) >= 0.3


def test_second_account_same_event_other_story(reports: list[Version]) -> None:
    originals = {v.event: v for v in reports if v.kind == "original"}
    seconds = [v for v in reports if v.kind == "second_account"]
    assert seconds
    for v in seconds:
        first = originals[v.event]
        assert v.family != first.family and v.outlet != first.outlet
        assert v.incident["day"] == first.incident["day"]
        assert not set(v.paras) & set(first.paras)


def test_write_makes_files_ingest_reads(tmp_path: Path) -> None:
    stats = generate.write(tmp_path / "set", seed=3, n=7, per_file=3)
    files = sorted((tmp_path / "set" / "reports").glob("*.jsonl"))
    assert stats["files"] == len(files) == 3
    records = [json.loads(line) for f in files for line in f.read_text().splitlines()]
    assert [len(f.read_text().splitlines()) for f in files] == [3, 3, 1]
    assert set(records[0]) == {"url", "title", "date", "outlet", "text"}
    gold = generate.read_gold(tmp_path / "set")
    assert [g["url"] for g in gold] == [r["url"] for r in records]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", r["date"]) for r in records)
    with Store.init(tmp_path / "collection") as store:
        result = ingest(store, [stats["folder"]])
    assert result.reports == 7 and not result.failures
