"""Grouping accounts into events: the links held as numbers give the order of the pairs."""

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from corroborate.grouping import (
    components,
    group,
    group_in_order,
    joined_parts,
    strongest_first,
)
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


def _dated(whens, pairs):
    """Accounts dated ``whens`` (of three stories) and the links ``pairs`` among them."""
    accounts = [_account(id=f"a-{i}", story_id=f"s-{i % 3}", when=when,
                         precision={4: "year", 10: "day"}.get(len(when or "")))
                for i, when in enumerate(whens)]
    links = {(f"a-{min(x, y)}", f"a-{max(x, y)}"): score for x, y, score in pairs
             if x != y and max(x, y) < len(accounts)}
    return accounts, links


@settings(max_examples=200)
@given(st.lists(st.sampled_from(["2023", "2023-08-02", "2023-08-30", "2023-03-02", None]),
                min_size=2, max_size=7),
       st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6),
                          st.sampled_from([0.6, 0.7, 0.9])), max_size=20))
def test_grouping_in_the_order_strongest_first_gives_is_grouping(whens, pairs):
    accounts, links = _dated(whens, pairs)
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
def test_groups_that_conflicted_once_are_grouped_as_checking_every_time_does(whens, pairs):
    # group_in_order decides two groups' conflicts from what each group holds, carried
    # over as they merge: the groups must be those of checking every member every time
    # (five stories: two groups of two can merge; with three they always conflict)
    accounts = [_account(id=f"a-{i}", story_id=f"s-{i % 5}", when=when,
                         precision={4: "year", 10: "day"}.get(len(when or "")))
                for i, when in enumerate(whens)]
    ordered = [(f"a-{x}", f"a-{y}") for x, y in pairs if x != y and max(x, y) < len(accounts)]
    assert group_in_order(accounts, ordered) == _grouped_naively(accounts, ordered)


_WHENS = [(None, None), ("2023", "year"), ("2023-08", "month"), ("2023-09", "month"),
          ("2023-08-02", "day"), ("2023-08-09", "day"), ("2023-08-11", "day"),
          ("2023-08-30", "day"), ("2023-03-02", "day"), ("20x3", "year")]
_CITIES = [(None, ()), ("KP-10:Hyesan", ("KP-10:Hyesan",)), ("KP-10:Pochon", ("KP-10:Pochon",)),
           ("KP-10:Pochon", ("KP-10:Pochon", "KP-10:Hyesan")), ("KP-09:Hoeryong", ())]


def _taken(taken, then):
    """Rows and links: a date taken into a larger group (two undated accounts), then one
    that conflicts with it alone."""
    (when, precision, published), (when2, precision2, published2) = taken, then
    return ([((None, None), (None, ()), None, None, 0), ((None, None), (None, ()), None, None, 1),
             ((when, precision), (None, ()), None, published, 2),
             ((when2, precision2), (None, ()), None, published2, 3)],
            [(0, 1), (2, 0), (0, 3)])


@settings(max_examples=1000)
@given(st.lists(st.tuples(st.sampled_from(_WHENS), st.sampled_from(_CITIES),
                          st.sampled_from([None, "KP-10", "KP-09"]),
                          st.sampled_from([None, "2023-08-05", "2023-08-31", "2024-01-01"]),
                          st.integers(0, 6)),
                min_size=2, max_size=12),
       st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=40))
@example([((None, None), (None, ()), None, None, 0), (("2023-08", "month"), (None, ()), None,
          "2023-08-05", 1), (("2023-08-09", "day"), (None, ()), None, None, 2)],
         [(0, 1), (0, 2)])  # a month cut short by its report's day, then a day after it
@example([(("2023-08-02", "day"), (None, ()), None, None, 0),
          (("2023-08-09", "day"), (None, ()), None, None, 1)], [(0, 1)])  # a week apart
