"""Quality baselines: figures pinned in a JSON file, which a run may raise but not lower.

The file holds one section per benchmark (``{"article_extraction": {"clean_f1": 0.96}}``);
pinning one section keeps the others.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path

__all__ = ["dropped", "gate_exit", "pin", "pin_and_gate"]


def pin(path: str | Path, section: str, figures: Mapping[str, float]) -> None:
    """Write ``figures`` as ``section`` of the baseline file, keeping its other sections."""
    target = Path(path)
    data = json.loads(target.read_text(encoding="utf-8")) if target.exists() else {}
    data[section] = dict(figures)
    target.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def dropped(path: str | Path, section: str, figures: Mapping[str, float],
            tolerance: float = 1e-4) -> list[str]:
    """Each pinned figure this run fell below, as ``"name now < baseline was"``."""
    pinned = json.loads(Path(path).read_text(encoding="utf-8")).get(section)
    if pinned is None:
        return [f"no figures pinned under {section!r}"]
    return [f"{name} {figures.get(name, 0.0)} < baseline {was}"
            for name, was in pinned.items() if figures.get(name, 0.0) < was - tolerance]


def pin_and_gate(write: str | Path | None, gate: str | Path | None, section: str,
                 figures: Mapping[str, float]) -> list[str] | None:
    """What a benchmark's ``--write-baseline`` and ``--gate`` options do: pin ``figures``
    if asked, then return the dropped figures (``None`` when no gate was asked for)."""
    if write:
        pin(write, section, figures)
    return dropped(gate, section, figures) if gate else None


def gate_exit(write: str | Path | None, gate: str | Path | None, section: str,
              figures: Mapping[str, float], say: Callable[[str], object]) -> int:
    """A benchmark script's ending: pin and gate as asked, ``say`` the verdict, and return
    its exit code (1 when a pinned figure dropped)."""
    failed = pin_and_gate(write, gate, section, figures)
    for line in failed or ():
        say(f"GATE FAILED: {line}")
    if failed == []:
        say("gate: no pinned figure dropped")
    return 1 if failed else 0
