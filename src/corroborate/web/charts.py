"""The timeline as SVG drawn on the server: months across, events stacked by violation.

No script and no inline style (the content security policy forbids both): colours are
presentation attributes, and the same counts are given as a table for screen readers and
for copying.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from markupsafe import Markup, escape

__all__ = ["PALETTE", "timeline_svg"]

# distinguishable in print and for the commonest colour-vision deficiencies (Okabe-Ito)
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
           "#000000")
OTHER = "#999999"


def _months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def timeline_svg(rows: Iterable[tuple[str, str, str, int]],
                 width: int = 960, height: int = 320) -> tuple[Markup, list[tuple[str, str]]]:
    """An SVG of (month, violation id, label, count) rows and its legend ((label, colour));
    the commonest violations get a colour each, the rest are drawn as "other"."""
    data = [(m, v, lab, n) for m, v, lab, n in rows if len(m) >= 7 and n > 0]
    if not data:
        return Markup(""), []
    totals: dict[str, int] = defaultdict(int)
    labels: dict[str, str] = {}
    for _, v, lab, n in data:
        totals[v] += n
        labels[v] = lab
    top = sorted(totals, key=lambda v: (-totals[v], v))[:len(PALETTE)]
    colour = {v: PALETTE[i] for i, v in enumerate(top)}
    months = _months(min(m for m, *_ in data)[:7], max(m for m, *_ in data)[:7])
    stacks: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for m, v, _, n in sorted(data, key=lambda r: (r[0], top.index(r[1]) if r[1] in top
                                                  else len(top))):
        stacks[m[:7]].append((colour.get(v, OTHER), n))
    peak = max(sum(n for _, n in s) for s in stacks.values())
    left, bottom, top_pad = 40, 30, 10
    bar = (width - left) / len(months)
    scale = (height - bottom - top_pad) / peak
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'role="img" aria-labelledby="tl-title"><title id="tl-title">Events per month '
             f'by violation, {escape(months[0])} to {escape(months[-1])}</title>',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" '
             f'stroke="#555"/>',
             f'<text x="{left - 6}" y="{top_pad + 10}" text-anchor="end" font-size="11">'
             f'{peak}</text>']
    # the first month is labelled too, unless a January label would overlap it
    near_january = any(m.endswith("-01") for m in months[1:max(2, int(70 / bar) + 1)])
    for i, month in enumerate(months):
        x = left + i * bar
        y = float(height - bottom)
        for fill, n in stacks.get(month, []):
            h = n * scale
            y -= h
            parts.append(f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{max(bar - 2, 1):.1f}" '
                         f'height="{h:.1f}" fill="{fill}"><title>{escape(month)}: {n}'
                         f'</title></rect>')
        if month.endswith("-01") or len(months) <= 24 or (i == 0 and not near_january):
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 16}" '
                         f'text-anchor="middle" font-size="11">{escape(month)}</text>')
    parts.append("</svg>")
    legend = [(labels[v], colour[v]) for v in top]
    if len(totals) > len(top):
        legend.append(("other violations", OTHER))
    return Markup("".join(parts)), legend
