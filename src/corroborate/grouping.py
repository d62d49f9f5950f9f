"""Grouping: accounts into events, by their links, strongest first.

A link joins two groups unless one event could not hold both (``linking.conflicting``:
two incidents of one story, two places, dates too far apart). An events refresh groups
again every account links join to what it changed, or, where links join too many, the
events the changed accounts are in (docs/events.md, "Arrival order"): in a dense
collection that is tens of thousands of accounts and hundreds of thousands of links, so
the links are held as numbers (:func:`strongest_first`), not as pairs of ids, and the
accounts are grouped a part at a time, each part whole link-joined components
(:func:`joined_parts`), which grouping never joins.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence

import numpy as np

from .events import Account, Brief
from .linking import EVENT_DAYS, date_bounds

__all__ = ["components", "group", "group_in_order", "joined_parts", "strongest_first"]


def group(accounts: Sequence[Account | Brief], links: Mapping[tuple[str, str], float]
          ) -> list[list[str]]:
    """The events of these accounts: the groups their links (scores) join, strongest link
    first (ties by ids), where a link that would put in one event two accounts it cannot
    hold joins nothing. So a chain of links through an account dated only "2011" does not
    make one event of incidents months apart, nor one of a story's two incidents. Groups in
    order of their smallest account id."""
    return group_in_order(accounts, sorted(links, key=lambda pair: (-links[pair], pair)))


def strongest_first(account_ids: Sequence[str], links: Iterable[tuple[str, str, float]]
                    ) -> Iterator[tuple[str, str]]:
    """The pairs of ``links`` (a, b, score) between two of these accounts (sorted by id),
    strongest first, ties by ids: as :func:`group` orders them, holding each link as three
    numbers (57 bytes a link with the index of ids, where a dictionary of id pairs and its
    sorted list took 360: 76,607 links of the 101k generated collection)."""
    scores = array("d")
    first, second = _positions(account_ids, links, scores)
    order = np.lexsort((second, first, -np.frombuffer(scores, dtype=np.float64)))
    for n in order:
        yield account_ids[first[n]], account_ids[second[n]]


def _positions(account_ids: Sequence[str], links: Iterable[tuple[str, str, float]],
               scores: array[float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The links between two of these accounts as the positions of their two ends
    (int32 arrays), each one's score appended to ``scores`` when given."""
    index = {account: n for n, account in enumerate(account_ids)}
    a_at, b_at = array("i"), array("i")
    for a, b, score in links:
        if (i := index.get(a)) is not None and (j := index.get(b)) is not None:
            a_at.append(i)
            b_at.append(j)
            if scores is not None:
                scores.append(score)
    return np.frombuffer(a_at, dtype=np.int32), np.frombuffer(b_at, dtype=np.int32)


def joined_parts(account_ids: Sequence[str], links: Iterable[tuple[str, str, float]],
                 most: int) -> list[list[str]]:
    """These accounts (sorted by id) in parts no link crosses, each in order of id: whole
    link-joined components, in order of their smallest account, as many as fit in
    ``most`` accounts (a larger component is a part of its own). A link joins only
    accounts of its component, so grouping each part alone gives the groups of grouping
    them all, holding one part's accounts and links at a time. ``links`` are read only
    when the accounts are more than ``most``."""
    if len(account_ids) <= most:
        return [list(account_ids)]
    roots = components(len(account_ids), *_positions(account_ids, links))
    # a component's root is its smallest account: by root, then by id, is in order of
    # the components' smallest accounts
    order = np.argsort(roots, kind="stable")
    counts = np.bincount(roots)
    cuts: list[int] = []
    held = at = 0
    for size in counts[counts > 0].tolist():
        if held and held + size > most:
            cuts.append(at)
            held = 0
        held += size
        at += size
    return [sorted(account_ids[i] for i in chunk.tolist()) for chunk in np.split(order, cuts)]


