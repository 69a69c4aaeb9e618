"""`allennlp grid-search`: the paper's hyper-parameter search with model selection on the SOURCE
language's dev set (Wu & Dredze 2019, section 5), resumable, shardable and safe to run as several
copies on one directory.

    allennlp grid-search training_configs/pos.jsonnet -s runs/pos-grid --seeds 1,2,3 \\
        --evaluate ud/*_test.conllu

Every point trains in `DIR/<its settings>/` (e.g. `DIR/lr=3e-05,batch_size=32,epochs=4,seed=13/`),
an ordinary allennlp serialization directory. A point with `model.tar.gz` and `metrics.json` is
done and never trained again; one with a checkpoint is resumed (allennlp's `recover`); any other
(failed without a checkpoint, or never started) is trained from the start. Claims
(`grid.claims`) keep copies that share `DIR` off each other's points.

Points train in this process (`train_model_from_file` with the point's ext vars set in
`os.environ` for the run, restored after), not in a subprocess per point: no new interpreter and
imports per point (15-25 s, longer than a fixture training), and a point that raises is recorded
with its error while the grid goes on. A point can still train distributed: allennlp spawns its
own workers from the config's `workers` / `cuda_devices` ext vars, and they inherit the
environment. If the process itself dies (killed, out of host memory), the point is left partial
with the claim of a dead process: the next call takes it over (on this host at once, elsewhere
after `--claim-timeout`) and resumes it.
"""

import logging
import os
from dataclasses import dataclass
from typing import Any

from allennlp.common import Params

from xlt_allennlp.common.errors import ConfigError
from xlt_allennlp.evaluation.languages import LanguageLoaders
from xlt_allennlp.grid.claims import Claims
from xlt_allennlp.grid.evaluation import (
    evaluate_points,
    selected_table,
    selection_report,
    uniform_soups,
)
from xlt_allennlp.grid.points import check_grid, grid_points, parse_grid, shard_points
from xlt_allennlp.grid.report import write_report
from xlt_allennlp.grid.selection import Objective, PointResult, Selection, read_point, select
from xlt_allennlp.grid.training import run_points
from xlt_allennlp.results.languages import LanguageResults
from xlt_allennlp.results.seeds import SeedResults
from xlt_allennlp.results.selection_report import SelectionReport

logger = logging.getLogger(__name__)

SELECTED_RESULTS = "selected_languages.json"  # with .csv and .md beside it
SELECTION_REPORT = "selection.json"  # with .csv, .md and .png beside it
POINT_RESULTS = "languages.json"  # each point's scores on the --evaluate files, in its directory
POINT_TARGET_DEV = "target_dev.json"  # each point's scores on the --target-dev files


class PointsFailed(ConfigError):
    """Some points failed (recorded in grid.json); the others were trained and reported."""


@dataclass
class GridSearchResult:
    results: list[PointResult]  # every point of the grid, in grid order
    selection: Selection | None
    evaluation: LanguageResults | SeedResults | None = None
    report: SelectionReport | None = None


def validation_objective(config: str, ext_vars: dict[str, str], overrides: str = "") -> Objective:
    """Loads the config once with a point's ext vars (a mistake in it stops the command before
    any training) and returns the metric it validates on."""
    if not os.path.isfile(config):
        raise ConfigError(f"grid-search: no config file {config}")
    params = Params.from_file(config, overrides, ext_vars=ext_vars).as_dict(quiet=True)
    return Objective.parse((params.get("trainer") or {}).get("validation_metric", "-loss"))


def _unfinished(results: list[PointResult]) -> list[PointResult]:
    return [result for result in results if result.status not in ("done", "failed")]


