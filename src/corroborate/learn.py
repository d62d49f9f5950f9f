"""Learn: the ranker's weights (:mod:`ranking`) from a table of labelled candidates.

The table holds numbers only: per candidate, its field, the article it came from, its
features in ``ranking.FEATURES`` order and whether an annotator's value agrees with it.
The project ships one (``data/ranker-training.jsonl.gz``), built from the HRDsAttack
train and dev splits by ``corroborate train --rebuild-from DIR`` (the articles' texts are
not in it). ``corroborate train`` fits one L2-regularised logistic regression per field by
Newton's method: deterministic, so the same table gives the same ``data/ranker.json``,
which CI checks.

    rows = read_table(path)
    model = fit_model(rows)
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .errors import CorroborateError
from .ranking import FEATURES, SINGLE, Model

__all__ = ["MODEL", "PENALTY", "TABLE", "Row", "calibration", "differences",
           "expected_calibration_error", "fit_model", "read_table", "write_model",
           "write_table"]

PENALTY = 1.0  # L2 on every weight but the bias: 400 articles are few
_DATA = Path(__file__).parent / "data"
TABLE = _DATA / "ranker-training.jsonl.gz"  # the shipped training table
MODEL = _DATA / "ranker.json"  # the shipped model


@dataclass(frozen=True)
class Row:
    """One labelled candidate."""

    group: str  # the article it came from (folds split by article, never inside one)
    field: str
    x: tuple[float, ...]
    label: int

    def to_json(self) -> str:
        return json.dumps({"group": self.group, "field": self.field,
                           "x": [round(v, 4) for v in self.x], "label": self.label},
                          separators=(",", ":"))


def write_table(rows: Iterable[Row], path: str | Path) -> int:
    """Write rows as gzipped JSON Lines (no name, mtime 0: the same rows give the same
    bytes)."""
    count = 0
    with open(path, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb",
                                                    mtime=0) as out:
        for row in rows:
            out.write((row.to_json() + "\n").encode())
            count += 1
    return count


def read_table(source: str | Path | IO[bytes]) -> list[Row]:
    """Rows of a table; a row whose field or width does not match the code is an error."""
    rows = []
    with gzip.open(source, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            data = json.loads(line)
            field = data.get("field")
            if field not in FEATURES or len(data.get("x", ())) != len(FEATURES[field]):
                raise CorroborateError(f"ranker table line {number}: field {field!r} with "
                                       f"{len(data.get('x', ()))} features does not match "
                                       "the code (rebuild it: corroborate train "
                                       "--rebuild-from)")
            rows.append(Row(str(data["group"]), field, tuple(float(v) for v in data["x"]),
                            int(data["label"])))
    return rows


def _fit(x: Any, y: Any, penalty: float) -> Any:
    import numpy as np

    x = np.hstack([x, np.ones((len(x), 1))])
    ridge = np.full(x.shape[1], penalty)
    ridge[-1] = 0.0  # the bias is free
    w = np.zeros(x.shape[1])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        gradient = x.T @ (p - y) + ridge * w
        hessian = (x.T * (p * (1 - p))) @ x + np.diag(ridge) + 1e-9 * np.eye(x.shape[1])
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    return w


def _fit_choice(x: Any, y: Any, groups: Any, penalty: float) -> Any:
    """A conditional logit: within each group (one article's candidates) the candidates and
    "none of them" (score 0) share a softmax; the loss is minus the log of the probability
    given to the right candidates (or to "none" when no candidate is right)."""
    import numpy as np
    from scipy.optimize import minimize  # type: ignore[import-untyped]

    x = np.hstack([x, np.ones((len(x), 1))])
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    index = np.cumsum(np.r_[False, groups[1:] != groups[:-1]])
    any_right = np.add.reduceat(y, starts) > 0
    ridge = np.full(x.shape[1], penalty)
    ridge[-1] = 0.0

    def loss(w: Any) -> tuple[float, Any]:
        s = x @ w
        top = np.maximum(np.maximum.reduceat(s, starts), 0.0)
        e = np.exp(s - top[index])
        total = np.exp(-top) + np.add.reduceat(e, starts)
        right = np.where(any_right, np.add.reduceat(e * y, starts), np.exp(-top))
        value = float(np.sum(np.log(total) - np.log(right)) + 0.5 * ridge @ (w * w))
        share = e / total[index] - np.where(any_right[index], e * y / right[index], 0.0)
        return value, x.T @ share + ridge * w

    found = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B",
                     options={"maxiter": 500, "gtol": 1e-8})
    return found.x


def fit_model(rows: Sequence[Row], penalty: float = PENALTY) -> Model:
    """Per field: a conditional logit over each article's candidates for single-valued
    fields (``ranking.SINGLE``), a logistic regression per candidate for the others. A
    logistic field without rows, or with one class only, gets zero weights and the rows'
    base rate as its bias (a conditional logit learns "none of them" from such rows)."""
    import math

    import numpy as np

    weights: dict[str, tuple[float, ...]] = {}
    bias: dict[str, float] = {}
    for field, names in FEATURES.items():
        mine = [r for r in rows if r.field == field]
        labels = np.array([r.label for r in mine], dtype=float)
        if mine and field in SINGLE:
            ids = {g: i for i, g in enumerate(dict.fromkeys(r.group for r in mine))}
            order = sorted(range(len(mine)), key=lambda i: ids[mine[i].group])
            w = _fit_choice(np.array([mine[i].x for i in order], dtype=float),
                            labels[order], np.array([ids[mine[i].group] for i in order]),
                            penalty)
            weights[field] = tuple(float(v) for v in w[:-1])
            bias[field] = float(w[-1])
            continue
        if not mine or labels.min() == labels.max():
            rate = min(0.99, max(0.01, float(labels.mean()) if mine else 0.5))
            weights[field] = (0.0,) * len(names)
            bias[field] = math.log(rate / (1 - rate))
            continue
        w = _fit(np.array([r.x for r in mine], dtype=float), labels, penalty)
        weights[field] = tuple(float(v) for v in w[:-1])
        bias[field] = float(w[-1])
    return Model(weights, bias)


def calibration(pairs: Iterable[tuple[float, bool]], bins: int = 10) -> list[
        tuple[float, float, int]]:
    """Per confidence bin: mean confidence, share right, count (empty bins left out)."""
    filled: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for confidence, right in pairs:
        filled[min(bins - 1, int(confidence * bins))].append((confidence, right))
    return [(sum(c for c, _ in b) / len(b), sum(r for _, r in b) / len(b), len(b))
            for b in filled if b]


def expected_calibration_error(pairs: Iterable[tuple[float, bool]], bins: int = 10) -> float:
    """Mean gap between confidence and share right, bins weighted by their size."""
    table = calibration(pairs, bins)
    total = sum(n for _, _, n in table)
    return sum(n * abs(c - r) for c, r, n in table) / total if total else 0.0


def write_model(model: Model, path: str | Path) -> None:
    Path(path).write_text(json.dumps(model.to_dict(), indent=1) + "\n", encoding="utf-8")


def differences(a: Model, b: Model, tolerance: float = 1e-4) -> list[str]:
    """Weights that differ by more than ``tolerance`` (BLAS may round the last digits of a
    fit differently on another machine; a real change moves weights far more)."""
    out: list[str] = []
    for field, names in FEATURES.items():
        pairs = [("bias", a.bias[field], b.bias[field]),
                 *zip(names, a.weights[field], b.weights[field], strict=True)]
        out.extend(f"{field}.{name}: {x:.6f} != {y:.6f}" for name, x, y in pairs
                   if abs(x - y) > tolerance)
    return out
