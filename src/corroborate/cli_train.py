"""``corroborate train``: the main-value ranker's weights from the shipped training table."""

from __future__ import annotations

import json
from pathlib import Path

import click

__all__ = ["register"]


@click.command()
@click.option("--table", type=click.Path(dir_okay=False), default=None,
              help="Training table (gzipped JSON Lines); default: the shipped one.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Where to write the model; default: the shipped data/ranker.json.")
@click.option("--rebuild-from", type=click.Path(exists=True, file_okay=False), default=None,
              help="First rebuild the table from an HRDsAttack folder (train.json, dev.json).")
@click.option("--check", is_flag=True,
              help="Write nothing; fail if the table or model differ from what training "
                   "gives (CI).")
def train(table: str | None, output: str | None, rebuild_from: str | None,
          check: bool) -> None:
    """Fit the ranker that marks each field's main value and its confidence.

    One logistic model per field over labelled candidates (docs/main-values.md). The table
    holds numbers only (features and labels), no article text.

    \b
    Example:
        corroborate train
        corroborate train --rebuild-from ../shared/benchmarks/hrdsattack --check
    """
    from . import learn
    from .errors import CorroborateError
    from .ranking import Model

    table_path = Path(table) if table else learn.TABLE
    try:
        if rebuild_from:
            from . import hrdsattack

            rows = hrdsattack.training_table(rebuild_from)
            if check:
                shipped = learn.read_table(table_path)
                if [r.to_json() for r in rows] != [r.to_json() for r in shipped]:
                    raise click.ClickException(
                        f"{table_path} differs from the table rebuilt from {rebuild_from}: "
                        "run `corroborate train --rebuild-from` and commit both files")
                rows = shipped
            else:
                count = learn.write_table(rows, table_path)
                click.echo(f"wrote {count} candidate rows to {table_path}", err=True)
                rows = learn.read_table(table_path)  # fitted as shipped: rounded
        else:
            rows = learn.read_table(table_path)
        model = learn.fit_model(rows)
    except (CorroborateError, OSError, ValueError) as exc:
        raise click.ClickException(f"{table_path}: {exc}") from exc
    target = Path(output) if output else learn.MODEL
    if check:
        shipped_model = Model.from_dict(json.loads(target.read_text(encoding="utf-8")))
        changed = learn.differences(model, shipped_model)
        if changed:
            raise click.ClickException(f"{target} is not what training gives: "
                                       + "; ".join(changed[:5]))
        click.echo(f"{target} is what training on {len(rows)} rows gives")
        return
    learn.write_model(model, target)
    click.echo(f"trained on {len(rows)} candidate rows: {target}")


def register(group: click.Group) -> None:
    group.add_command(train)
