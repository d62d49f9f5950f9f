"""Fault injection: kill the process at a named write step, to prove crash safety.

Tests set ``CORROBORATE_KILL_AT=<step>`` (or ``<step>:<n>`` for its n-th occurrence) and
run a command in a subprocess; at that step the process sends itself SIGKILL, as a power
cut or the OOM killer would. Steps: ``staged``, ``db-pending``, ``log-captured``,
``archived``, ``report``, ``log-indexed``, ``db-indexed``, ``log-received``,
``log-refused``. Unset, a checkpoint costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

__all__ = ["checkpoint"]

_counts: dict[str, int] = {}


def checkpoint(step: str) -> None:
    target = os.environ.get("CORROBORATE_KILL_AT")
    if not target:
        return
    name, _, nth = target.partition(":")
    if name != step:
        return
    _counts[step] = _counts.get(step, 0) + 1
    if _counts[step] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
