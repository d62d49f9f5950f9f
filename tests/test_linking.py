"""Linking rules, blocking, citations and conflicts, piece by piece."""

from __future__ import annotations

import json
from dataclasses import replace
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.claims import _compatible
from corroborate.errors import CorroborateError
from corroborate.events import Account, Claim, blocking_keys, probe_keys
from corroborate.linking import (
    FEATURES,
    compare,
    conflicting,
    counts_agree,
    dates_agree,
    evidence,
    parse_weights,
    weights,
)
from corroborate.linking import _compatible as link_compatible
from corroborate.origins import citations, origins

from .helpers import text_report


def _account(**fields) -> Account:
    base = dict(
        id="a-1", story_id="s-1", incident_id="i-1", report_id="r-1", title=None,
        published="2023-09-04", outlet=None, country="KP", region="KP-10",
        city="KP-10:Hyesan", places=("KP-10:Hyesan",), when="2023-08-30", precision="day",
        violations=("killing",), acts=("killing",), perpetrator="kp_mss",
        perpetrators=("kp_mss",), groups=(), named=(), count=None, punishments=(),
        terms=(), sources=(), quotes=(), figures=(), charges=(), words=(), claims=(), reports=())
    base.update(fields)
    return Account(**base)


@pytest.mark.parametrize(("a", "b", "expected"), [
    (("2023-08-30", "day"), ("2023-08-30", "day"), "same day"),
    (("2023-08-30", "day"), ("2023-08-31", "day"), "days apart"),
    (("2023-08-30", "day"), ("2023-08-12", "day"), "apart"),
    (("2023-08", "month"), ("2023-08-30", "day"), "within"),
    (("2023", "year"), ("2023-08-30", "day"), "within"),
    (("2023-07", "month"), ("2023-08-30", "day"), "apart"),
    ((None, None), ("2023-08-30", "day"), "unknown"),
])
def test_dates_agree_at_their_precision(a, b, expected):
    assert dates_agree(*a, *b)[0] == expected
    assert dates_agree(*b, *a)[0] == expected


def test_an_incident_is_no_later_than_the_report_that_tells_it():
    # "earlier this month" in a report of 18 March cannot be 21 March
    assert dates_agree("2019-03", "month", "2019-03-21", "day", "2019-03-18", None)[0] \
        == "apart"
    assert dates_agree("2019-03", "month", "2019-03-12", "day", "2019-03-18", None)[0] \
        == "within"


@pytest.mark.parametrize(("a", "b", "expected"), [
    ((9, 9), (9, 9), "same"), ((9, 9), (7, 7), "differ"), ((24, None), (30, 30), "overlap"),
    ((11, None), (9, 9), "differ"), ((3, 5), (4, 4), "overlap"), (None, (4, 4), "unknown"),
])
def test_counts_agree_as_ranges(a, b, expected):
    assert counts_agree(a, b) == expected


def test_what_cannot_be_one_incident_is_never_compared():
    a = _account()
    assert evidence(a, _account(id="a-2", story_id="s-2", country="CN")) is None
    assert evidence(a, _account(id="a-2", story_id="s-2", city="KP-10:Pochon",
                                places=("KP-10:Pochon",))) is None
    assert evidence(a, _account(id="a-2", story_id="s-2", acts=("banishment",))) is None
    assert evidence(a, _account(id="a-2", story_id="s-2", when="2023-08-12")) is None
    assert evidence(a, _account(id="a-2", story_id="s-2", when=None, precision=None,
                                published="2024-06-01")) is None
    assert evidence(a, replace(a, id="a-2")) is None  # one story is never linked to itself


def test_agreeing_details_link_and_a_different_count_and_group_keep_apart():
    a = _account(count=(9, 9), groups=("smugglers",), quotes=("they read out the charges",))
    same = _account(id="a-2", story_id="s-2", count=(9, 9), groups=("smugglers",),
                    quotes=("they read out the charges",))
    other = _account(id="a-3", story_id="s-3", when="2023-08", precision="month",
                     count=(2, 2), groups=("market_traders",))
    link = compare(a, same)
    assert link is not None and {"same_day", "same_count", "quote"} <= set(link.why)
    assert compare(same, a) == link
    assert compare(a, other) is None


