"""Event links on real articles: what linking joins among the HRDsAttack articles.

HRDsAttack (../shared/benchmarks/hrdsattack, read at run time, never copied) holds 400 news
articles about attacks on human rights defenders, a few of them about one incident (Daniel
Pearl's killer freed, Nazanin Zaghari-Ratcliffe's trial, the missionaries kidnapped in
Haiti). It has no labels for which articles tell one incident, so this prints every link
linking makes among them, with each article's date, title and annotated country and year,
for a reader to judge; run it on two versions of the code and compare:

    .venv/bin/python benchmarks/hrdsattack_links.py [--splits train,dev] > links.tsv

Each line: the link's probability, then for each article its id, date, country, year and
title. The last line counts articles, accounts, links and events of two reports or more.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from corroborate.hrdsattack import Article, read_split
from corroborate.pipeline import ingest
from corroborate.store import Store

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks" / "hrdsattack"


def links(articles: list[Article], folder: Path) -> tuple[list[tuple[float, str, str]], int,
                                                           int]:
    """(probability, article id, article id) of every link, the accounts and the events of
    two reports or more, from one ingest of ``articles`` (one JSON Lines record each)."""
    source = folder / "articles.jsonl"
    source.write_text("".join(json.dumps({"url": f"https://hrdsattack.example/{a.id}",
                                          "title": a.title, "date": a.published,
                                          "text": a.text}) + "\n" for a in articles),
                      encoding="utf-8")
    with Store.init(folder / "collection") as store:
        result = ingest(store, [str(source)], workers=1)
        if not result.ok:
            raise SystemExit(f"ingest failed: {result.failures}")
        article_of = {account_id: url.rsplit("/", 1)[1] for account_id, url in store.db.execute(
            "SELECT a.id, r.url FROM accounts a JOIN reports r "
            "ON r.id = json_extract(a.data, '$.report_id')")}
        found = sorted((round(score, 3), *sorted((article_of[a], article_of[b])))
                       for a, b, score in store.db.execute("SELECT a, b, score FROM links"))
        joined = sum(1 for event in store.events() if len(event["reports"]) > 1)
    return found, len(article_of), joined


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--splits", default="train,dev")
    args = parser.parse_args()
    if not SHARED.is_dir():
        print(f"needs {SHARED}", file=sys.stderr)
        return 2
    articles = [a for split in args.splits.split(",")
                for a in read_split(SHARED / f"{split}.json")]
    by_id = {a.id: a for a in articles}
    with tempfile.TemporaryDirectory(prefix="hrdsattack-links-") as tmp:
        found, accounts, joined = links(articles, Path(tmp))
    for score, *pair in found:
        cells = [f"{by_id[i].id}\t{by_id[i].published}\t{by_id[i].gold.get('country')}\t"
                 f"{by_id[i].gold.get('year')}\t{by_id[i].title[:80]}" for i in pair]
        print(f"{score}\t" + "\t".join(cells))
    print(f"{len(articles)} articles, {accounts} accounts, {len(found)} links, {joined} events "
          f"of two reports or more")
    return 0


if __name__ == "__main__":
    sys.exit(main())
