"""Korean reports end to end: what a Korean report says comes out as the same ids as an
English one, each value quoting its Korean words; a Korean report and its English
translation are one story; independent Korean and English accounts of one incident are one
event; another incident told in Korean the same month stays apart.

The reports are our own writing (tests/fixtures/crosslang/, and the bundled Korean sample).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from corroborate import Store, ingest
from corroborate.incidents import main_values

HERE = Path(__file__).parent
CROSS = HERE / "fixtures" / "crosslang"
SAMPLES = HERE.parent / "src" / "corroborate" / "samples"
KOREAN_SAMPLE = SAMPLES / "hyesan-public-trial-ko.html"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    files = [*sorted(CROSS.iterdir()), KOREAN_SAMPLE,
             *sorted(SAMPLES.glob("hyesan-public-trial*.html")),
             SAMPLES / "hyesan-public-trial-rewrite.txt"]
    with Store.init(tmp_path_factory.mktemp("crosslang") / "c") as opened:
        result = ingest(opened, sorted({str(f) for f in files}))
        assert result.ok, [str(f) for f in result.failures]
        yield opened


def _report(store: Store, needle: str) -> str:
    found = [r.id for r in store.reports() if needle in (r.url or "")]
    assert len(found) == 1, needle
    return found[0]


def _story_of(store: Store, report_id: str) -> set[str]:
    story = next(s for s in store.stories() if report_id in {m.report_id for m in s.members})
    return {m.report_id for m in story.members}


def _event_of(store: Store, report_id: str) -> dict[str, object]:
    return next(e for e in store.events() if report_id in {r["id"] for r in e["reports"]})


def test_a_korean_report_says_what_it_says_in_ids_with_korean_evidence(store: Store) -> None:
    rid = _report(store, "dailynk-ko/2019/03/hyesan-trial")
    report = store.report(rid)
    assert report is not None and report.language == "ko"
    assert report.published == "2019-03-16" and report.outlet == "Daily NK"
    incident = store.incidents(rid)[0]
    facts = {(f.field, f.value): f for f in incident.facts}
    for key, quote in [(("place", "KP-10"), "양강도"), (("place", "KP-10:Hyesan"), "혜산시"),
                       (("perpetrator", "kp_mss"), "보위부"), (("violation", "killing"), "총살"),
                       (("punishment", "execution"), "사형"),
                       (("punishment", "reeducation_camp"), "교화소"),
                       (("source", "outlet:daily_nk"), "데일리NK")]:
        fact = facts[key]
        assert fact.evidence.quote == quote
        assert report.text[fact.evidence.start:fact.evidence.end] == quote
    main = main_values(incident, report.published)
    assert main["region"].value == "KP-10"  # ISO 3166-2: Ryanggang
    assert (main["when_fact"].value, main["when_fact"].attrs["precision"]) == ("2019-03",
                                                                               "month")
    assert main["when_fact"].evidence.quote == "이달 초"


def test_a_korean_report_and_its_english_translation_are_one_story(store: Store) -> None:
    korean = _report(store, "rfa-ko/2017/06/phones")
    english = _report(store, "rfa-en/2017/06/phones")
    assert _story_of(store, korean) == {korean, english}
    story = next(s for s in store.stories() if s.canonical_report_id in (korean, english))
    assert story.canonical_report_id == korean  # the original states more
    version = next(m for m in story.members if not m.canonical)
    assert version.containment >= 0.7


def test_the_korean_original_joins_its_english_version_and_the_repost(store: Store) -> None:
    korean = _report(store, "dailynk-ko/2019/03/hyesan-trial")
    english = _report(store, "dailynk/2019/03/hyesan-public-trial")
    members = _story_of(store, korean)
    assert english in members and len(members) == 3  # and NK Digest's repost


def test_independent_korean_and_english_accounts_are_one_event(store: Store) -> None:
    asiapress = _report(store, "asiapress-ko/2019/03/hyesan")
    rfa = _report(store, "rfa/korea/hyesan-trial")
    korean = _report(store, "dailynk-ko/2019/03/hyesan-trial")
    event = _event_of(store, asiapress)
    ids = {r["id"] for r in event["reports"]}  # type: ignore[union-attr]
    assert {rfa, korean} <= ids
    assert asiapress not in _story_of(store, korean)  # another origin, not a version
    assert event["origins"] >= 3


def test_another_incident_told_in_korean_the_same_month_stays_apart(store: Store) -> None:
    hoeryong = _report(store, "dailynk-ko/2017/06/hoeryong")
    phones = _report(store, "rfa-ko/2017/06/phones")
    assert _story_of(store, hoeryong) == {hoeryong}
    event = _event_of(store, hoeryong)
    assert {r["id"] for r in event["reports"]} == {hoeryong}  # type: ignore[union-attr]
    assert phones not in {r["id"] for r in event["reports"]}  # type: ignore[union-attr]


def test_the_bench_command_reads_korean_articles_unchanged(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from corroborate.cli import main

    predictions = tmp_path / "pred.jsonl"
    split = HERE / "fixtures" / "ko-bench" / "ko-bench.json"
    result = CliRunner().invoke(main, ["bench", "hrdsattack", str(split), "-p",
                                       str(predictions)])
    assert result.exit_code == 0, result.output
    gold = {str(i["sample"]["Input.GLOBALEVENTID"]): i["merged_sample"]
            for i in json.loads(split.read_text(encoding="utf-8"))}
    found = [json.loads(line) for line in predictions.read_text().splitlines()]
    assert len(found) == len(gold)
    for prediction in found:
        expected = gold[prediction["id"]]
        for key in ("country", "region", "city", "year", "perpetrator_type"):
            assert prediction[key] == expected[key], (prediction["id"], key)
    assert "median extraction time" in result.output