def components(n: int, first: np.ndarray, second: np.ndarray, chunk: int = 1 << 18
               ) -> np.ndarray:
    """The components of a graph of ``n`` nodes and the edges ``first[k]``-``second[k]``:
    each node's root, the smallest node of its component. Roots hook onto the smallest
    root an edge reaches, then every node jumps to its root, until no edge joins two
    roots: a few array passes over the edges, ``chunk`` edges at a time (what a pass
    makes is about 30 bytes an edge: 2.6 million edges at once took 87 MB). scipy's
    csgraph would do it too, but importing scipy.sparse costs the writer ~14 MB it keeps.
    """
    parent = np.arange(n, dtype=np.int32)
    joined = True
    while joined:
        joined = False
        for start in range(0, len(first), chunk):
            while not np.array_equal(grand := parent[parent], parent):
                parent = grand
            ra = parent[first[start:start + chunk]]
            rb = parent[second[start:start + chunk]]
            apart = ra != rb
            if apart.any():
                joined = True
                ra, rb = ra[apart], rb[apart]
                np.minimum.at(parent, np.maximum(ra, rb), np.minimum(ra, rb))
    return parent  # compressed: the last pass hooked nothing after compressing


def group_in_order(accounts: Sequence[Account | Brief], pairs: Iterable[tuple[str, str]]
                   ) -> list[list[str]]:
    """:func:`group`, the links given as pairs in the order they are to join."""
    group_of = {a.id: _Group(a) for a in accounts}
    for a, b in pairs:
        ga, gb = group_of[a], group_of[b]
        if ga is gb or ga.conflicts(gb):
            continue
        if len(ga.members) < len(gb.members):
            ga, gb = gb, ga
        ga.take(gb)
        for x in gb.members:
            group_of[x] = ga
    return sorted(sorted(g.members) for g in {id(g): g for g in group_of.values()}.values())


_NEVER = 1 << 40  # past any day's ordinal: the bound of a group that has no such date


class _Group:
    """A group of accounts, and what decides whether one of them conflicts with one of
    another group's (``linking.conflicting``) without checking them pair by pair: in a
    dense collection the two groups a link would join hold tens of accounts each, and
    checking every pair cost a late 300k batch's regroup 2.3 of its 15.9 s (the tests hold
    this to ``conflicting`` on every pair). A group names one province at most; cities
    depend on each other's places, so they are checked pair by pair (each (city, places)
    once); dates by their extremes: two days more than ``EVENT_DAYS`` apart, or a span (a
    month, a year) that ends before a date begins or begins after it ends."""

    __slots__ = ("cities", "day_first", "day_last", "first", "last", "members", "region",
                 "span_first", "span_last", "stories")

    def __init__(self, account: Account | Brief) -> None:
        self.members = [account.id]
        self.stories = {account.story_id}
        # a group's accounts never conflict, so name one province at most
        self.region = account.region
        # (city, places) of its accounts that name a city, each once (a tuple: a set of one
        # costs 216 bytes, and a refresh groups 20,000 accounts at once)
        self.cities: tuple[tuple[str, tuple[str, ...]], ...] = (
            ((account.city, account.places),) if account.city else ())
        # the latest first day and the earliest last day of its dates (``first``,
        # ``last``), of its spans alone, and its earliest and latest days
        self.first = self.span_first = self.day_last = -_NEVER
        self.last = self.span_last = self.day_first = _NEVER
        if (bounds := date_bounds(account)) is not None:
            is_day, self.first, self.last = bounds
            if is_day:
                self.day_first = self.day_last = self.first
            else:
                self.span_first, self.span_last = self.first, self.last

    def conflicts(self, other: _Group) -> bool:
        """Whether an account of this group and one of ``other`` conflict."""
        if not self.stories.isdisjoint(other.stories):
            return True
        if self.region and other.region and self.region != other.region:
            return True
        if (self.day_last - other.day_first > EVENT_DAYS
                or other.day_last - self.day_first > EVENT_DAYS
                or self.span_last < other.first or other.last < self.span_first
                or self.last < other.span_first or other.span_last < self.first):
            return True
        return any(city != other_city and city not in other_places
                   and other_city not in places
                   for city, places in self.cities for other_city, other_places in other.cities)

    def take(self, other: _Group) -> None:
        """Hold ``other``'s accounts too."""
        self.members += other.members
        self.stories |= other.stories
        self.region = self.region or other.region
        if other.cities:
            self.cities = tuple({*self.cities, *other.cities})
        self.first = max(self.first, other.first)
        self.last = min(self.last, other.last)
        self.span_first = max(self.span_first, other.span_first)
        self.span_last = min(self.span_last, other.span_last)
        self.day_first = min(self.day_first, other.day_first)
        self.day_last = max(self.day_last, other.day_last)
