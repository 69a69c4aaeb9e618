"""`allennlp grid-search`: the paper's hyper-parameter search with model selection on the SOURCE
language's dev set (Wu & Dredze 2019, section 5), resumable, shardable and safe to run as several
copies on one directory.

    allennlp grid-search training_configs/pos.jsonnet -s runs/pos-grid --seeds 1,2,3 \\
        --evaluate ud/*_test.conllu

Every point trains in `DIR/<its settings>/` (e.g. `DIR/lr=3e-05,batch_size=32,epochs=4,seed=13/`),
an ordinary allennlp serialization directory. A point with `model.tar.gz` and `metrics.json` is
done and never trained again; one with a checkpoint is resumed (allennlp's `recover`); any other
(failed without a checkpoint, or never started) is trained from the start. Claims
(`grid_claims.py`) keep copies that share `DIR` off each other's points.

Points train in this process (`train_model_from_file` with the point's ext vars set in
`os.environ` for the run, restored after), not in a subprocess per point: no new interpreter and
imports per point (15-25 s, longer than a fixture training), and a point that raises is recorded
with its error while the grid goes on. A point can still train distributed: allennlp spawns its
own workers from the config's `workers` / `cuda_devices` ext vars, and they inherit the
environment. If the process itself dies (killed, out of host memory), the point is left partial
with the claim of a dead process: the next call takes it over (on this host at once, elsewhere
after `--claim-timeout`) and resumes it.
"""

import argparse
import gc
import json
import logging
import os
import shutil
import statistics
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import torch
from allennlp.commands.subcommand import Subcommand
from allennlp.commands.train import train_model_from_file
from allennlp.common import Params, Tqdm
from allennlp.common.checks import ConfigurationError
from allennlp.models.archival import CONFIG_NAME
from allennlp.training.checkpointer import Checkpointer

from xlt_allennlp.commands.evaluate_languages import (
    LanguageLoaders,
    evaluate_languages,
    metric_list,
)
from xlt_allennlp.commands.grid_claims import Claims
from xlt_allennlp.commands.grid_points import (
    Point,
    check_grid,
    grid_points,
    parse_grid,
    parse_seeds,
    parse_shard,
    shard_points,
)
from xlt_allennlp.commands.grid_report import write_report
from xlt_allennlp.commands.grid_selection import (
    ARCHIVE,
    FAILURE,
    Objective,
    PointResult,
    Selection,
    group_scores,
    read_point,
    select,
)
from xlt_allennlp.commands.language_results import LanguageResults
from xlt_allennlp.commands.seed_results import SeedResults
from xlt_allennlp.commands.selection_report import SelectionReport, SettingsScores
from xlt_allennlp.common.errors import ConfigError
from xlt_allennlp.training.weight_averaging import average_archives

logger = logging.getLogger(__name__)

SELECTED_RESULTS = "selected_languages.json"  # with .csv and .md beside it
SELECTION_REPORT = "selection.json"  # with .csv, .md and .png beside it
POINT_RESULTS = "languages.json"  # each point's scores on the --evaluate files, in its directory
POINT_TARGET_DEV = "target_dev.json"  # each point's scores on the --target-dev files
# The progress bars: over this shard's points, and over the selected models evaluated.
TRAINING = "grid-search: points"
EVALUATING = "grid-search: evaluating points"


class PointsFailed(ConfigError):
    """Some points failed (recorded in grid.json); the others were trained and reported."""


@dataclass
class GridSearchResult:
    results: list[PointResult]  # every point of the grid, in grid order
    selection: Selection | None
    evaluation: LanguageResults | SeedResults | None = None
    report: SelectionReport | None = None


@contextmanager
def environment(ext_vars: dict[str, str]) -> Iterator[None]:
    """Sets environment variables for the block and restores the previous ones after."""
    saved = {name: os.environ.get(name) for name in ext_vars}
    os.environ.update(ext_vars)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def train_point(
    config: str, directory: str, ext_vars: dict[str, str], *, recover: bool, overrides: str = ""
) -> None:
    """Trains one point with allennlp's own training, its ext vars in the environment;
    `recover`: continue from the checkpoint in `directory`."""
    with environment(ext_vars):
        train_model_from_file(config, directory, overrides=overrides, recover=recover)
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def validation_objective(config: str, ext_vars: dict[str, str], overrides: str = "") -> Objective:
    """Loads the config once with a point's ext vars (a mistake in it stops the command before
    any training) and returns the metric it validates on."""
    if not os.path.isfile(config):
        raise ConfigError(f"grid-search: no config file {config}")
    params = Params.from_file(config, overrides, ext_vars=ext_vars).as_dict(quiet=True)
    return Objective.parse((params.get("trainer") or {}).get("validation_metric", "-loss"))