def test_wording_is_what_the_openings_share_not_the_background():
    background, opening, other = (1, 2, 3, 4, 5, 6), (7, 8, 9), (10, 11, 12)
    a = _account(words=background + opening, opening_words=opening)
    reworded = _account(id="a-2", story_id="s-2", words=opening, opening_words=opening)
    same_background = _account(id="a-3", story_id="s-3", words=background + other,
                               opening_words=other)
    assert evidence(a, reworded)[0]["wording"] == 1.0
    assert evidence(a, same_background)[0]["wording"] == 0.0


def test_make_links_compares_as_compare_does_and_decodes_a_changed_probe_again():
    """The workers' linking (from probes, candidates kept decoded by id) gives compare's
    links; a candidate whose probe changed under the same id is not read from the cache."""
    from corroborate.linking import make_links

    a = _account(count=(9, 9), groups=("smugglers",), quotes=("they read out the charges",))
    same = _account(id="a-2", story_id="s-2", count=(9, 9), groups=("smugglers",),
                    quotes=("they read out the charges",))
    other = _account(id="a-2", story_id="s-2", when="2023-08", precision="month",
                     count=(2, 2), groups=("market_traders",))  # a-2 made again
    first = make_links([(a.probe(), [("a-2", same.probe())])])
    assert first == [[compare(a, same)]] and first[0][0] is not None
    assert make_links([(a.probe(), [("a-2", other.probe())])]) == [[]]
    assert make_links([(a.probe(), [("a-2", same.probe())]), (same.probe(), [])]) == \
        [[compare(a, same)], []]


@given(st.sampled_from([None, "2023", "2023-08", "2023-08-30", "2024-01", "2022-12-31"]),
       st.sampled_from([None, "2023", "2023-08", "2023-08-30", "2024-01", "2022-12-31"]),
       st.sampled_from([None, "2023-09-04", "2024-02-10", "2023-01-02", "2024-08-15",
                        "2024-04-30", "2024-05-01", "2022-08-31"]),
       st.sampled_from([None, "2023-09-04", "2024-02-10", "2023-01-02", "2024-08-15",
                        "2024-04-30", "2024-05-01", "2022-08-31"]),
       st.sampled_from([None, "KP-10", "KP-09"]), st.sampled_from([None, "KP-10", "KP-09"]))
def test_blocking_is_symmetric(when_a, when_b, pub_a, pub_b, region_a, region_b):
    """If a new account finds an older one, the older one would have found the new one:
    so what links does not depend on the order reports arrive in. Accounts of one province
    or none find each other; of two provinces, never (they cannot be one incident)."""
    def make(i, when, pub, region):
        precision = {4: "year", 7: "month", 10: "day"}.get(len(when or ""))
        city = "KP-10:Hyesan" if region == "KP-10" else None
        return _account(id=f"a-{i}", story_id=f"s-{i}", when=when, precision=precision,
                        published=pub, region=region, city=city,
                        places=(city,) if city else ())
    a, b = make(1, when_a, pub_a, region_a), make(2, when_b, pub_b, region_b)
    if region_a and region_b and region_a != region_b:
        assert not set(probe_keys(a)) & set(blocking_keys(b))
    finds = bool(set(probe_keys(a)) & set(blocking_keys(b)))
    found = bool(set(probe_keys(b)) & set(blocking_keys(a)))
    assert finds == found
    if evidence(a, b) is not None:  # whatever could link is found by blocking
        assert finds


_CITIES = [None, "KP-10:Hyesan", "KP-10:Samjiyon", "KP-10:Kimjongsuk"]


_REGIONS = ["KP-10", "KP-10", "KP-10", None, "KP-09"]  # most pairs in one province


