from __future__ import annotations

import json

from click.testing import CliRunner

from corroborate import hrdsattack
from corroborate.cli import main

KEYS = ["id", "perpetrator_mention", "perpetrator_type", "violation_types", "country",
        "country_code", "region", "region_code", "city", "year", "month", "day",
        "perpetrators", "victims", "confidence", "confidences"]


def _item(event_id, text, published, gold):
    return {"sample": {"Input.GLOBALEVENTID": event_id, "Input.title": "t",
                       "Input.publish_date": published,
                       "Input.article_interface": "".join(f"<p>{p}</p>" for p in text)},
            "annotations": [], "merged_sample": gold}


def _split(tmp_path):
    items = [
        _item("1", ["Police in Lagos arrested the journalist Ade Bello on March 3, 2021, "
                    "a lawyer said.", "He was held at a station in Lagos State, Nigeria."],
              "2021-03-05 10:00:00",
              {"perpetrator_mention": True, "perpetrator_type": "state actor",
               "violation_types": ["arbitrary detention", "unknown"], "country": "Nigeria",
               "region": "n/a", "city": "Lagos", "year": "2021.0", "month": "03",
               "date": "3.0", "victims": [{"victim_name": "Ade Bello"}]}),
        _item("2", ["A community radio station in the hills marked its tenth year."], "",
              {"perpetrator_mention": False, "perpetrator_type": None,
               "violation_types": ["unknown"], "country": "None", "region": None,
               "city": None, "year": None, "month": None, "date": None, "victims": []}),
    ]
    path = tmp_path / "split.json"
    path.write_text(json.dumps(items))
    return path


def test_gold_is_cleaned_as_the_paper_does(tmp_path):
    first, second = hrdsattack.read_split(_split(tmp_path))
    assert first.gold["year"] == "2021" and first.gold["day"] == "3"
    assert first.gold["month"] == "March" and first.gold["region"] is None
    assert first.gold["violation_types"] == ["arbitrary detention"]
    assert second.published is None and second.gold["country"] is None
    assert first.text.startswith("Police in Lagos") and "\n\n" in first.text


def test_predictions_come_from_the_normal_path_with_the_pinned_keys(tmp_path):
    articles = hrdsattack.read_split(_split(tmp_path))
    predictions, times = hrdsattack.predict(articles)
    assert [list(p) for p in predictions] == [KEYS, KEYS]
    first, second = predictions
    assert first["id"] == "1" and first["perpetrator_mention"] is True
    assert "arbitrary detention" in first["violation_types"]
    assert (first["country"], first["country_code"]) == ("Nigeria", "NG")
    assert (first["year"], first["month"], first["day"]) == ("2021", "March", "3")
    assert second["perpetrator_mention"] is False and second["violation_types"] == []
    assert len(times) == 2
    scores = hrdsattack.score(predictions, articles)
    assert scores["country"] == 100.0 and scores["year"] == 100.0
    null = hrdsattack.score(hrdsattack.null_predictions(articles), articles)
    assert null["country"] == 50.0 and null["perpetrator_mention_f1"] == 0.0


def test_the_bench_command_prints_the_table_writes_predictions_and_gates(tmp_path):
    split = _split(tmp_path)
    out = tmp_path / "pred.jsonl"
    baseline = tmp_path / "baseline.json"
    runner = CliRunner()
    result = runner.invoke(main, ["bench", "hrdsattack", str(split), "-p", str(out),
                                  "--write-baseline", str(baseline)])
    assert result.exit_code == 0, result.output
    assert "paper (test)" in result.output and "null" in result.output
    assert len(out.read_text().splitlines()) == 2
    data = json.loads(baseline.read_text())
    data["hrdsattack_split"]["country"] = 100.5  # a pin above what we reach
    baseline.write_text(json.dumps(data))
    failed = runner.invoke(main, ["bench", "hrdsattack", str(split), "--gate", str(baseline)])
    assert failed.exit_code == 1 and "country 100.0 < baseline 100.5" in failed.output


def test_every_predicted_value_is_a_fact_with_its_evidence(tmp_path):
    from corroborate.store import Store

    articles = hrdsattack.read_split(_split(tmp_path))
    predictions, _ = hrdsattack.predict(articles, tmp_path / "kept")
    with Store.open(tmp_path / "kept") as store:
        [report] = [r for r in store.reports() if r.locator == "line:1"]
        [incident] = store.incidents(report.id)
    facts = incident.facts
    labels = {f.label for f in facts} | {f.value for f in facts}
    first = predictions[0]
    assert first["country_code"] in labels and first["city"] in labels
    assert all(name in labels for name in first["perpetrators"])
    assert any(f.field == "date" and f.value.startswith(first["year"]) for f in facts)
    for fact in facts:
        assert report.text[fact.evidence.start:fact.evidence.end] == fact.evidence.quote
    result = CliRunner().invoke(main, ["show", "-c", str(tmp_path / "kept"), incident.id])
    assert result.exit_code == 0 and "“Lagos”" in result.output


def test_a_repost_without_a_date_is_dated_by_its_story(tmp_path):
    text = ["Security agents in Hyesan, Ryanggang Province, North Korea, detained four women "
            "in May for selling Chinese mobile phones at the market, a source said.",
            "The women were taken to the provincial holding centre and questioned for weeks "
            "about calls they had made to relatives across the river in China."]
    items = [_item("1", text, "2019-06-20 08:00:00", {}), _item("2", text, "", {})]
    path = tmp_path / "split.json"
    path.write_text(json.dumps(items))
    dated, repost = hrdsattack.predict(hrdsattack.read_split(path))[0]
    assert (dated["year"], dated["month"]) == ("2019", "May")
    assert (repost["year"], repost["month"]) == ("2019", "May")
    assert repost["region_code"] == "KP-10"


def test_the_lenient_country_score_forgives_spellings_but_not_other_countries(tmp_path):
    articles = hrdsattack.read_split(_split(tmp_path))
    predictions, _ = hrdsattack.predict(articles)
    spelled = [dict(articles[0].gold, country="Federal Republic of Nigeria"),
               articles[1].gold]
    renamed = [hrdsattack.Article(a.id, a.title, a.published, a.text, g)
               for a, g in zip(articles, spelled, strict=True)]
    scores = hrdsattack.score(predictions, renamed)
    assert scores["country"] == 50.0 and scores["country_lenient"] == 100.0
    elsewhere = [dict(articles[0].gold, country="Ghana"), articles[1].gold]
    moved = [hrdsattack.Article(a.id, a.title, a.published, a.text, g)
             for a, g in zip(articles, elsewhere, strict=True)]
    assert hrdsattack.score(predictions, moved)["country_lenient"] == 50.0
