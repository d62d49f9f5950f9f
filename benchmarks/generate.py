"""Benchmark generator: news reports with planted story families and hard negatives.

Deterministic per seed. Every sentence is written for this project. An incident's lede
(who did what to whom, where, when, who says so) comes from ``event_families.Builder.
account`` (imported, not copied); the rest of an article (the victims, charge, punishment,
atmosphere, quotes, context paragraphs, closing) from the templates of ``report_text.py``,
with a choice every few words (``{a|b}``) and slots (``{p}`` the place, ``{won}`` a price,
``{year}``...), so that unrelated reports share few 5-word shingles. A report has 250-900
words (median about 500) and the page furniture of its outlet: bylines, captions,
"Related:" lists, share and copyright lines.

A *family* is one story: the outlet's original and its versions (``Version.ops``):

* ``furniture``: the same text with an aggregator's furniture (header block, credit line,
  byline with the outlet, "Share this article", related list);
* ``truncated``: a prefix of the body (30-70 %, cut at a paragraph or sentence end);
* ``dropped``: one or two paragraphs (never the lede) left out;
* ``reordered``: two paragraphs after the lede swapped;
* ``typos``: about one typo in 70 words (letters swapped, dropped, doubled);
* ``headline``: the title reworded;
* ``revised``: one sentence added and one number changed.

A version has one or two of these. Beside the families: *hard negatives* (``kind``
``hard_negative``, ``negative_of`` the family): another incident of the same type, place,
ISO week and agency, told by the same outlet (mostly), which reuses 30-55 % of its words
from the original's context paragraphs verbatim, as outlets do with background; and
*second accounts* (``kind`` ``second_account``): the same incident told independently by
another outlet (another story, the same event).

Library: ``families(seed)`` yields groups of families; ``generate(seed, n)`` the first
``n`` versions; ``write(folder, seed, n)`` JSON Lines files a ``corroborate ingest`` reads
(``url``, ``title``, ``date``, ``outlet``, ``text``; 1,000 records a file) and
``gold.jsonl`` (url, family, event, kind, ops, negative_of, of, incident) beside them.

    .venv/bin/python benchmarks/generate.py OUT [--reports 10000] [--seed 1] [--per-file 1000]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from random import Random
from typing import Any

from event_families import GROUPS, OUTLETS, PLACES, TYPES, WORDS, Builder, cap
from report_text import ATMOSPHERE, CAVEATS, CHARGED, OCCUPATION, PUNISHED, QUOTES, TOPICS, Filler
from report_words import GIVEN, REPOSTERS, SURNAMES

OPS = ("furniture", "truncated", "dropped", "reordered", "typos", "headline", "revised")
_SENTENCE_END = re.compile(r"(?<=[.!?\u201d])\s+(?=[A-Z\u201c])")
_TYPO_WORD = re.compile(r"\b[a-z]{5,}\b")
_NUMBER = re.compile(r"\b\d+\b")
_PUNISHMENT = re.compile(r"\byears\b|-year\b")


@dataclass(frozen=True)
class Version:
    """One report: its body paragraphs, its furniture, and what it is (gold)."""

    url: str
    title: str
    outlet: str
    published: date
    paras: tuple[str, ...]
    family: str
    event: str
    kind: str  # original, version, hard_negative, second_account
    ops: tuple[str, ...] = ()
    of: str | None = None  # the url of the original a version derives from
    negative_of: str | None = None  # the family a hard negative must stay apart from
    incident: dict[str, Any] = field(default_factory=dict)
    context: tuple[int, ...] = ()  # indices of context paragraphs (reusable background)
    head: tuple[str, ...] = ()
    tail: tuple[str, ...] = ()
    caption: str | None = None  # a photo caption after the first paragraph

    @property
    def body(self) -> str:
        return "\n\n".join(self.paras)

    @property
    def text(self) -> str:
        paras = list(self.paras)
        if self.caption and len(paras) > 1:
            paras.insert(1, self.caption)
        parts = ["\n".join(self.head)] if self.head else []
        parts += paras
        if self.tail:
            parts.append("\n".join(self.tail))
        return "\n\n".join(parts) + "\n"

    def record(self) -> dict[str, str]:
        """What ``corroborate ingest`` reads from a JSON Lines file."""
        return {"url": self.url, "title": self.title, "date": self.published.isoformat(),
                "outlet": self.outlet, "text": self.text}

    def gold(self) -> dict[str, Any]:
        return {"url": self.url, "family": self.family, "event": self.event, "kind": self.kind,
                "ops": list(self.ops), "of": self.of, "negative_of": self.negative_of,
                "incident": self.incident, "words": len(self.body.split())}


def words(paras: list[str] | tuple[str, ...]) -> int:
    return sum(len(p.split()) for p in paras)


def iso_week(day: date) -> tuple[int, int]:
    year, week, _ = day.isocalendar()
    return year, week


# how many versions an original gets (weights for 0, 1, 2, ...), and how often a family
# comes with a hard negative or a second outlet's account
VERSION_WEIGHTS = (40, 25, 15, 10, 6, 4)
NEGATIVE_SHARE = 0.15
SECOND_ACCOUNT_SHARE = 0.10
MIN_WORDS, MAX_WORDS, MODE_WORDS = 250, 880, 360
CAPTIONS = ("A street in {p} in {year}, seen from the Chinese side of the border.",
            "The {river} near {p}. ({o})", "Residents queue at a market in {vp} in "
            "{year}. ({o} file photo)", "A propaganda slogan on a wall in {p}.")


class Generator:
    """Writes the families of one seed. ``tag`` keeps urls and family ids apart between
    generated sets that go into one collection (a base and an added batch)."""

    def __init__(self, seed: int, tag: str | None = None) -> None:
        self.builder = Builder(seed)
        self.rng = self.builder.rng
        self.tag = tag or f"s{seed}"
        self.reports = self.families = 0

    # --- incidents and articles ------------------------------------------------------

    def incident(self) -> dict[str, Any]:
        rng = self.rng
        place = rng.randrange(len(PLACES))
        kind = rng.choice([t for t in TYPES if t != "shooting" or PLACES[place][3]])
        return self.builder.incident(place, rng.randint(2010, 2024), rng.randint(1, 12), kind)

    def details(self) -> dict[str, bool]:
        return {k: self.rng.random() < 0.6 for k in ("count", "day", "occupation", "charge",
                                                     "punish")}

    def url(self, outlet: str, pub: date, title: str) -> str:
        self.reports += 1
        host = OUTLETS[outlet][0] if outlet in OUTLETS else re.sub(r"\W+", "", outlet.lower())
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:48]
        return f"https://example.org/{host}/{pub:%Y/%m/%d}/{slug}-{self.tag}-{self.reports}"

    def family(self) -> str:
        self.families += 1
        return f"{self.tag}-f{self.families:06d}"

    def article(self, inc: dict[str, Any], outlet: str, slot: int, pub: date, kind: str,
                event: str | None = None, borrowed: tuple[str, ...] = (),
                target: int | None = None) -> Version:
        """An outlet's report of ``inc``: the account's paragraphs with context paragraphs
        (``borrowed`` ones first, then new ones) until ``target`` words."""
        rng = self.rng
        title, told = self.builder.account(inc, outlet, slot, pub, self.details())
        filler = Filler(rng, inc["place"], inc["agency"], outlet,
                        GROUPS[inc["group"]][1][slot])
        filler.years, filler.charge = inc["years"], GROUPS[inc["group"]][2][slot]
        lede = self.lede(told, filler)
        closing = filler.fill(rng.choice(CAVEATS))
        target = target or int(rng.triangular(MIN_WORDS, MAX_WORDS, MODE_WORDS))
        used: set[str] = set()
        context = list(borrowed)
        while words(lede) + words(context) + len(closing.split()) < target:
            context.append(filler.paragraph(used))
        rng.shuffle(context)
        cut = rng.randint(0, len(context))
        paras = [*lede[:2], *context[:cut], *lede[2:], *context[cut:], closing]
        places = {i for i, p in enumerate(paras) if p in context}
        family = self.family()
        return Version(self.url(outlet, pub, title), cap(title), outlet, pub, tuple(paras),
                       family, event or f"e-{family}", kind, incident=gold_incident(inc, slot),
                       context=tuple(sorted(places)))

    def lede(self, told: list[list[str]], filler: Filler) -> list[str]:
        """The account's lede (who did what to whom, where, when, who says so) kept; its
        sentences written from a few fixed forms (who the victims were, the charge, the
        punishment, atmosphere, quotes) written again with choices; its background and
        closing left to the context paragraphs."""
        rng = self.rng
        first = [told[0][0]] + [filler.fill(rng.choice(OCCUPATION)) for _ in told[0][1:]]
        second = [filler.fill(rng.choice(PUNISHED if _PUNISHMENT.search(s) else CHARGED))
                  for s in told[1][:-1]] + [filler.fill(rng.choice(ATMOSPHERE))]
        quotes = [filler.fill(q) for q in rng.sample(QUOTES, rng.randint(1, 2))]
        return [" ".join(first), " ".join(second), " ".join(quotes)]

    def furnish(self, v: Version) -> Version:
        """An outlet's own page furniture: a byline, a caption, share, related, copyright."""
        rng, name = self.rng, f"{self.rng.choice(SURNAMES)} {self.rng.choice(GIVEN)}"
        head = rng.choice(((f"By {name}",), (f"{name} | {v.outlet}",), ()))
        tail: list[str] = []
        if rng.random() < 0.5:
            tail.append("Share this article")
        if rng.random() < 0.5:
            tail += ["Related:", *(f"- {self.other_headline()}" for _ in range(rng.randint(2, 4)))]
        if rng.random() < 0.4:
            tail.append(f"Copyright \u00a9 {v.published.year} {v.outlet}. All rights reserved.")
        caption = None
        if rng.random() < 0.3:
            filler = Filler(rng, v.incident["place"], v.incident["agency"], v.outlet)
            caption = "Photo: " + filler.fill(rng.choice(CAPTIONS))
        return replace(v, head=head, tail=tuple(tail), caption=caption)

    def other_headline(self) -> str:
        rng = self.rng
        kind, (names, _, _, river) = rng.choice(list(TYPES.values())), rng.choice(PLACES)
        return cap(rng.choice(kind["headlines"]).format(
            N=rng.choice(WORDS[2:12]), G=rng.choice(names), K=rng.choice(GROUP_NOUNS),
            R=river or "Tumen"))

    # --- versions ----------------------------------------------------------------------

    def versions(self, orig: Version, most: int = len(VERSION_WEIGHTS) - 1) -> list[Version]:
        rng = self.rng
        count = rng.choices(range(most + 1), VERSION_WEIGHTS[:most + 1])[0]
        out = []
        for _ in range(count):
            ops = tuple(sorted(rng.sample(OPS, rng.choice((1, 1, 2))), key=OPS.index))
            out.append(self.version(orig, ops))
        return out

    def version(self, orig: Version, ops: tuple[str, ...]) -> Version:
        rng = self.rng
        paras, tail = list(orig.paras), []
        for op in ops:
            if op == "truncated":
                paras = truncate(paras, rng)
                if rng.random() < 0.4:
                    tail.append(f"Read the full story at {orig.outlet}.")
            elif op == "dropped" and len(paras) >= 5:
                for i in sorted(rng.sample(range(1, len(paras)), rng.randint(1, 2)), reverse=True):
                    del paras[i]
            elif op == "reordered" and len(paras) >= 4:
                a, b = rng.sample(range(1, len(paras)), 2)
                paras[a], paras[b] = paras[b], paras[a]
            elif op == "typos":
                paras = [typos(p, rng) for p in paras]
            elif op == "revised":
                paras = self.revise(paras, orig)
        title = self.reword(orig) if "headline" in ops else orig.title
        outlet = orig.outlet if "revised" in ops else rng.choice(REPOSTERS)
        pub = orig.published + timedelta(days=rng.randint(0, 3))
        head: tuple[str, ...] = ()
        if "furniture" in ops:
            head, more = self.repost_furniture(orig, title)
            tail += more
        return replace(orig, url=self.url(outlet, pub, title), title=title, outlet=outlet,
                       published=pub, paras=tuple(paras), kind="version", ops=ops, of=orig.url,
                       head=head, tail=tuple(tail), caption=None, context=())

    def revise(self, paras: list[str], orig: Version) -> list[str]:
        """One sentence added to a paragraph after the lede, one number changed."""
        rng, out = self.rng, list(paras)
        filler = Filler(rng, orig.incident["place"], orig.incident["agency"], orig.outlet)
        i = rng.randrange(1, len(out)) if len(out) > 1 else 0  # a one-paragraph version
        out[i] += " " + filler.fill(rng.choice(rng.choice(list(TOPICS.values()))))
        numbered = [j for j, p in enumerate(out) if _NUMBER.search(p)]
        if numbered:
            j = rng.choice(numbered)
            found = list(_NUMBER.finditer(out[j]))
            m = rng.choice(found)
            out[j] = out[j][:m.start()] + str(int(m.group()) + rng.randint(1, 3)) + out[j][m.end():]
        return out

    def reword(self, orig: Version) -> str:
        rng, inc = self.rng, orig.incident
        names, _, _, river = PLACES[inc["place"]]
        headlines = TYPES[inc["type"]]["headlines"]
        while True:
            title = cap(rng.choice(headlines).format(
                N=WORDS[inc["count"]] if inc["count"] <= 20 else "dozens", G=rng.choice(names),
                K=rng.choice(GROUP_NOUNS), R=river or "Tumen"))
            title = rng.choice(("N. Korea: {}", "North Korea: {}", "{}, sources say",
                                "DPRK: {}", "{} \u2013 report", "{}")).format(title)
            if title != orig.title:
                return title

    def repost_furniture(self, orig: Version, title: str) -> tuple[tuple[str, ...], list[str]]:
        rng, name = self.rng, f"{self.rng.choice(SURNAMES)} {self.rng.choice(GIVEN)}"
        head = rng.choice((
            (f"Title: {title}", f"Source: {orig.outlet}", f"Date: {orig.published.isoformat()}"),
            (f"This article first appeared in {orig.outlet} and is republished with "
             f"permission.",),
            (f"By {name}, {orig.outlet}",), (title, f"By {name}")))
        tail = ["Share this article", rng.choice((
            "Subscribe to our newsletter for weekly news from the Korean peninsula.",
            "Share on Facebook | Share on X | Email", "Comments are closed."))]
        if rng.random() < 0.6:
            tail += ["Related:", *(f"- {self.other_headline()}" for _ in range(rng.randint(2, 4)))]
        tail.append(f"\u00a9 {orig.published.year} All rights reserved.")
        return head, tail

    # --- hard negatives and second accounts ------------------------------------------

    def negative(self, orig: Version, inc: dict[str, Any]) -> Version:
        """Another incident of the same type, place, ISO week and agency, told (mostly) by
        the same outlet, reusing 30-55 % of its words from the original's context."""
        rng = self.rng
        monday = inc["day"] - timedelta(days=inc["day"].weekday())
        day = rng.choice([d for d in (monday + timedelta(days=i) for i in range(7))
                          if d != inc["day"]])
        others = [g for g in range(len(GROUP_KEYS)) if g != inc["group"]]
        count = inc["count"] + rng.choice((-2, -1, 1, 2, 3)) if inc["count"] > 3 else (
            inc["count"] + rng.randint(1, 3))
        neg = dict(inc, group=rng.choice(others), count=count, day=day,
                   years=rng.choice((2, 4, 8, 12)))
        outlet = orig.outlet if rng.random() < 0.8 else rng.choice(list(OUTLETS))
        slot = rng.choice([s for s in range(3) if s != orig.incident["slot"]])
        target = int(rng.triangular(MIN_WORDS, MAX_WORDS, MODE_WORDS))
        budget = min(rng.uniform(0.30, 0.55) * target, 0.55 * words(orig.paras))
        borrowed: list[str] = []
        for i in rng.sample(orig.context, len(orig.context)):
            if words(borrowed) + len(orig.paras[i].split()) <= budget:
                borrowed.append(orig.paras[i])
        pub = day + timedelta(days=rng.randint(2, 12))
        v = self.article(neg, outlet, slot, pub, "hard_negative", borrowed=tuple(borrowed),
                         target=target)
        return self.furnish(replace(v, negative_of=orig.family))

    def second_account(self, orig: Version, inc: dict[str, Any]) -> Version:
        """The same incident told independently by another outlet (another story)."""
        rng = self.rng
        outlet = rng.choice([o for o in OUTLETS if o != orig.outlet])
        slot = rng.choice([s for s in range(3) if s != orig.incident["slot"]])
        pub = orig.published + timedelta(days=rng.randint(0, 10))
        return self.furnish(self.article(inc, outlet, slot, pub, "second_account",
                                         event=orig.event))

    def group(self) -> list[Version]:
        """One family with its versions, and maybe a hard negative and a second account
        (each with at most one version of its own)."""
        rng = self.rng
        inc = self.incident()
        pub = inc["day"] + timedelta(days=rng.randint(2, 12))
        orig = self.furnish(self.article(inc, rng.choice(list(OUTLETS)), rng.randrange(3),
                                         pub, "original"))
        out = [orig, *self.versions(orig)]
        if rng.random() < NEGATIVE_SHARE:
            neg = self.negative(orig, inc)
            out += [neg, *self.versions(neg, most=1)]
        if rng.random() < SECOND_ACCOUNT_SHARE:
            second = self.second_account(orig, inc)
            out += [second, *self.versions(second, most=1)]
        return out