@settings(max_examples=500)
@given(st.sampled_from(_CITIES), st.sampled_from(_CITIES),
       st.sets(st.sampled_from(_CITIES[1:])), st.sets(st.sampled_from(_CITIES[1:])),
       st.sampled_from(_REGIONS), st.sampled_from(_REGIONS),
       st.sets(st.sampled_from(["killing", "arrest", "torture"]), min_size=1),
       st.sets(st.sampled_from(["killing", "arrest", "torture"]), min_size=1),
       st.booleans(), st.booleans(),
       st.sampled_from([None, "2023-08", "2023-08-30"]),
       st.sampled_from([None, "2023-08", "2023-08-30"]))
def test_blocking_by_city_and_killing_finds_every_pair_that_could_link(
        city_a, city_b, places_a, places_b, region_a, region_b, acts_a, acts_b,
        killing_a, killing_b, when_a, when_b):
    """Accounts are filed by city, and an account of a killing only under the killing:
    whatever pair linking could accept (``_compatible``) is still found, both ways, and
    a pair in two cities neither names, or a killing and an account that states none, is
    not even read."""
    def make(i, city, places, region, acts, killing, when):
        main = ("killing",) if killing and "killing" in acts else tuple(sorted(acts))[:1]
        return _account(id=f"a-{i}", story_id=f"s-{i}", region=region,
                        city=city if region == "KP-10" else None,
                        places=tuple(sorted(places | ({city} if city else set())))
                        if region == "KP-10" else (),
                        acts=tuple(sorted(acts)), violations=main, when=when,
                        precision={7: "month", 10: "day"}.get(len(when or "")))
    a = make(1, city_a, places_a, region_a, acts_a, killing_a, when_a)
    b = make(2, city_b, places_b, region_b, acts_b, killing_b, when_b)
    finds = bool(set(probe_keys(a)) & set(blocking_keys(b)))
    found = bool(set(probe_keys(b)) & set(blocking_keys(a)))
    assert finds == found
    if link_compatible(a, b) is not None:
        assert finds
    if a.city and b.city and a.city not in b.places and b.city not in a.places:
        assert not finds
    if "killing" in a.violations and "killing" not in b.acts:
        assert not finds


def test_the_shipped_weights_cover_every_feature_and_unknown_ones_are_refused():
    model = weights()
    assert set(model.weights) == set(FEATURES) and 0 < model.threshold < 1
    raw = json.loads(resources.files("corroborate").joinpath("data", "linking.json")
                     .read_text(encoding="utf-8"))
    with pytest.raises(CorroborateError, match="unknown features"):
        parse_weights({**raw, "weights": {**raw["weights"], "moon_phase": 1.0}})
    with pytest.raises(CorroborateError, match="none for"):
        parse_weights({**raw, "weights": {k: v for k, v in raw["weights"].items()
                                          if k != "quote"}})
    with pytest.raises(CorroborateError, match="keys must be"):
        parse_weights({**raw, "extra": 1})


@pytest.mark.parametrize(("text", "own", "cited", "own_reporting"), [
    ("Nine were shot, according to Daily NK.", None, ["daily_nk"], False),
    ("This report first appeared on Daily NK.", None, ["daily_nk"], False),
    ("[Source: AsiaPress] Two women were arrested.", None, ["asiapress"], False),
    ("Radio Free Asia reported on Tuesday that seven were shot.", "daily_nk", ["rfa"], False),
    ("A source in Hyesan told RFA that seven were shot.", None, ["rfa"], False),
    ("A source in Hyesan told RFA that seven were shot.", "rfa", [], True),
    ("Jiro Ishimaru, an editor at AsiaPress, told RFA about it.", "rfa", [], True),
    ("Daily NK's offices are in Seoul.", None, [], False),
])
def test_citations_name_the_outlet_an_account_comes_from(text, own, cited, own_reporting):
    found, own_found = citations(text_report(text), own)
    assert [outlet for outlet, _ in found] == cited
    assert own_found == own_reporting


