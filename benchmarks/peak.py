"""A process's own peak resident memory, for benchmarks that run work in a child process.

VmHWM from ``/proc/PID/status``, not ``ru_maxrss``: on Linux a process's ``ru_maxrss``
keeps the mark of the process it was forked from across ``exec`` (a child started by a
benchmark that had just ingested a collection reported the benchmark's 298 MB as its own).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["CHILD", "high_water_mb"]

# the first lines of a ``python -c`` child's code: it can then call ``high_water_mb()``
CHILD = f"import sys\nsys.path.insert(0, {str(Path(__file__).parent)!r})\n" \
        "from peak import high_water_mb\n"


def high_water_mb(pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status
                    if line.startswith("VmHWM:")) / 1024
