"""Grouping accounts into events: the links held as numbers give the order of the pairs."""

from hypothesis import example, given, settings
from hypothesis import strategies as st

from corroborate.grouping import group, group_in_order, strongest_first
from corroborate.linking import conflicting

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


def _grouped_naively(accounts, pairs):
    """Grouping as the docstring states it, every pair of members checked at every link."""
    group_of = {a.id: {a.id} for a in accounts}
    by_id = {a.id: a for a in accounts}
    for a, b in pairs:
        ga, gb = group_of[a], group_of[b]
        if ga is gb or any(conflicting(by_id[x], by_id[y]) for x in ga for y in gb):
            continue
        ga |= gb
        for x in gb:
            group_of[x] = ga
    return sorted(sorted(g) for g in {id(g): g for g in group_of.values()}.values())


@settings(max_examples=300)
@given(st.lists(st.sampled_from(["2023", "2023-08-02", "2023-08-30", "2023-03-02", None]),
                min_size=2, max_size=10),
       st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=30))
@example([None] * 4, [(0, 1), (2, 3), (1, 2)])  # two groups of two merge
@example([None, "2023-08-02", "2023-03-02", None, "2023"],  # 1 and 2 conflict, then merge on
         [(1, 2), (0, 1), (2, 3), (3, 4), (0, 2), (1, 4)])
def test_groups_found_to_conflict_are_remembered_without_changing_the_groups(whens, pairs):
    # group_in_order remembers which groups conflict (and carries that over as they
    # merge) so as not to check their members again: the groups must be those of checking
    # every time (five stories: two groups of two can merge; with three they always conflict)
    accounts = [_account(id=f"a-{i}", story_id=f"s-{i % 5}", when=when,
                         precision={4: "year", 10: "day"}.get(len(when or "")))
                for i, when in enumerate(whens)]
    ordered = [(f"a-{x}", f"a-{y}") for x, y in pairs if x != y and max(x, y) < len(accounts)]
    assert group_in_order(accounts, ordered) == _grouped_naively(accounts, ordered)
