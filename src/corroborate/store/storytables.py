"""The story tables kept for growing a collection: LSH band keys, former ids, pending work.

Stories are remade only where new reports land (``refresh.stories.refresh_stories``), so the store
keeps what that needs between ingests:

* ``story_bands``: each report's LSH band keys, of its whole text and of its opening
  (``stories.band_keys``): the reports a new one may be a version of are the ones sharing
  a key, found by index, without reading every fingerprint;
* ``story_prints``: each filed report's shingle count and MinHash, what screening a
  candidate needs (``stories.may_join``): most candidates share a band by chance, and
  their rows are not read whole;
* ``story_openings``: each report's opening's MinHash (``stories.opening_minhash``),
  stored with the report (an ingest's workers work it out), or worked out from its text
  when a report stored without it is filed (one stored before the table was: it is
  worked out whenever it is read until then, :data:`FINGERPRINT_ROWS`);
* ``story_former``: the story a report was in before its story was taken apart (its
  capture derived again), so the story it ends up in keeps that id;
* ``story_aliases``: the ids of stories merged into another one, and which one;
* ``events_pending`` and ``event_former``: the stories whose accounts the next events
  refresh must make again (with their canonical report's publication date, the order it
  takes them in), and the events their old accounts were in (the new event keeps that id).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator

import numpy as np

from ..model import Story, StoryMember
from ..provenance import made
from ..stories import Fingerprint, band_keys_of, opening_minhash
from .lists import chunks as _chunks
from .lists import marks as _marks
from .lists import select_in

__all__ = ["StoryTables"]

_BACKFILLED_AT_ONCE = 2000  # reports filed under their band keys at once (backfill_bands)
# stories as the events refresh queues them: with the date their canonical report was
# published, the order it takes them in ('' when undated)
_QUEUED = ("SELECT s.id, coalesce(r.published, '') FROM stories s "
           "LEFT JOIN reports r ON r.id = s.canonical_report_id")


# a report's fingerprint as fingerprint_of_row reads it: its text only where its opening's
# MinHash is not filed
FINGERPRINT_ROWS = (
    "SELECT r.id, r.published, r.shingles, r.minhash, p.opening, "
    "CASE WHEN p.opening IS NULL THEN r.text END AS text "
    "FROM reports r LEFT JOIN story_openings p ON p.report_id = r.id")


def fingerprint_of_row(row: sqlite3.Row) -> Fingerprint:
    """A fingerprint from a row of :data:`FINGERPRINT_ROWS`."""
    opening = np.frombuffer(row["opening"], dtype="<u4") if row["opening"] is not None \
        else opening_minhash(row["text"])
    return Fingerprint(row["id"], np.frombuffer(row["shingles"], dtype="<u4"),
                       np.frombuffer(row["minhash"], dtype="<u4"), opening, row["published"])


class StoryTables:
    """Reads and writes of the story tables (mixed into ``Store``)."""

    db: sqlite3.Connection

    def unassigned_reports(self, after: str = "", most: int | None = None) -> list[str]:
        """The reports in no story yet (added, or whose story was taken apart), in order of
        id: those after ``after``, the first ``most`` of them if given."""
        limit = "" if most is None else f" LIMIT {int(most)}"
        return [r[0] for r in self.db.execute(
            "SELECT r.id FROM reports r WHERE r.id > ? AND NOT EXISTS "
            "(SELECT 1 FROM story_members m WHERE m.report_id = r.id) ORDER BY r.id" + limit,
            (after,))]

    def fingerprints_of(self, report_ids: Iterable[str]) -> Iterator[Fingerprint]:
        yield from (fingerprint_of_row(row) for row in select_in(
            self.db, FINGERPRINT_ROWS + " WHERE r.id IN ({}) ORDER BY r.id", report_ids))

    def bands_missing(self) -> bool:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'story_bands_missing'"
                              ).fetchone()
        return bool(row and row[0] == "1")

    def add_bands(self, db: sqlite3.Connection, prints: Iterable[Fingerprint]) -> None:
        """File reports under their band keys, with what screens them (an empty text under
        none: it joins nothing)."""
        filed = [fp for fp in prints if len(fp.shingles)]
        # in key order: the keys are random, and inserted as they come each one lands on
        # another page of the index (2,000 reports into the 100k collection's: 368 -> 230
        # ms in order)
        db.executemany("INSERT OR IGNORE INTO story_bands VALUES (?, ?)", sorted(
            (key, fp.report_id)
            for fp, mine in zip(filed, band_keys_of(filed).tolist(), strict=True)
            for key in mine))
        db.executemany("INSERT OR REPLACE INTO story_prints VALUES (?, ?, ?)",
                       ((fp.report_id, len(fp.shingles), fp.minhash.astype("<u4").tobytes())
                        for fp in filed))
        # most are there already, written with their report (rows.insert_rows)
        db.executemany("INSERT OR IGNORE INTO story_openings VALUES (?, ?)",
                       ((fp.report_id, fp.opening.astype("<u4").tobytes()) for fp in filed))

    def screens_of(self, report_ids: Iterable[str]) -> dict[str, tuple[int, np.ndarray]]:
        """Report id -> (shingle count, MinHash), what ``stories.may_join`` reads, for the
        filed reports among ``report_ids``."""
        return {row[0]: (row[1], np.frombuffer(row[2], dtype="<u4")) for row in select_in(
            self.db, "SELECT report_id, size, minhash FROM story_prints "
            "WHERE report_id IN ({})", report_ids)}

    def backfill_bands(self) -> None:
        """File every report of a collection anew, once: one from before the band table, or
        whose reports lack their opening's keys (schema.py, 16)."""
        with self.transaction() as db:  # type: ignore[attr-defined]
            # from reports alone: story_openings is written while the rows are read
            rows = db.execute("SELECT id, published, shingles, minhash, NULL AS opening, "
                              "text FROM reports")
            # a few thousand at a time: add_bands holds what it is given (and sorts it)
            while chunk := rows.fetchmany(_BACKFILLED_AT_ONCE):
                self.add_bands(db, [fingerprint_of_row(row) for row in chunk])
            db.execute("DELETE FROM meta WHERE key = 'story_bands_missing'")

    def remove_bands(self, db: sqlite3.Connection, prints: Iterable[Fingerprint]) -> None:
        prints = list(prints)
        db.executemany("DELETE FROM story_bands WHERE key = ? AND report_id = ?", (
            (key, fp.report_id)
            for fp, mine in zip(prints, band_keys_of(prints).tolist(), strict=True)
            for key in mine))
        for table in ("story_prints", "story_openings"):
            db.executemany(f"DELETE FROM {table} WHERE report_id = ?",
                           ((fp.report_id,) for fp in prints))

    def band_members(self, keys: Iterable[int], most: int) -> dict[int, list[str]] | None:
        """The reports filed under each of ``keys``, in queries of 500 keys; None where
        they are more than ``most`` rows (ask :meth:`band_partners` a report at a time)."""
        wanted, rows = sorted(set(keys)), 0
        members: dict[int, list[str]] = {}
        ids: dict[str, str] = {}  # one string a report, however many keys it is under
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            for key, report_id in self.db.execute(
                    f"SELECT key, report_id FROM story_bands WHERE key IN ({_marks(chunk)}) "
                    f"LIMIT ?", [*chunk, most - rows + 1]):
                members.setdefault(key, []).append(ids.setdefault(report_id, report_id))
                rows += 1
            if rows > most:
                return None
        return members

    def band_partners(self, keys: list[int]) -> set[str]:
        """The reports filed under any of ``keys``."""
        return {r[0] for r in self.db.execute(
            f"SELECT DISTINCT report_id FROM story_bands WHERE key IN ({_marks(keys)})",
            keys)} if keys else set()

    def story_of(self, report_ids: Iterable[str]) -> dict[str, str]:
        """Report id -> the id of the story it is in (reports in none left out)."""
        return {r[0]: r[1] for r in select_in(
            self.db, "SELECT report_id, story_id FROM story_members WHERE report_id IN ({})",
            report_ids)}

    def story_member_ids(self, story_ids: Iterable[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for row in select_in(self.db, "SELECT story_id, report_id FROM story_members "
                             "WHERE story_id IN ({}) ORDER BY story_id, report_id", story_ids):
            out.setdefault(row[0], []).append(row[1])
        return out

    def former_stories(self, report_ids: Iterable[str]) -> dict[str, str]:
        """Report id -> the story it was in before that story was taken apart."""
        return {r[0]: r[1] for r in select_in(
            self.db, "SELECT report_id, story_id FROM story_former WHERE report_id IN ({})",
            report_ids)}

    def story_ids_in_use(self, story_ids: Iterable[str]) -> set[str]:
        return {r[0] for r in select_in(self.db, "SELECT id FROM stories WHERE id IN ({})",
                                        story_ids)}

    def take_apart(self, db: sqlite3.Connection, story_ids: Iterable[str]) -> None:
        """Remove stories (their reports become unassigned), remembering each member's story
        so that the story it lands in next keeps the id, and marking their accounts for the
        events refresh."""
        for chunk in _chunks(sorted(set(story_ids))):
            marks = _marks(chunk)
            db.execute(f"INSERT OR REPLACE INTO story_former SELECT report_id, story_id "
                       f"FROM story_members WHERE story_id IN ({marks})", chunk)
            db.execute(f"DELETE FROM story_members WHERE story_id IN ({marks})", chunk)
            db.execute(f"DELETE FROM stories WHERE id IN ({marks})", chunk)
            db.executemany("INSERT OR IGNORE INTO events_pending VALUES (?, '')",
                           ((sid,) for sid in chunk))

    def put_stories(self, db: sqlite3.Connection, stories: Iterable[Story]) -> None:
        """Write stories (their ids free: ``take_apart`` the old ones first). An id a
        story's versions had before that no story holds now becomes an alias of it."""
        stamp = made()
        merged: dict[str, str] = {}
        for story in stories:
            db.execute("INSERT INTO stories VALUES (?, ?, ?, ?)",
                       (story.id, story.canonical_report_id, *stamp))
            db.executemany(
                "INSERT INTO story_members VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(m.report_id, story.id, int(m.canonical), m.containment, m.jaccard,
                  json.dumps(m.adds, ensure_ascii=False),
                  json.dumps(m.lacks, ensure_ascii=False)) for m in story.members])
            for chunk in _chunks([m.report_id for m in story.members]):
                marks = _marks(chunk)
                for (old,) in db.execute(f"SELECT DISTINCT story_id FROM story_former "
                                         f"WHERE report_id IN ({marks})", chunk):
                    merged.setdefault(old, story.id)
                db.execute(f"DELETE FROM story_former WHERE report_id IN ({marks})", chunk)
            db.execute("DELETE FROM story_aliases WHERE id = ?", (story.id,))
            db.execute(f"INSERT OR REPLACE INTO events_pending {_QUEUED} WHERE s.id = ?",
                       (story.id,))
        for old, new in sorted(merged.items()):
            if old != new and not db.execute("SELECT 1 FROM stories WHERE id = ?",
                                              (old,)).fetchone():
                db.execute("UPDATE story_aliases SET story_id = ? WHERE story_id = ?",
                           (new, old))
                db.execute("INSERT OR REPLACE INTO story_aliases VALUES (?, ?)", (old, new))

    def stories_by_id(self, story_ids: Iterable[str]) -> list[Story]:
        """The stories with these ids that exist, in id order."""
        out: list[Story] = []
        for chunk in _chunks(sorted(set(story_ids))):
            members: dict[str, list[StoryMember]] = {}
            for row in self.db.execute(
                    f"SELECT * FROM story_members WHERE story_id IN ({_marks(chunk)}) "
                    f"ORDER BY story_id, canonical DESC, report_id", chunk):
                members.setdefault(row["story_id"], []).append(StoryMember(
                    row["report_id"], bool(row["canonical"]), row["containment"],
                    row["jaccard"], tuple(json.loads(row["adds"])),
                    tuple(json.loads(row["lacks"]))))
            out += [Story(row["id"], row["canonical_report_id"],
                          tuple(members.get(row["id"], ())))
                    for row in self.db.execute(f"SELECT id, canonical_report_id FROM stories "
                                               f"WHERE id IN ({_marks(chunk)}) ORDER BY id",
                                               chunk)]
        return out

    def story_alias(self, story_id: str) -> str | None:
        """The story a merged story's id now belongs to, if it was merged."""
        row = self.db.execute("SELECT story_id FROM story_aliases WHERE id = ?",
                              (story_id,)).fetchone()
        return row[0] if row else None

    # -- events ----------------------------------------------------------------------------

    def pending_stories(self, after: tuple[str, str] = ("", ""), most: int | None = None
                        ) -> list[tuple[str, str]]:
        """The stories whose events are to be refreshed, as (the date their canonical report
        was published, id), in that order ('' for a story undated, or gone): those after
        ``after``, the first ``most`` of them if given."""
        limit = "" if most is None else f" LIMIT {int(most)}"
        return [(r[0], r[1]) for r in self.db.execute(
            "SELECT published, story_id FROM events_pending WHERE (published, story_id) > "
            "(?, ?) ORDER BY published, story_id" + limit, after)]

    def mark_all_pending(self, db: sqlite3.Connection) -> None:
        db.execute(f"INSERT OR IGNORE INTO events_pending {_QUEUED}")

    def former_events(self, story_ids: Iterable[str]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for row in select_in(self.db, "SELECT story_id, event_id FROM event_former "
                             "WHERE story_id IN ({})", story_ids):
            out.setdefault(row[0], set()).add(row[1])
        return out
