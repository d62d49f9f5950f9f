"""Main values and their confidence: the ranker, its training and its data file."""

from __future__ import annotations

import json
import random

import pytest
from click.testing import CliRunner

from corroborate import learn, ranking
from corroborate.cli import main
from corroborate.errors import CorroborateError
from corroborate.extract import extract
from corroborate.incidents import main_values
from corroborate.model import Evidence, Fact
from corroborate.ranking import FEATURES, Candidate, Model

from .helpers import text_report

REPORT = ("State Security Department agents arrested three traders in Hyesan, Ryanggang "
          "Province, on 4 March 2023, a source in the province told our reporter. The "
          "traders had sold Chinese mobile phones at the market. An official of the "
          "People's Committee said the three were sent to a labour training camp.")


def _fact(value: str, start: int, **attrs: object) -> Fact:
    return Fact("date", value, value, Evidence("r", start, start + 4, "x" * 4), dict(attrs))


def _model(field: str, **weights: float) -> Model:
    zero = {f: (0.0,) * len(names) for f, names in FEATURES.items()}
    zero[field] = tuple(weights.get(n, 0.0) for n in FEATURES[field])
    return Model(zero, {f: 0.0 for f in FEATURES})


def test_the_shipped_model_loads_and_names_every_feature_the_code_reads():
    model = ranking.load_model()
    assert set(model.weights) == set(FEATURES)
    assert all(len(model.weights[f]) == len(FEATURES[f]) for f in FEATURES)


@pytest.mark.parametrize("broken", [
    lambda d: d["fields"].pop("when"),
    lambda d: d["fields"]["when"]["weights"].pop("rule"),
    lambda d: d["fields"]["when"]["weights"].update(invented=1.0),
    lambda d: d.update(threshold=0.5),
])
def test_a_model_file_with_unknown_or_missing_parts_is_an_error(broken):
    data = ranking.load_model().to_dict()
    broken(data)
    with pytest.raises(CorroborateError):
        Model.from_dict(data)


def test_the_rules_choice_is_the_main_value_with_the_pooled_confidence_of_its_value():
    # two mentions of 2021 (one the rules' choice) and one of 2019, equal scores
    group = [Candidate("when", _fact("2021-03", 0), {"rule": 1.0}),
             Candidate("when", _fact("2021", 10), {}),
             Candidate("when", _fact("2019", 20), {})]
    ranked = ranking.rank({"when": group}, _model("when"))["when"]
    assert [r.fact.value for r in ranked] == ["2021-03"]
    # three candidates and "none" share the probability: 2021 pools two quarters
    assert ranked[0].confidence == pytest.approx(0.5)


def test_without_a_rules_choice_there_is_no_main_value():
    # only background dates: the rules decline, and so does the ranker
    group = [Candidate("when", _fact("2019", 0), {"background": 1.0}),
             Candidate("when", _fact("2015", 10), {"background": 1.0})]
    assert ranking.rank({"when": group}, _model("when"))["when"] == []


def test_confidence_follows_the_model():
    group = [Candidate("when", _fact("2019", 0), {"rule": 1.0, "same_year": 0.0}),
             Candidate("when", _fact("2021", 10), {"same_year": 1.0})]
    low = ranking.rank({"when": group}, _model("when", same_year=3.0))["when"][0]
    high = ranking.rank({"when": group}, _model("when", same_year=-3.0))["when"][0]
    assert low.fact.value == high.fact.value == "2019"
    assert low.confidence < 0.1 < 0.4 < high.confidence


def test_main_values_carry_a_confidence_between_0_and_1_for_every_field_given():
    incident = extract(text_report(REPORT, "2023-03-20"))[0]
    values = main_values(incident, "2023-03-20")
    assert values["perpetrator"].value == "kp_mss"
    assert values["when"] == {"year": "2023", "month": "March", "day": "4"}
    given = {k for k in ("perpetrator", "country", "region", "city") if values[k]} | {"when"}
    assert set(values["confidence"]) == given
    assert all(0.0 < c < 1.0 for c in values["confidence"].values())
    assert len(values["confidences"]["violation"]) == len(values["violations"])


def test_fitting_learns_what_separates_right_from_wrong_and_is_deterministic():
    rng = random.Random(7)
    rows = []
    for group in range(60):
        right = rng.randrange(3)
        for i in range(3):
            x = [0.0] * len(FEATURES["country"])
            x[FEATURES["country"].index("headline")] = float(i == right or rng.random() < 0.2)
            x[FEATURES["country"].index("position")] = rng.random()
            rows.append(learn.Row(str(group), "country", tuple(x), int(i == right)))
    first, second = learn.fit_model(rows), learn.fit_model(rows)
    assert learn.differences(first, second, tolerance=0.0) == []
    weights = dict(zip(FEATURES["country"], first.weights["country"], strict=True))
    assert weights["headline"] > 1.0
    assert abs(weights["position"]) < weights["headline"]


def test_expected_calibration_error():
    assert learn.expected_calibration_error([(0.8, True)] * 8 + [(0.8, False)] * 2) == (
        pytest.approx(0.0))
    assert learn.expected_calibration_error([(0.9, False)] * 10) == pytest.approx(0.9)


def test_a_table_round_trips_to_the_same_bytes_and_rejects_a_row_of_the_wrong_width(tmp_path):
    rows = [learn.Row("a", "city", tuple(float(i) for i in range(len(FEATURES["city"]))), 1)]
    learn.write_table(rows, tmp_path / "one.gz")
    learn.write_table(rows, tmp_path / "two.gz")
    assert (tmp_path / "one.gz").read_bytes() == (tmp_path / "two.gz").read_bytes()
    assert learn.read_table(tmp_path / "one.gz") == rows
    learn.write_table([learn.Row("a", "city", (1.0,), 0)], tmp_path / "bad.gz")
    with pytest.raises(CorroborateError, match="does not match"):
        learn.read_table(tmp_path / "bad.gz")


def test_train_fits_the_shipped_table_into_the_shipped_model(tmp_path):
    out = tmp_path / "ranker.json"
    result = CliRunner().invoke(main, ["train", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert learn.differences(Model.from_dict(json.loads(out.read_text())),
                             ranking.load_model()) == []
    check = CliRunner().invoke(main, ["train", "--check"])
    assert check.exit_code == 0, check.output


def test_train_check_fails_when_the_model_is_not_what_training_gives(tmp_path):
    data = ranking.load_model().to_dict()
    data["fields"]["city"]["bias"] += 1.0
    out = tmp_path / "ranker.json"
    out.write_text(json.dumps(data))
    result = CliRunner().invoke(main, ["train", "--check", "--output", str(out)])
    assert result.exit_code == 1
    assert "city.bias" in result.output
