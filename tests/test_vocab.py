from __future__ import annotations

import re

import pytest
import yaml

from corroborate import vocab
from corroborate.places import find_places
from corroborate.spans import without_overlaps
from corroborate.vocab import find_all, load

from .conftest import sample_files
from .helpers import text_report

REQUIRED_VIOLATIONS = [
    "arbitrary_detention", "enforced_disappearance", "killing", "torture", "surveillance",
    "coerced_informing", "collective_punishment", "restriction_of_communication",
    "restriction_of_movement", "forced_repatriation", "forced_labour", "banishment",
    "extortion", "sexual_violence", "other"]
NAMES = ("violations", "organisations", "groups", "punishments", "outlets", "places",
         "regions", "countries", "demonyms", "charges")


def test_the_required_violation_types_are_in_the_vocabulary():
    ids = [t.id for t in load("violations")]
    assert [i for i in ids if i in REQUIRED_VIOLATIONS] == REQUIRED_VIOLATIONS


@pytest.mark.parametrize("name", NAMES)
def test_vocabulary_ids_are_unique(name):
    ids = [t.id for t in load(name)]
    assert len(ids) == len(set(ids))


def test_every_north_korean_province_has_its_iso_code():
    regions = {t.id for t in load("regions") if t.attrs.get("country") == "KP"}
    assert {f"KP-{n:02d}" for n in (*range(1, 11), 13, 14, 15)} <= regions


@pytest.mark.parametrize(("text", "term"), [
    ("agents of the State-Security Department came", "kp_mss"),
    ("the bowibu questioned them", "kp_mss"),
    ("the Ministry of Peoples Security said", "kp_mps"),
    ("officers of the Ministry of People’s Security", "kp_mps"),
    ("MSS agents", "kp_mss"),
])
def test_organisation_aliases(text, term):
    assert [h.term.id for h in load("organisations").find(text)] == [term]


@pytest.mark.parametrize(("text", "code"), [
    ("in North Hamkyung province", "KP-09"), ("in North Hamgyŏng", "KP-09"),
    ("in Ryanggang", "KP-10"), ("in Yanggang", "KP-10"), ("in Yangkang", "KP-10"),
])
def test_region_spellings(text, code):
    assert [h.term.id for h in load("regions").find(text)] == [code]


def test_punctuation_between_words_must_match_the_alias():
    countries = load("countries")
    assert [h.term.id for h in countries.find("sent back to N. Korea")] == ["KP"]
    assert countries.find("Ministry of South, Korea") == []


def test_lookup_by_id_label_or_alias():
    organisations = load("organisations")
    assert organisations.lookup("bowibu") is organisations.lookup("kp_mss")
    assert organisations.lookup("no such agency") is None


def _naive(name: str, text: str) -> list[tuple[str, int, int]]:
    """Every pattern on its own over the whole text: the slow, obvious reference."""
    entries = yaml.safe_load(
        (vocab.resources.files("corroborate.data") / f"{name}.yaml").read_text())[name]
    v = load(name)
    hits = [vocab.Hit(v.terms[e["id"]], m.start(), m.end(), m.group(0), "pattern")
            for e in entries for p in e.get("patterns") or []
            for m in re.finditer(p, text, re.IGNORECASE) if m.end() > m.start()]
    return [(h.term.id, h.start, h.end) for h in without_overlaps(hits)]


@pytest.mark.parametrize("name", ["violations", "groups", "punishments", "charges"])
def test_the_pattern_index_finds_what_scanning_every_pattern_finds(name):
    texts = [p.read_text(encoding="utf-8") for p in sample_files()]
    texts.append("They were ARRESTED, then sent to a Kyohwaso; 3 were shot dead. "
                 "Guards beat detainees. Relatives were banished to remote villages. "
                 "They were accused of using Chinese phones and of receiving money from a "
                 "brother, and of carrying goods across the river.")
    found = 0
    for text in texts:
        indexed = [(h.term.id, h.start, h.end)
                   for h in without_overlaps(load(name).find_patterns(text))]
        assert indexed == _naive(name, text)
        found += len(indexed)
    assert found > 3


