from __future__ import annotations

from corroborate.extract import extract

from .helpers import text_report


def _facts(text: str, published: str | None = "2021-06-01"):
    report = text_report(text, published=published, id="r-test")
    [incident] = extract(report)
    for fact in incident.facts:
        assert text[fact.evidence.start:fact.evidence.end] == fact.evidence.quote
    return incident.facts


def _values(facts, field):
    return [f.value for f in facts if f.field == field]


def test_generic_police_is_north_korean_police_only_in_north_korea():
    kp = _facts("Police in Hyesan, North Korea, arrested three traders last month.")
    ng = _facts("Police in Lagos, Nigeria, arrested three traders last month.")
    assert _values(kp, "perpetrator") == ["kp_mps"]
    assert _values(ng, "perpetrator") == ["police_generic"]
    assert "NG" in [f.attrs.get("country") for f in ng if f.field == "place"]


def test_specific_names_keep_their_organisation_anywhere():
    facts = _facts("In Seoul, defectors said the Ministry of State Security detained them.")
    assert "kp_mss" in _values(facts, "perpetrator")


def test_dates_are_resolved_against_the_publication_date_with_precision():
    facts = _facts("Police detained two traders in Musan last month, a source said.")
    [when] = [f for f in facts if f.field == "date"]
    assert (when.value, when.attrs["precision"], when.attrs["role"]) == ("2021-05", "month",
                                                                        "when")
    undated = _facts("Police detained two traders in Musan in May, a source said.", None)
    [may] = [f for f in undated if f.field == "date"]
    assert may.value == "XXXX-05" and may.attrs["anchored"] is False


def test_prison_terms_carry_their_years():
    facts = _facts("The court sentenced him to five years in prison for smuggling.")
    [term] = [f for f in facts if f.value == "prison_term"]
    assert (term.attrs["min_years"], term.attrs["max_years"]) == (5, 5)


def test_a_report_without_violations_or_perpetrators_states_no_incident():
    report = text_report("The harvest in the north was good this year.", id="r-x")
    assert extract(report) == []


def test_anonymous_sources_are_recorded_as_described_and_no_further():
    facts = _facts("Police arrested a trader in Hyesan, a source in Ryanggang province told "
                   "Daily NK on condition of anonymity.")
    sources = [f for f in facts if f.field == "source"]
    described = [f for f in sources if f.attrs.get("role") == "source"]
    assert [f.evidence.quote for f in described] == ["a source in Ryanggang province"]
    assert described[0].attrs["place"] == "KP-10"
    assert not any("person" in f.attrs for f in described)


def test_the_headline_tips_the_country_when_the_text_names_two_alike():
    text = ("A group of Americans was kidnapped by a gang on Saturday, officials in the United "
            "States said. The gang took them near the capital of Haiti.")

    def country(title):
        report = text_report(text, published="2021-10-18", title=title, id="r-h")
        from corroborate.incidents import main_values

        [incident] = extract(report)
        return main_values(incident)["country"].value

    assert country(None) == "US"
    assert country("Haiti gang holds missionaries") == "HT"
