"""Refresh: stories and events brought up to date with the reports a collection holds.

Run after every ingest (and by ``reprocess``): reports are grouped into stories
(:mod:`.stories`, with stories.py's clustering and translations.py across languages),
each story's incidents become accounts, and accounts are linked into events
(:mod:`.events`, with linking.py and grouping.py).
"""

from .events import refresh_events
from .stories import refresh_stories

__all__ = ["refresh_events", "refresh_stories"]
