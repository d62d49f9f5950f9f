"""The two seed versions of RFA's 2017-06-15 report, end to end."""

from __future__ import annotations

import pytest

from corroborate.export import story_incidents
from corroborate.pipeline import ingest
from corroborate.store import Store

pytestmark = pytest.mark.acceptance


@pytest.fixture(scope="module")
def seeded(shared, tmp_path_factory):
    store = Store.init(tmp_path_factory.mktemp("seeds") / "c")
    result = ingest(store, [str(shared / "corpus" / "seeds")])
    # the seeds folder also holds its README: it is a report-less text, ingested or not,
    # but never a failure of the seeds themselves
    assert not [f for f in result.failures if "rfa-2017" in f.origin]
    yield store
    store.close()


def _seed_reports(store):
    return {r.origin.rsplit("/", 1)[-1]: r for r in store.reports() if "rfa-2017" in r.origin}


def test_the_two_versions_are_one_story_with_the_web_page_canonical(seeded):
    reports = _seed_reports(seeded)
    web = reports["rfa-2017-06-15-web-page.txt"]
    record = reports["rfa-2017-06-15-dataset-record.txt"]
    story = next(s for s in seeded.stories()
                 if web.id in {m.report_id for m in s.members})
    assert {m.report_id for m in story.members} == {web.id, record.id}
    assert story.canonical_report_id == web.id
    version = next(m for m in story.members if m.report_id == record.id)
    assert version.lacks and not version.adds


def test_published_date_and_no_page_furniture(seeded):
    web = _seed_reports(seeded)["rfa-2017-06-15-web-page.txt"]
    item = next(i for i in story_incidents(seeded) if i.incident.report_id == web.id)
    assert item.published == "2017-06-15"
    for furniture in ("Email story", "Comment on this story", "Print story",
                      "More Listening Options", "View Full Site", "in a file photo"):
        assert furniture not in web.text


def test_incident_fields_of_the_seed(seeded):
    web = _seed_reports(seeded)["rfa-2017-06-15-web-page.txt"]
    item = next(i for i in story_incidents(seeded) if i.incident.report_id == web.id)
    facts = item.incident.facts
    values = {(f.field, f.value) for f in facts}
    assert ("perpetrator", "kp_mss") in values
    assert ("victim", "defector_families") in values
    assert ("punishment", "political_prison_camp") in values
    assert ("place", "KP-09") in values
    when = next(f for f in facts if f.field == "date" and f.attrs.get("role") == "when")
    assert (when.value, when.attrs["precision"], when.evidence.quote) == ("2017-05", "month",
                                                                          "May")
    term = next(f for f in facts if f.field == "punishment" and f.value == "prison_term")
    assert (term.attrs["min_years"], term.attrs["max_years"]) == (3, 7)
    chain = [f for f in facts if f.field == "source"]
    roles = [f.attrs["role"] for f in chain]
    assert roles[0] == "source" and "intermediary" in roles and roles[-1] == "outlet"
    assert any("northern part of North Korea" in f.evidence.quote for f in chain)
    assert any(f.value == "intermediary:asiapress" for f in chain)
    for fact in facts:
        assert web.text[fact.evidence.start:fact.evidence.end] == fact.evidence.quote
