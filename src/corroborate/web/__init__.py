"""The workbench: the collection in the browser, for a team (``corroborate serve``).

Server-rendered pages with progressive enhancement and a JSON API under ``/api``
(described at ``/api/openapi.json``); docs/workbench.md tells what each page does.
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