@example(*_taken(("2023-08-02", "day", None), ("2023-09", "month", None)))
@example(*_taken(("2023-08-30", "day", None), ("2023-08", "month", "2023-08-05")))
@example(*_taken(("2023-08-30", "day", None), ("2023-08-02", "day", None)))
@example(*_taken(("2023-08", "month", None), ("2023-09", "month", None)))
@example(*_taken(("2023-08-02", "day", None), ("2023-08-30", "day", None)))
@example(*_taken(("2023-09", "month", None), ("2023-08-02", "day", None)))
def test_groups_found_from_their_bounds_are_those_checking_every_pair_finds(rows, pairs):
    # a group's conflicts are decided from its extremes (dates), its provinces and its
    # cities, not pair by pair: the groups must be those ``conflicting`` gives every pair
    accounts = [_account(id=f"a-{i}", story_id=f"s-{story}", when=when, precision=precision,
                         city=city, places=places, region=region, published=published)
                for i, ((when, precision), (city, places), region, published, story)
                in enumerate(rows)]
    ordered = [(f"a-{x}", f"a-{y}") for x, y in pairs if x != y and max(x, y) < len(accounts)]
    assert group_in_order(accounts, ordered) == _grouped_naively(accounts, ordered)


def _smallest_reached(n, edges):
    """Each node's smallest node reachable, by walking the edges from it."""
    near = {i: set() for i in range(n)}
    for a, b in edges:
        near[a].add(b)
        near[b].add(a)
    out = []
    for start in range(n):
        seen, todo = {start}, [start]
        while todo:
            for other in near[todo.pop()] - seen:
                seen.add(other)
                todo.append(other)
        out.append(min(seen))
    return out


@settings(max_examples=300)
@given(st.integers(1, 30).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
                         max_size=3 * n))))
@example((6, [(5, 4), (4, 3), (3, 2), (2, 1), (1, 0)]))  # a chain, largest first
@example((5, [(0, 4), (3, 4), (1, 3), (2, 2)]))
def test_components_give_each_node_the_smallest_node_it_reaches(graph):
    n, edges = graph
    first = np.array([a for a, _ in edges], dtype=np.int32)
    second = np.array([b for _, b in edges], dtype=np.int32)
    reached = _smallest_reached(n, edges)
    for chunk in (1, 2, 7, 1 << 18):  # the edges a pass takes at once
        assert components(n, first, second, chunk).tolist() == reached


@settings(max_examples=200)
@given(st.lists(st.sampled_from(["2023", "2023-08-02", "2023-08-30", "2023-03-02", None]),
                min_size=2, max_size=12),
       st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11),
                          st.sampled_from([0.6, 0.7, 0.9])), max_size=20),
       st.integers(1, 6))
def test_grouping_joined_parts_one_at_a_time_gives_grouping_them_all(whens, pairs, most):
    accounts, links = _dated(whens, pairs)
    ids = sorted(a.id for a in accounts)
    rows = [(a, b, s) for (a, b), s in links.items()] + [("a-1", "elsewhere", 0.9)]
    parts = joined_parts(ids, rows, most)
    assert sorted(i for part in parts for i in part) == ids
    assert all(part == sorted(part) for part in parts)
    where = {i: n for n, part in enumerate(parts) for i in part}
    assert all(where[a] == where[b] for a, b in links)  # no link crosses two parts
    # a part over ``most`` is one component: two accounts no chain of links joins
    # would have been parts of their own
    for part in parts:
        if len(part) > most:
            assert len(set(_smallest_reached(len(part), [
                (part.index(a), part.index(b)) for a, b in links if a in part]))) == 1
    by_id = {a.id: a for a in accounts}
    made = sorted(g for part in parts for g in group_in_order(
        [by_id[i] for i in part], strongest_first(part, [r for r in rows if r[0] in part])))
    assert made == group(accounts, links)


def test_accounts_that_fit_are_one_part_and_their_links_are_not_read():
    def links():
        raise AssertionError("read")
        yield

    assert joined_parts(["a-1", "a-2"], links(), 2) == [["a-1", "a-2"]]