def test_find_all_equals_finding_one_vocabulary_at_a_time():
    for path in sample_files():
        text = path.read_text(encoding="utf-8")
        together = find_all(text, NAMES)
        for name in NAMES:
            alone = load(name).find(text)
            assert [(h.term.id, h.start) for h in together[name]] == \
                [(h.term.id, h.start) for h in alone]


def test_a_us_state_does_not_hide_the_country_of_the_same_name():
    text = "Protesters were detained in Tbilisi, Georgia, and in Atlanta, Georgia."
    regions = [(h.term.id, h.quote) for h in load("regions").find(text)]
    countries = [(h.term.id, h.quote) for h in load("countries").find(text)]
    assert regions == [("US-GA", "Atlanta, Georgia")]
    assert ("GE", "Georgia") in countries


def test_aliases_with_commas_were_not_split_by_yaml():
    """A flow list splits "Atlanta, Georgia" into two aliases unless it is quoted."""
    data = yaml.safe_load(
        (vocab.resources.files("corroborate.data") / "places.yaml").read_text())
    countries = {c["name"].lower() for c in data["countries"]}
    for section in ("regions", "places"):
        for entry in data[section]:
            for alias in entry.get("aliases") or []:
                assert str(alias).lower() not in countries, (entry["name"], alias)


def test_a_possessive_names_the_country_and_apostrophes_are_optional_between_words():
    text = ("Egypt’s courts and North Korea's Ministry of State Security; the Workers Party "
            "of Korea, the Workers’ Party; the Korean Peoples Army; Ch'ongjin")
    found = vocab.find_all(text, ("countries", "organisations", "places"))
    assert [(h.term.id, h.quote) for h in found["countries"]] == [
        ("EG", "Egypt"), ("KP", "North Korea")]
    organisations = [h.term.id for h in found["organisations"]]
    assert organisations.count("kp_wpk") == 2 and "kp_kpa" in organisations
    assert [h.quote for h in found["places"]] == ["Ch'ongjin"]


def test_a_possessive_country_counts_like_a_demonym():
    report = text_report("Nigeria's police detained him in Lagos.", published=None, id="r-pos")
    kinds = {f.evidence.quote: f.attrs["kind"] for f in find_places(report)}
    assert kinds["Nigeria"] == "demonym"


@pytest.mark.parametrize(("text", "charge"), [
    ("accused of selling methamphetamine", "drugs"),
    ("charged with carrying goods across the river at night", "smuggling"),
    ("for using a Chinese mobile phone", "phones"),
    ("for watching South Korean dramas on a USB stick", "foreign_media"),
    ("for holding secret prayer meetings", "religion"),
    ("for trying to cross the Tumen River", "defection"),
    ("for receiving money from relatives who defected", "contact_with_defectors"),
    ("for trafficking women to China", "trafficking"),
])
def test_charges(text, charge):
    assert charge in {h.term.id for h in load("charges").find(text)}


# the labels HRDsAttack's annotators use for violation types
HRDSATTACK_VIOLATIONS = {"arbitrary detention", "enforced disappearance", "killing", "torture",
                         "kidnapping", "other"}


def test_every_violation_has_a_hrdsattack_label_in_the_crosswalk():
    walked = vocab.read_data("crosswalk")["violations"]
    for term in load("violations"):
        assert walked.get(term.id, {}).get("hrdsattack") in HRDSATTACK_VIOLATIONS, term.id


def test_the_crosswalk_names_only_violations_the_vocabulary_has():
    ids = {t.id for t in load("violations")}
    assert set(vocab.read_data("crosswalk")["violations"]) <= ids


def test_forced_repatriation_is_mapped_in_the_schemes_that_have_a_category_for_it():
    from corroborate.crosswalk import label

    assert label("violations", "forced_repatriation", "hrdsattack") == "other"
    assert label("violations", "forced_repatriation", "plover") == "COERCE"
    assert label("violations", "forced_repatriation", "huridocs") == "Refoulement"
    assert label("violations", "forced_repatriation", "acled") is None  # no fitting type
