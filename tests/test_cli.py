from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from corroborate.cli import main

from .conftest import sample_files

COMMANDS = sorted(main.commands)


def test_the_command_set():
    assert COMMANDS == ["anchor", "bench", "demo", "events", "export", "incidents", "ingest",
                        "init", "keygen", "receipts", "repair", "reprocess", "review", "search",
                        "serve", "show", "stories", "train", "user", "verify", "vocab"]


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_documented_with_an_example(name):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"corroborate {name}" in result.output or (name == "init" and "corroborate init" \
        in result.output)


@pytest.mark.parametrize(
    "name", [n for n in COMMANDS if n not in ("init", "demo", "bench", "keygen", "train", "user",
                                              "vocab")])
def test_collection_commands_take_the_collection_option(name):
    params = {p.name for p in main.commands[name].params if isinstance(p, click.Option)}
    assert "collection" in params


@pytest.fixture
def collection(tmp_path):
    path = tmp_path / "c"
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(path)]).exit_code == 0
    result = runner.invoke(main, ["ingest", "-q", "-c", str(path),
                                  *[str(p) for p in sample_files()]])
    assert result.exit_code == 0, result.output
    return path


def test_collection_defaults_to_the_environment(collection, monkeypatch):
    monkeypatch.setenv("CORROBORATE_COLLECTION", str(collection))
    result = CliRunner().invoke(main, ["verify"])
    assert result.exit_code == 0
    assert f"verified {len(sample_files())} capture(s)" in result.output


def test_stories_jsonl_lists_versions(collection):
    result = CliRunner().invoke(main, ["stories", "-c", str(collection), "--format", "jsonl"])
    stories = [json.loads(line) for line in result.output.splitlines()]
    multi = [s for s in stories if len(s["reports"]) > 1]
    # the record and the web page of the seed; the Hyesan trial in Korean (the original,
    # canonical), in English and reposted
    assert sorted(len(s["reports"]) for s in multi) == [2, 3]
    trial = next(s for s in multi if len(s["reports"]) == 3)
    assert "dailynk-ko" in trial["reports"][0]["origin"]  # the Korean page's URL
    for story in multi:
        assert [r["canonical"] for r in story["reports"]] == [True] + [False] * (
            len(story["reports"]) - 1)
        assert set(story["reports"][0]) >= {"id", "origin", "published", "outlet", "canonical"}


def test_show_finds_reports_stories_and_incidents(collection):
    runner = CliRunner()
    export = runner.invoke(main, ["export", "-c", str(collection)])
    first = json.loads(export.output.splitlines()[0])
    for item in (first["incident_id"], first["story_id"], first["report_id"]):
        result = runner.invoke(main, ["show", "-c", str(collection), item])
        assert result.exit_code == 0, result.output
        assert "“" in result.output
    missing = runner.invoke(main, ["show", "-c", str(collection), "i-nothere"])
    assert missing.exit_code == 1 and "no incident" in missing.output


def test_search_and_a_bad_query(collection):
    runner = CliRunner()
    found = runner.invoke(main, ["search", "-c", str(collection), "kyohwaso"])
    assert found.exit_code == 0 and "r-" in found.output
    bad = runner.invoke(main, ["search", "-c", str(collection), '"open'])
    assert bad.exit_code == 1 and "bad search query" in bad.output


def test_verify_fails_naming_what(collection):
    log = collection / "custody.log"
    lines = log.read_text().splitlines()
    lines[0] = lines[0].replace('"size": ', '"size": 1')
    log.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(main, ["verify", "-c", str(collection)])
    assert result.exit_code == 1
    assert "custody.log line 1" in result.output


def test_no_collection_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["incidents", "-c", str(tmp_path)])
    assert result.exit_code == 1 and "corroborate init" in result.output


def test_demo_prints_the_sample_stories_incidents_and_events(tmp_path):
    result = CliRunner().invoke(main, ["demo", "-q", "-c", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert "Kim Jong Un Widens Phone Crackdown" in result.output
    assert "2 version(s)" in result.output
    assert "kp_mss" in result.output and "“Ministry of State Security”" in result.output
    # the Hyesan trial: Daily NK's report, its repost and a rewrite citing it are one
    # origin, RFA's own account another; the arrests that month are another event
    events = result.output.split("== events")[1]
    trial = events.split("\n\n")[0]
    assert "2 origin(s), 5 report(s)" in trial and "Hyesan" in trial
    assert "cites: according to Daily NK" in trial
    assert "Two phone smugglers arrested" in events and "Two phone smugglers" not in trial


def test_show_incident_marks_main_values_with_the_confidence_export_gives(collection):
    runner = CliRunner()
    exported = runner.invoke(main, ["export", "-c", str(collection)])
    records = [json.loads(line) for line in exported.output.splitlines()
               if line.startswith("{")]
    record = next(r for r in records if r["main"]["perpetrator"])
    shown = runner.invoke(main, ["show", "-c", str(collection), record["incident_id"]])
    assert shown.exit_code == 0, shown.output
    main_lines = [line for line in shown.output.splitlines() if line.startswith("  main ")]
    perpetrator = next(line for line in main_lines if line.startswith("  main perpetrator"))
    assert f"{record['main']['perpetrator']['confidence']:.2f}" in perpetrator
    assert any(line.startswith(" *") for line in shown.output.splitlines())
