import json

from corroborate import baseline


def test_pinning_one_section_keeps_the_others(tmp_path):
    path = tmp_path / "baseline.json"
    baseline.pin(path, "a", {"f1": 0.9})
    baseline.pin(path, "b", {"acc": 60.0})
    assert json.loads(path.read_text()) == {"a": {"f1": 0.9}, "b": {"acc": 60.0}}


def test_only_figures_below_their_pin_are_reported(tmp_path):
    path = tmp_path / "baseline.json"
    baseline.pin(path, "a", {"f1": 0.9, "p": 0.8})
    assert baseline.dropped(path, "a", {"f1": 0.95, "p": 0.8}) == []
    assert baseline.dropped(path, "a", {"f1": 0.85, "p": 0.8}) == ["f1 0.85 < baseline 0.9"]
    assert baseline.dropped(path, "missing", {"f1": 1.0}) == ["no figures pinned under 'missing'"]


def test_pin_and_gate_does_what_the_benchmark_options_ask(tmp_path):
    path = tmp_path / "baseline.json"
    assert baseline.pin_and_gate(None, None, "a", {"f1": 0.9}) is None
    assert not path.exists()
    assert baseline.pin_and_gate(path, path, "a", {"f1": 0.9}) == []
    assert baseline.pin_and_gate(None, path, "a", {"f1": 0.8}) == ["f1 0.8 < baseline 0.9"]


def test_gate_exit_says_the_verdict_and_returns_the_exit_code(tmp_path):
    path = tmp_path / "baseline.json"
    said: list[str] = []
    assert baseline.gate_exit(None, None, "a", {"f1": 0.9}, said.append) == 0 and said == []
    assert baseline.gate_exit(path, path, "a", {"f1": 0.9}, said.append) == 0
    assert said == ["gate: no pinned figure dropped"]
    assert baseline.gate_exit(None, path, "a", {"f1": 0.8}, said.append) == 1
    assert said[-1] == "GATE FAILED: f1 0.8 < baseline 0.9"
