"""Imported by the worker pool's fork server only (``workers.PRELOAD``), never by a command.

The fork server is the process every worker of ``ingest --workers N`` is forked from:
importing this module there loads the pipeline and the shipped vocabularies once, so each
worker starts with them in memory (shared, copy-on-write) instead of loading them itself.
"""

from __future__ import annotations

from .workers import warm

warm()
