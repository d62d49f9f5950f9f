"""memory.trim: freed memory given back to the system (glibc), measured in a fresh process."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from corroborate import memory

_FRAGMENTED = """
from corroborate import memory

def rss():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmRSS")) // 1024

# strings over pymalloc's 512 bytes come from malloc; keeping one in fifty pins the heap
# above the freed ones, which glibc then keeps for the process
held = [("x" * 2000) + str(n) for n in range(60_000)]
pinned = held[::50]
del held
before = rss()
trimmed = memory.trim()
print(trimmed, before, rss())
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_trim_gives_back_what_a_fragmented_heap_keeps():
    out = subprocess.run([sys.executable, "-c", _FRAGMENTED], capture_output=True,
                         text=True, check=True).stdout.split()
    trimmed, before, after = out[0], int(out[1]), int(out[2])
    assert trimmed == "True"
    assert before - after > 60, (before, after)  # of about 120 MB freed


def test_trim_says_whether_it_could():
    assert memory.trim() is (platform.libc_ver()[0] == "glibc")