def test_an_outlet_that_cites_but_has_its_own_source_is_an_origin_of_its_own():
    dnk = _account(outlet="daily_nk", published="2023-09-01")
    rfa = _account(id="a-2", story_id="s-2", outlet="rfa", published="2023-09-03",
                   cites=(("daily_nk", "Daily NK reported"),), own_reporting=True)
    copy = _account(id="a-3", story_id="s-3", outlet=None, published="2023-09-02",
                    cites=(("daily_nk", "according to Daily NK"),))
    found = origins([dnk, rfa, copy])
    assert sorted(sorted(o.accounts) for o in found) == [["a-1", "a-3"], ["a-2"]]


def test_a_later_uncited_copy_with_the_same_quote_repeats_the_earlier_origin():
    first = _account(outlet="daily_nk", published="2023-09-01", quotes=("nobody looked away",))
    later = _account(id="a-2", story_id="s-2", outlet="site:nk roundup",
                     published="2023-09-05", quotes=("nobody looked away",))
    found = origins([later, first])
    assert len(found) == 1 and found[0].why["a-2"]["quote"] == "nobody looked away"


def _claim(field, value, precision=None, low=None, high=None):
    return Claim(field, value, value, "r-1", 0, 1, "x", precision, low, high)


@pytest.mark.parametrize(("field", "a", "b", "compatible"), [
    ("date", ("2023-08", "month"), ("2023-08-30", "day"), True),
    ("date", ("2023-08-30", "day"), ("2023-08-31", "day"), False),
    ("victim_count", (24, None), (30, 30), True),
    ("victim_count", (9, 9), (7, 7), False),
    ("perpetrator", ("kp_state_authorities",), ("kp_mss",), True),
    ("perpetrator", ("kp_mps",), ("kp_mss",), False),
    ("place", ("KP-10:Hyesan",), ("KP-10:Pochon",), False),
])
def test_what_conflicts(field, a, b, compatible):
    def claim(spec):
        if field == "victim_count":
            return _claim(field, f"{spec[0]}", low=spec[0], high=spec[1])
        return _claim(field, spec[0], spec[1] if len(spec) > 1 else None)
    assert _compatible(field, claim(a), claim(b)) is compatible


def test_an_outlet_the_vocabulary_does_not_know_is_cited_by_name():
    found, _ = citations(text_report(
        "Border Monitor reported on Monday that two were shot. According to a report by "
        "Pyongyang Watch, the bodies were taken away."), None)
    assert [o for o, _ in found] == ["site:border monitor", "site:pyongyang watch"]
    assert citations(text_report("Police reported that two were held."), None)[0] == ()


def test_a_name_cited_is_an_origin_only_when_the_event_has_a_report_under_it():
    watch = _account(outlet="site:border monitor", published="2023-09-01")
    citing = _account(id="a-2", story_id="s-2", outlet="site:nk roundup",
                      published="2023-09-03",
                      cites=(("site:border monitor", "Border Monitor reported"),))
    person = _account(id="a-3", story_id="s-3", outlet="daily_nk", published="2023-09-04",
                      cites=(("site:lee sang yong", "according to Lee Sang-yong"),))
    other = _account(id="a-4", story_id="s-4", outlet="rfa", published="2023-09-05",
                     cites=(("site:lee sang yong", "according to Lee Sang-yong"),))
    found = origins([watch, citing, person, other])
    assert sorted(sorted(o.accounts) for o in found) == [["a-1", "a-2"], ["a-3"], ["a-4"]]


