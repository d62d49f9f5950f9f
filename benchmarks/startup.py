"""Start-up time: ``corroborate --version``, ``corroborate --help`` and ``import corroborate``.

Each is run as a fresh subprocess and timed by wall clock, after one untimed warm-up run
(bytecode compiled, files in the page cache); the commands take turns, so a burst of load
on a shared machine falls on all of them. Prints the median and p95 (nearest rank) of
the wall time per command, and the median CPU time (user + system) of the process, which
waiting for a busy core does not inflate. ``--against SRC`` times the same commands with
another checkout's ``src`` first on PYTHONPATH, side by side, for a before/after figure.

    python benchmarks/startup.py                    # 15 runs each
    python benchmarks/startup.py --runs 31 --against /tmp/before/src

Another benchmark reuses the measurement: ``from startup import measure`` (benchmarks/ is
on sys.path when a script in it runs).
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

TARGET_S = 0.25  # issue 12: `corroborate --version` starts in <= 0.25 s


def corroborate_command() -> list[str]:
    """The installed ``corroborate`` script beside this Python, else ``python -m``."""
    script = Path(sys.executable).with_name("corroborate")
    return [str(script)] if script.exists() else [sys.executable, "-m", "corroborate"]


def commands() -> dict[str, list[str]]:
    cli = corroborate_command()
    return {"corroborate --version": [*cli, "--version"],
            "corroborate --help": [*cli, "--help"],
            "import corroborate": [sys.executable, "-c", "import corroborate"]}


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_once(argv: Sequence[str],
              env: Mapping[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of one run; a failing command is an error, not a fast figure."""
    cpu = _cpu_of_children()
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start, _cpu_of_children() - cpu


def summarise(runs: Sequence[tuple[float, float]]) -> dict[str, Any]:
    walls = sorted(wall for wall, _ in runs)
    p95 = walls[math.ceil(0.95 * len(walls)) - 1]
    return {"runs": len(walls), "median_s": statistics.median(walls), "p95_s": p95,
            "cpu_median_s": statistics.median(cpu for _, cpu in runs),
            "times_s": [wall for wall, _ in runs]}


def measure(argv: Sequence[str], runs: int = 15,
            env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Median and p95 wall time (and median CPU time) of ``runs`` runs of ``argv``, after
    one warm-up run."""
    time_once(argv, env)
    return {"argv": list(argv), **summarise([time_once(argv, env) for _ in range(runs)])}


def _env_with(src: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    return env


def measure_all(runs: int, against: str | None) -> dict[str, dict[str, Any]]:
    """Every command (and, with ``against``, its twin on that checkout), taking turns."""
    plan: dict[str, tuple[list[str], Mapping[str, str] | None]] = {}
    for name, argv in commands().items():
        if against:
            plan[f"{name} (against)"] = (argv, _env_with(against))
        plan[name] = (argv, None)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in plan}
    for argv, env in plan.values():
        time_once(argv, env)  # warm-up
    for _ in range(runs):
        for name, (argv, env) in plan.items():
            times[name].append(time_once(argv, env))
    return {name: {"argv": plan[name][0], **summarise(times[name])} for name in plan}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--against", metavar="SRC",
                        help="Also time another checkout's src folder (put first on "
                             "PYTHONPATH), side by side.")
    args = parser.parse_args()
    results = measure_all(args.runs, args.against)
    print(f"{'command':<36} {'median s':>9} {'p95 s':>7} {'cpu s':>7}  ({args.runs} runs each, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    for name, row in results.items():
        print(f"{name:<36} {row['median_s']:>9.3f} {row['p95_s']:>7.3f} "
              f"{row['cpu_median_s']:>7.3f}")
    version = results["corroborate --version"]["median_s"]
    verdict = "meets" if version <= TARGET_S else "misses"
    print(f"--version median {version:.3f} s {verdict} the {TARGET_S} s target")


if __name__ == "__main__":
    main()
