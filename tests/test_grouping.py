"""Grouping accounts into events: the links held as numbers give the order of the pairs."""

from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.grouping import group, group_in_order, strongest_first

from .test_linking import _account

_IDS = ["a-1", "a-10", "a-2", "a-b", "a-B", "a-\u00e9", "a-3"]


@settings(max_examples=300)
@given(st.lists(st.tuples(st.sampled_from(_IDS), st.sampled_from(_IDS),
                          st.sampled_from([0.5, 0.6, 0.6000001, 0.9, 1.0])), max_size=40),
       st.sets(st.sampled_from(_IDS), min_size=1))
def test_strongest_first_orders_the_links_among_the_accounts_as_sorting_them_does(rows, held):
    ids = sorted(held)
    links = {(a, b): score for a, b, score in rows if a != b}
    wanted = sorted((pair for pair in links if set(pair) <= held),
                    key=lambda pair: (-links[pair], pair))
    assert list(strongest_first(ids, ((a, b, s) for (a, b), s in links.items()))) == wanted


def test_no_links_give_no_pairs():
    assert list(strongest_first(["a-1"], [])) == []


@settings(max_examples=200)
@given(st.lists(st.sampled_from(["2023", "2023-08-02", "2023-08-30", "2023-03-02", None]),
                min_size=2, max_size=7),
       st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6),
                          st.sampled_from([0.6, 0.7, 0.9])), max_size=20))
def test_grouping_in_the_order_strongest_first_gives_is_grouping(whens, pairs):
    accounts = [_account(id=f"a-{i}", story_id=f"s-{i % 3}", when=when,
                         precision={4: "year", 10: "day"}.get(len(when or "")))
                for i, when in enumerate(whens)]
    links = {(f"a-{min(x, y)}", f"a-{max(x, y)}"): score for x, y, score in pairs
             if x != y and max(x, y) < len(accounts)}
    ids = sorted(a.id for a in accounts)
    ordered = strongest_first(ids, ((a, b, s) for (a, b), s in links.items()))
    assert group_in_order(accounts, ordered) == group(accounts, links)
