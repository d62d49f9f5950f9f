"""Memory a process has freed, given back to the system between batches.

glibc's ``malloc`` keeps what a process frees for its next allocations, and gives back
little of a heap that a batch's short-lived strings (accounts' JSON, event records, links)
have fragmented: through an events refresh of 100k reports the writer's heap grew from 94
to 145 MB with about 38 MB of it in use after each batch. :func:`trim` asks glibc to give
back the pages it holds free (``malloc_trim``), once a batch; the writer's RSS after each
batch then stayed at 205-209 MB where it had risen from 254 to 287 (docs/scale-history.md,
"Memory freed and kept"). What bounds the peak within a batch is what the batch reads.
Where the C library has no such call (macOS, musl, Windows) it does nothing.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from functools import cache

__all__ = ["trim"]


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
