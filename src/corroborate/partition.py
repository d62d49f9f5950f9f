"""A partition of ids into groups that only ever merge (union-find), for events and origins."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["Partition"]


class Partition:
    """Disjoint groups of ids: ``join`` merges two groups, ``groups`` lists them."""

    def __init__(self, ids: Iterable[str] = ()) -> None:
        self._parent: dict[str, str] = {i: i for i in ids}

    def find(self, x: str) -> str:
        """The representative of ``x``'s group (``x`` joins the partition if new)."""
        parent = self._parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(self, a: str, b: str) -> bool:
        """Merge the groups of ``a`` and ``b``; whether they were apart."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self._parent[ra] = rb
        return True

    def groups(self) -> list[list[str]]:
        """Every group, its ids sorted, groups in order of their smallest id."""
        out: dict[str, list[str]] = {}
        for x in sorted(self._parent):
            out.setdefault(self.find(x), []).append(x)
        return sorted(out.values())
