"""Memory a process has freed, given back to the system between batches.

glibc's ``malloc`` keeps what a process frees for its next allocations, and gives back
little of a heap that a batch's short-lived strings (accounts' JSON, event records, links)
have left fragmented. An events refresh's writer grew by about 2 KB for each account it
made although the memory Python held stayed flat; asking glibc to give back its free pages
once a batch kept it flat (docs/scale.md, "Memory freed and kept"). :func:`trim` asks
(``malloc_trim``); where the C library has no such call (macOS, musl, Windows) it does
nothing.
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Callable
from functools import cache

__all__ = ["trim"]

log = logging.getLogger(__name__)


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        call = ctypes.CDLL(None).malloc_trim  # the symbols this process has loaded
    except (OSError, AttributeError, TypeError):  # not glibc (or Windows: no CDLL(None))
        return None
    call.argtypes = [ctypes.c_size_t]
    call.restype = ctypes.c_int
    found: Callable[[int], int] = call
    return found


def trim() -> bool:
    """Give the system back the pages ``malloc`` holds free; whether this C library can."""
    call = _malloc_trim()
    if call is None:
        return False
    call(0)
    return True