def _resumable(directory: str) -> bool:
    if not os.path.isfile(os.path.join(directory, CONFIG_NAME)):
        return False
    return Checkpointer(directory).find_latest_checkpoint() is not None


def _record_failure(directory: str, error: Exception, elapsed: float, resumed: bool) -> str:
    message = f"{type(error).__name__}: {str(error).strip() or repr(error)}"
    if resumed and isinstance(error, ConfigurationError):
        message += " (while resuming: delete the point's directory to train it from the start)"
    os.makedirs(directory, exist_ok=True)
    record = {
        "error": message,
        "traceback": traceback.format_exc(),
        "resumed": resumed,
        "elapsed_s": round(elapsed, 1),
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    with open(os.path.join(directory, FAILURE), "w", encoding="utf-8") as handle:
        json.dump(record, handle, indent=2)
    return message


def _describe(result: PointResult, objective: Objective) -> str:
    if result.dev_score is None:
        return f"no dev score: {result.error}"
    return f"dev {objective.label} {result.dev_score:.4f}, best epoch {result.best_epoch}"


def _run_point(
    point: Point, directory: str, claims: Claims, objective: Objective, config: str, overrides: str
) -> tuple[str, str | None]:
    """Trains, resumes or skips one point; returns its progress text and its error, if any."""
    before = read_point(point, directory, objective)
    if before.status == "done":
        return f"skipped (done before: {_describe(before, objective)})", None
    claim = claims.acquire(point.name)
    if claim is None:
        holder = claims.holder(point.name) or {}
        by = f"{holder.get('host', '?')}:{holder.get('pid', '?')} since {holder.get('time', '?')}"
        return f"skipped (being trained by {by})", None
    with claim:
        now = read_point(point, directory, objective)
        if now.status == "done":
            return f"skipped (done by another copy: {_describe(now, objective)})", None
        recover = _resumable(directory)
        if not recover and os.path.isdir(directory):
            shutil.rmtree(directory)  # no checkpoint: nothing worth keeping
        start = time.monotonic()
        try:
            train_point(config, directory, point.ext_vars(), recover=recover, overrides=overrides)
        except Exception as error:  # a failed point is recorded, the grid goes on
            elapsed = time.monotonic() - start
            message = _record_failure(directory, error, elapsed, recover)
            logger.exception("Point %s failed", point.name)
            return f"failed after {elapsed:.1f}s: {message.splitlines()[0]}", message
        elapsed = time.monotonic() - start
        if os.path.isfile(os.path.join(directory, FAILURE)):
            os.remove(os.path.join(directory, FAILURE))
        word = "retried, done" if now.status == "failed" else "done"
        word = "resumed, done" if recover else word
        done = read_point(point, directory, objective)
        return f"{word} in {elapsed:.1f}s ({_describe(done, objective)})", None


def _run_points(
    points: list[Point],
    directory: str,
    claims: Claims,
    objective: Objective,
    config: str,
    overrides: str,
) -> dict[str, str]:
    """Trains, resumes or skips each point in turn (one progress bar over them, a line per
    point); returns the error of each point that failed, by name."""
    failures: dict[str, str] = {}
    progress = Tqdm.tqdm(points, desc=TRAINING, unit=" points")
    for index, point in enumerate(progress, 1):
        progress.set_postfix_str(point.name, refresh=False)
        folder = os.path.join(directory, point.name)
        text, error = _run_point(point, folder, claims, objective, config, overrides)
        print(f"[{index}/{len(points)}] {point.name}: {text}", flush=True)
        if error is not None:
            failures[point.name] = error
    return failures


def evaluate_points(
    results: list[PointResult], inputs: list[str], table: str | None, **options: Any
) -> dict[str, LanguageResults]:
    """Every done point on every file of `inputs` (one model load per point; each file read
    once for all of them, `LanguageLoaders`), with `table`, each point's table written into its
    directory under that name; by point name."""
    done = [result for result in results if result.status == "done"]
    loaders = LanguageLoaders()
    per_point: dict[str, LanguageResults] = {}
    progress = Tqdm.tqdm(done, desc=EVALUATING, unit=" models")
    for result in progress:
        progress.set_postfix_str(result.point.name, refresh=False)
        per_point[result.point.name] = evaluate_languages(
            os.path.join(result.directory, ARCHIVE),
            inputs,
            output_file=None if table is None else os.path.join(result.directory, table),
            loaders=loaders,
            print_table=False,
            **options,
        )
    return per_point


def selected_table(
    selection: Selection, per_point: dict[str, LanguageResults], output_file: str
) -> LanguageResults | SeedResults:
    """The selected settings' table (one model, or mean ± std over its seeds), printed and
    written to `output_file` (+ .csv, .md)."""
    chosen = {r.point.name: per_point[r.point.name] for r in selection.results}
    extra = {"selected": selection.results[0].point.group, "archives": selection.archives}
    evaluation: LanguageResults | SeedResults = (
        next(iter(chosen.values())) if len(chosen) == 1 else SeedResults(chosen)
    )
    print(evaluation.markdown(), flush=True)
    evaluation.write(output_file, **extra)
    return evaluation


def uniform_soups(
    directory: str, results: list[PointResult], inputs: list[str], **options: Any
) -> dict[str, float] | None:
    """For each seed with two or more done points, the uniform average of their weights
    (`DIR/soup,seed=S/model.tar.gz`: points of one seed share the task head's initialisation),
    evaluated on `inputs`; the scores (every metric) averaged over the seeds, by language.
    None when no seed has two points."""
    by_seed: dict[Any, list[PointResult]] = {}
    for result in results:
        if result.status == "done":
            by_seed.setdefault(result.point.seed, []).append(result)
    tables = []
    for seed, members in by_seed.items():
        if len(members) < 2:
            continue
        name = "soup" if seed is None else f"soup,seed={seed}"
        archive = average_archives(
            [os.path.join(r.directory, ARCHIVE) for r in members],
            os.path.join(directory, name, ARCHIVE),
        )
        tables.append(
            evaluate_languages(
                archive,
                inputs,
                output_file=os.path.join(directory, name, "languages.json"),
                print_table=False,
                **options,
            )
        )
    if not tables:
        return None
    languages = [lang for lang in tables[0].scores if all(lang in t.scores for t in tables)]
    metric = tables[0].metrics[0]
    return {
        lang: statistics.fmean(t.scores[lang][metric] for t in tables if metric in t.scores[lang])
        for lang in languages
    }


def selection_report(
    results: list[PointResult],
    selection: Selection,
    objective: Objective,
    per_point: dict[str, LanguageResults],
    per_point_dev: dict[str, LanguageResults],
    soup: dict[str, float] | None,
    source_language: str | None,
) -> SelectionReport:
    """The report of `selection_report.py` from the evaluated points: one metric (the
    validation metric if the tables have it, else their first), per settings the mean over its
    seeds of the source dev score and of each language's score."""
    first = next(iter(per_point.values()))
    names = [name for _, name in objective.terms]
    metric = names[0] if len(names) == 1 and names[0] in first.metrics else first.metrics[0]

    def means(tables: list[LanguageResults]) -> dict[str, float]:
        languages = dict.fromkeys(lang for table in tables for lang in table.scores)
        values = {
            lang: [t.scores[lang][metric] for t in tables if metric in t.scores.get(lang, {})]
            for lang in languages
        }
        return {lang: statistics.fmean(v) for lang, v in values.items() if v}

    settings = []
    for group in group_scores(results):
        members = [r.point.name for r in group["results"] if r.point.name in per_point]
        if group["mean"] is None or not members:
            continue
        settings.append(
            SettingsScores(
                name=group["results"][0].point.group,
                dev_score=objective.gain(group["mean"]),
                test=means([per_point[name] for name in members]),
                target_dev=means(
                    [per_point_dev[name] for name in members if name in per_point_dev]
                ),
            )
        )
    return SelectionReport(
        metric, settings, selection.results[0].point.group, source_language, soup or {}
    )


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
    the selection report (`selection_report.py`; `target_dev`: files of target dev sets for its
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
    failures = _run_points(mine, directory, claims, objective, config, overrides)
    results = [
        read_point(p, os.path.join(directory, p.name), objective, claims.holder(p.name))
        for p in points
    ]
    selection = select(results, objective)
    paths = write_report(directory, config, objective, results, selection)
    _print_summary(results, selection, objective, paths)
    outcome = GridSearchResult(results, selection)
    if evaluate and selection is not None and not _unfinished(results):
        per_point = evaluate_points(results, evaluate, POINT_RESULTS, **evaluate_options)
        output = os.path.join(directory, SELECTED_RESULTS)
        outcome.evaluation = selected_table(selection, per_point, output)
        print(f"grid-search: wrote {output} (and .csv, .md)", flush=True)
        per_point_dev = (
            evaluate_points(results, target_dev, POINT_TARGET_DEV, **evaluate_options)
            if target_dev
            else {}
        )
        soup = uniform_soups(directory, results, evaluate, **evaluate_options) if soups else None
        outcome.report = selection_report(
            results,
            selection,
            objective,
            per_point,
            per_point_dev,
            soup,
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


@Subcommand.register("grid-search")
class GridSearch(Subcommand):
    """Registered subcommand `allennlp grid-search CONFIG -s DIR`.

    Trains the config at every point of a grid of ext vars (default: the paper's lr {2e-5, 3e-5,
    5e-5} x batch_size {16, 32} x epochs {3, 4}; `--grid` JSON or a JSON/Jsonnet file replaces
    it; `--seeds 1,2,3` repeats each point per seed), each in `DIR/<settings>/`, and selects by
    the source dev score (`best_validation_<metric>`, the config's validation metric; with seeds
    the mean). Writes `DIR/grid.json` and `DIR/grid.md`. `--evaluate FILE ...` then evaluates every
    point on the target languages (each point's `languages.json`), writes the selected model(s)'
    table to `DIR/selected_languages.json` (.csv, .md) and the selection report to
    `DIR/selection.json` (.csv, .md, .png): per language, the source-dev choice beside the oracle
    (the settings best on `--target-dev LANG=PATH ...` files; without them the best on the test
    file itself, marked as an upper bound), the grid's spread, and the rank correlation between
    source dev and target scores; `--soup` adds the uniform weight average of each seed's points.
    Rerunning skips finished points, resumes partial ones and retries failed ones. `--shard K/N`
    trains every N-th point from the K-th: N copies split the grid; copies sharing DIR never
    train one point at once.

        allennlp grid-search training_configs/pos.jsonnet -s runs/pos-grid --shard 0/2
    """

    def add_subparser(self, parser: argparse._SubParsersAction) -> argparse.ArgumentParser:
        description = "Grid search over ext vars with selection on the source dev set."
        subparser = parser.add_parser(self.name, description=description, help=description)
        subparser.add_argument("config", help="the training config (.jsonnet)")
        subparser.add_argument("-s", "--serialization-dir", required=True, help="grid directory")
        subparser.add_argument(
            "--grid",
            help='ext vars and values, JSON (\'{"lr": [2e-5, 3e-5], "freeze": ["none", 3]}\') '
            "or a JSON/Jsonnet file; replaces the paper's lr x batch_size x epochs grid",
        )
        subparser.add_argument("--seeds", help="train every point once per seed, e.g. 1,2,3")
        subparser.add_argument("--shard", help="K/N: train every N-th point from the K-th")
        subparser.add_argument(
            "--claim-timeout",
            type=float,
            default=3600.0,
            help="seconds after which a claim nobody refreshes is taken over (default: 3600)",
        )
        subparser.add_argument("-o", "--overrides", default="", help="allennlp overrides (JSON)")
        subparser.add_argument(
            "--evaluate", nargs="+", metavar="FILE", help="target-language files, as for "
            "evaluate-languages: evaluate every point once the grid is finished",
        )  # fmt: skip
        subparser.add_argument(
            "--target-dev", nargs="+", metavar="LANG=PATH", help="target dev files, for the "
            "selection report's oracle only (never for selection)",
        )  # fmt: skip
        subparser.add_argument(
            "--soup", action="store_true", help="also average the weights of each seed's "
            "points (a uniform model soup) and report it",
        )  # fmt: skip
        subparser.add_argument("--metrics", type=metric_list)
        subparser.add_argument("--source-language", default="en")
        subparser.add_argument("--cuda-device", type=int, default=-1, help="for --evaluate")
        subparser.set_defaults(func=_from_args)
        return subparser


def _from_args(args: argparse.Namespace) -> GridSearchResult:
    return grid_search(
        args.config,
        args.serialization_dir,
        grid=parse_grid(args.grid),
        seeds=parse_seeds(args.seeds),
        shard=parse_shard(args.shard),
        claim_timeout=args.claim_timeout,
        overrides=args.overrides,
        evaluate=args.evaluate,
        target_dev=args.target_dev,
        soups=args.soup,
        metrics=args.metrics,
        source_language=args.source_language or None,
        cuda_device=args.cuda_device,
    )