GROUP_KEYS = tuple(key for key, _, _ in GROUPS)
GROUP_NOUNS = tuple(noun for _, nouns, _ in GROUPS for noun in nouns)


def gold_incident(inc: dict[str, Any], slot: int) -> dict[str, Any]:
    year, week = iso_week(inc["day"])
    return {"place": inc["place"], "place_name": PLACES[inc["place"]][0][0],
            "type": inc["type"], "agency": inc["agency"], "group": GROUP_KEYS[inc["group"]],
            "count": inc["count"], "day": inc["day"].isoformat(), "week": f"{year}-W{week:02d}",
            "slot": slot}


def truncate(paras: list[str], rng: Random) -> list[str]:
    """A prefix of the body: 30-70 % of its words (at least 80), cut after a paragraph or,
    half the time, after a sentence inside the paragraph where the cut falls."""
    goal = max(80.0, words(paras) * rng.uniform(0.3, 0.7))
    out: list[str] = []
    for para in paras:
        if words(out) + len(para.split()) <= goal:
            out.append(para)
            continue
        if rng.random() < 0.5:
            kept: list[str] = []
            for sentence in _SENTENCE_END.split(para):
                if words(out) + words(kept) + len(sentence.split()) > goal:
                    break
                kept.append(sentence)
            if kept:
                out.append(" ".join(kept))
        break
    return out or paras[:1]