def test_an_event_never_holds_two_accounts_that_conflict():
    """Links chain: a year-dated account links to incidents of August and of March, which
    cannot be one. The strongest link wins; the other joins nothing. Outlets that disagree
    by a few days on one incident still make one event."""
    from corroborate.grouping import group

    year = _account(id="a-1", story_id="s-1", when="2023", precision="year")
    august = _account(id="a-2", story_id="s-2", when="2023-08-30")
    march = _account(id="a-3", story_id="s-3", when="2023-03-02", published="2023-03-05")
    links = {("a-1", "a-2"): 0.9, ("a-1", "a-3"): 0.8}
    assert conflicting(august, march) and not conflicting(year, march)
    assert group([year, august, march], links) == [["a-1", "a-2"], ["a-3"]]
    links[("a-1", "a-3")] = 0.95
    assert group([year, august, march], links) == [["a-1", "a-3"], ["a-2"]]
    days_off = replace(march, when="2023-08-26", published="2023-09-04")
    assert not conflicting(august, days_off) and evidence(august, days_off) is None
    assert group([year, august, days_off], links) == [["a-1", "a-2", "a-3"]]


def test_two_incidents_of_one_story_are_never_one_event():
    from corroborate.grouping import group

    first = _account(id="a-1", story_id="s-1")
    second = _account(id="a-2", story_id="s-1", when="2023-08-29")
    other = _account(id="a-3", story_id="s-2")
    links = {("a-1", "a-3"): 0.9, ("a-2", "a-3"): 0.8}
    assert group([first, second, other], links) == [["a-1", "a-3"], ["a-2"]]


@settings(max_examples=200)
@given(st.lists(st.tuples(st.sampled_from(["s-1", "s-2", "s-3", "s-4", "s-5"]),
                          st.sampled_from(["2023", "2023-08", "2023-08-02", "2023-08-30",
                                           "2023-03-02", None])), min_size=2, max_size=9),
       st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8),
                          st.sampled_from([0.6, 0.7, 0.8, 0.9])), max_size=30))
def test_events_join_as_checking_every_pair_of_two_groups_does(shapes, pairs):
    """The grouping decides conflicts from what each group holds (they only grow): the
    events are the ones checking every two accounts of two groups, at every link, gives."""
    from corroborate.grouping import group as grouped

    accounts = [_account(id=f"a-{i}", story_id=story, when=when,
                         precision={4: "year", 7: "month", 10: "day"}.get(len(when or "")))
                for i, (story, when) in enumerate(shapes)]
    links = {(f"a-{min(x, y)}", f"a-{max(x, y)}"): score for x, y, score in pairs
             if x != y and max(x, y) < len(accounts)}
    members = {a.id: [a.id] for a in accounts}
    group = {a.id: a.id for a in accounts}
    by_id = {a.id: a for a in accounts}
    for a, b in sorted(links, key=lambda pair: (-links[pair], pair)):
        ga, gb = group[a], group[b]
        if ga == gb or any(conflicting(by_id[x], by_id[y])
                           for x in members[ga] for y in members[gb]):
            continue
        for x in members[gb]:
            group[x] = ga
        members[ga] += members.pop(gb)
    made = grouped(accounts, links)
    assert made == sorted(sorted(ids) for ids in members.values())
    assert not any(conflicting(by_id[x], by_id[y]) for ids in made for x in ids for y in ids
                   if x < y)


class _Named:
    """What _event_ids reads from a store: accounts a-2 and a-3 were event ``was``."""

    def __init__(self, was: str) -> None:
        self.was = was

    def events_of_accounts(self, by_id):
        return {"a-2": self.was, "a-3": self.was}

    def former_events(self, story_ids):
        return {}

    def event_ids_in_use(self, wanted):
        return {self.was} & set(wanted)


def test_an_event_split_in_two_gives_each_part_a_name_of_its_own():
    """A new account (a-1) takes a-3 from the event a-2 named; the part left, a-2 alone,
    cannot go by the name the other part kept (review of issue 12)."""
    from corroborate.events import event_id
    from corroborate.refresh.events import _event_ids

    was = event_id(["a-2"])
    stories = {i: f"s-{i}" for i in ("a-1", "a-2", "a-3")}
    store = _Named(was)
    names = _event_ids(store, [["a-1", "a-3"], ["a-2"]], stories,
                       store.events_of_accounts(stories), {was})
    assert names[0] == was and names[1] != was