def grid_search(
    config: str,
    directory: str,
    *,
    grid: dict[str, list[Any]] | None = None,
    seeds: list[int] | None = None,
    shard: tuple[int, int] = (0, 1),
    claim_timeout: float = 3600.0,
    overrides: str = "",
    evaluate: list[str] | None = None,
    target_dev: list[str] | None = None,
    soups: bool = False,
    **evaluate_options: Any,
) -> GridSearchResult:
    """Trains this shard's points of `grid` (None: the paper's) x `seeds`, then reports every
    point of the grid (`DIR/grid.json`, `DIR/grid.md`) and selects by the source dev score;
    with `evaluate` (files as for `evaluate_languages`, with `evaluate_options`), once no point
    is left to train, evaluates every point on them, writes the selected settings' table and
    the selection report (`results.selection_report`; `target_dev`: files of target dev sets for its
    oracle; `soups`: with the uniform weight average of each seed's points as a row). Raises
    `PointsFailed` after all that if a point of this call failed."""
    points = grid_points(parse_grid(None) if grid is None else check_grid(grid), seeds)
    objective = validation_objective(config, points[0].ext_vars(), overrides)
    os.makedirs(directory, exist_ok=True)
    claims = Claims(directory, claim_timeout)
    mine = shard_points(points, shard)
    print(
        f"grid-search: {len(points)} points, {len(mine)} in shard {shard[0]}/{shard[1]}; "
        f"selection by the dev {objective.label} of {config}",
        flush=True,
    )
    failures = run_points(mine, directory, claims, objective, config, overrides)
    results = [
        read_point(p, os.path.join(directory, p.name), objective, claims.holder(p.name))
        for p in points
    ]
    selection = select(results, objective)
    paths = write_report(directory, config, objective, results, selection)
    _print_summary(results, selection, objective, paths)
    outcome = GridSearchResult(results, selection)
    if evaluate and selection is not None and not _unfinished(results):
        loaders = LanguageLoaders()  # the evaluated files, read once for points and soups
        per_point = evaluate_points(
            results, evaluate, POINT_RESULTS, loaders=loaders, **evaluate_options
        )
        output = os.path.join(directory, SELECTED_RESULTS)
        outcome.evaluation = selected_table(selection, per_point, output)
        print(f"grid-search: wrote {output} (and .csv, .md)", flush=True)
        per_point_dev = (
            evaluate_points(results, target_dev, POINT_TARGET_DEV, **evaluate_options)
            if target_dev
            else {}
        )
        soup_tables = (
            uniform_soups(directory, results, evaluate, loaders=loaders, **evaluate_options)
            if soups
            else []
        )
        outcome.report = selection_report(
            results,
            selection,
            objective,
            per_point,
            per_point_dev,
            soup_tables,
            evaluate_options.get("source_language", "en"),
        )
        paths = outcome.report.write(os.path.join(directory, SELECTION_REPORT))
        print(outcome.report.markdown(), flush=True)
        print(f"grid-search: wrote {', '.join(paths)}", flush=True)
    elif evaluate:
        print("grid-search: not evaluated yet: the grid is not finished", flush=True)
    if failures:
        listed = "; ".join(f"{name}: {error.splitlines()[0]}" for name, error in failures.items())
        raise PointsFailed(
            f"{len(failures)} of {len(mine)} points failed ({listed}); recorded in {paths[0]}; "
            "run the command again to retry them"
        )
    return outcome


def _print_summary(
    results: list[PointResult], selection: Selection | None, objective: Objective, paths: list[str]
) -> None:
    done = sum(result.status == "done" for result in results)
    unfinished = len(_unfinished(results))
    state = f"{done} of {len(results)} points done" + (
        f", {unfinished} still to train" if unfinished else ""
    )
    if selection is None:
        chosen = "nothing selected yet"
    else:
        over = f" (mean of {len(selection.results)} seeds)" if len(selection.results) > 1 else ""
        chosen = (
            f"selected {selection.results[0].point.group}: dev {objective.label} "
            f"{selection.dev_score:.4f}{over}" + (", provisional" if unfinished else "")
        )
    print(f"grid-search: {state}; {chosen}; wrote {', '.join(paths)}", flush=True)
