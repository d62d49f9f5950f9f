"""Writing one derived report's rows: shared by ingest and by ``verify --deep``."""

from __future__ import annotations

import json
import sqlite3

from .. import textsearch
from ..model import Incident, Report
from ..stories import Fingerprint
from .digest import report_digest

__all__ = ["insert_report"]


def insert_report(db: sqlite3.Connection, report: Report, fp: Fingerprint,
                  incidents: list[Incident], made: tuple[str, str]) -> bool:
    """Insert a report, its full-text rows (``reports_fts``, and ``reports_hangul`` if it
    holds Hangul), incidents, facts and digest; False if present.

    ``made`` is (tool version, vocabulary digest): the provenance every row carries.
    """
    if db.execute("SELECT 1 FROM reports WHERE id = ?", (report.id,)).fetchone():
        return False
    detail = json.dumps({"bylines": [b.__dict__ for b in report.bylines],
                         "segments": [s.__dict__ for s in report.segments],
                         "removed": list(report.removed)}, ensure_ascii=False)
    cur = db.execute(
        "INSERT INTO reports (id, capture_sha256, locator, origin, media_type, url, title, "
        "published, outlet, language, text, detail, shingles, minhash, tool_version, "
        "vocab_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (report.id, report.capture_sha256, report.locator, report.origin, report.media_type,
         report.url, report.title, report.published, report.outlet, report.language,
         report.text, detail, fp.shingles.astype("<u4").tobytes(),
         fp.minhash.astype("<u4").tobytes(), *made))
    db.execute("INSERT INTO reports_fts(rowid, title, text) VALUES (?, ?, ?)",
               (cur.lastrowid, report.title or "", report.text))
    textsearch.index_row(db, int(cur.lastrowid or 0), report.title, report.text)
    for incident in incidents:
        db.execute("INSERT OR IGNORE INTO incidents VALUES (?, ?, ?, ?)",
                   (incident.id, incident.report_id, *made))
        db.executemany(
            "INSERT OR IGNORE INTO facts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(incident.id, i, f.field, f.value, f.label, f.evidence.report_id,
              f.evidence.start, f.evidence.end, f.evidence.quote,
              json.dumps(f.attrs, ensure_ascii=False, sort_keys=True))
             for i, f in enumerate(incident.facts)])
    db.execute("UPDATE reports SET digest = ? WHERE id = ?",
               (report_digest(db, report.id), report.id))
    return True