def typos(para: str, rng: Random, rate: float = 1 / 24) -> str:
    """About one typo in 75 words: in a word of 5+ letters, two letters swapped, one
    dropped or one doubled."""
    def typo(m: re.Match[str]) -> str:
        w = m.group()
        if rng.random() >= rate:
            return w
        i = rng.randrange(1, len(w) - 2)
        how = rng.randrange(3)
        if how == 0:
            return w[:i] + w[i + 1] + w[i] + w[i + 2:]
        return w[:i] + w[i + 1:] if how == 1 else w[:i] + w[i] + w[i:]
    return _TYPO_WORD.sub(typo, para)


def families(seed: int, tag: str | None = None) -> Iterator[list[Version]]:
    """Groups of families (see ``Generator.group``), without end."""
    gen = Generator(seed, tag)
    while True:
        yield gen.group()


def generate(seed: int, n: int, tag: str | None = None) -> Iterator[Version]:
    """The first ``n`` reports of a seed (the last group may be cut short)."""
    made = 0
    for group in families(seed, tag):
        yield from group[: n - made]
        made = min(n, made + len(group))
        if made >= n:
            return


def write(folder: Path, seed: int, n: int, per_file: int = 1000,
          tag: str | None = None) -> dict[str, Any]:
    """``n`` reports in ``folder/reports/`` (``reports-00000.jsonl``..., ``per_file``
    records each: the folder to ingest) and their gold in ``folder/gold.jsonl``."""
    reports = folder / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    stats: dict[str, Any] = {"reports": 0, "files": 0, "bytes": 0, "words": 0}
    kinds: dict[str, int] = {}
    out = None
    with (folder / "gold.jsonl").open("w", encoding="utf-8") as gold:
        for i, v in enumerate(generate(seed, n, tag)):
            if i % per_file == 0:
                if out:
                    out.close()
                out = (reports / f"reports-{stats['files']:05d}.jsonl").open("w",
                                                                            encoding="utf-8")
                stats["files"] += 1
            line = json.dumps(v.record(), ensure_ascii=False) + "\n"
            out.write(line)
            gold.write(json.dumps(v.gold(), ensure_ascii=False) + "\n")
            stats["reports"] += 1
            stats["bytes"] += len(line.encode("utf-8"))
            stats["words"] += len(v.body.split())
            kinds[v.kind] = kinds.get(v.kind, 0) + 1
    if out:
        out.close()
    return {**stats, "kinds": dict(sorted(kinds.items())), "folder": str(reports)}


def read_gold(folder: Path) -> list[dict[str, Any]]:
    """The gold records ``write`` left in ``folder``."""
    with (folder / "gold.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder for reports/*.jsonl and gold.jsonl")
    parser.add_argument("--reports", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-file", type=int, default=1000)
    parser.add_argument("--tag", help="url and family prefix (default s<seed>)")
    args = parser.parse_args()
    started = time.perf_counter()
    stats = write(args.out, args.seed, args.reports, args.per_file, args.tag)
    took = time.perf_counter() - started
    print(f"{stats['reports']} reports in {stats['files']} files, "
          f"{stats['words'] / max(1, stats['reports']):.0f} words and "
          f"{stats['bytes'] / max(1, stats['reports']) / 1024:.1f} KB a report on average, "
          f"kinds {stats['kinds']}; {took:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
