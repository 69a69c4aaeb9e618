"""Evaluating the points of `allennlp grid-search` on the target languages once the grid is
finished: every point's table, the selected settings' table, the uniform weight averages
(`--soup`) and the selection report's scores."""

import os
import statistics
from typing import Any

from allennlp.common import Tqdm

from xlt_allennlp.evaluation.languages import LanguageLoaders, evaluate_languages
from xlt_allennlp.grid.selection import ARCHIVE, Objective, PointResult, Selection, group_scores
from xlt_allennlp.results.languages import LanguageResults
from xlt_allennlp.results.seeds import SeedResults
from xlt_allennlp.results.selection_report import SelectionReport, SettingsScores
from xlt_allennlp.training.weight_averaging import average_archives

EVALUATING = "grid-search: evaluating points"  # the progress bar over the evaluated models


def evaluate_points(
    results: list[PointResult],
    inputs: list[str],
    table: str | None,
    loaders: LanguageLoaders | None = None,
    **options: Any,
) -> dict[str, LanguageResults]:
    """Every done point on every file of `inputs` (one model load per point; each file read
    once for all of them: `loaders`, new ones if None), with `table`, each point's table written
    into its directory under that name; by point name."""
    done = [result for result in results if result.status == "done"]
    loaders = LanguageLoaders() if loaders is None else loaders
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
    directory: str,
    results: list[PointResult],
    inputs: list[str],
    loaders: LanguageLoaders | None = None,
    **options: Any,
) -> list[LanguageResults]:
    """For each seed with two or more done points, the uniform average of their weights
    (`DIR/soup,seed=S/model.tar.gz`: points of one seed share the task head's initialisation),
    evaluated on `inputs` (with `loaders`: the files the points were evaluated on are not read
    again); one table per soup, none when no seed has two points."""
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
                loaders=loaders,
                print_table=False,
                **options,
            )
        )
    return tables


def selection_report(
    results: list[PointResult],
    selection: Selection,
    objective: Objective,
    per_point: dict[str, LanguageResults],
    per_point_dev: dict[str, LanguageResults],
    soups: list[LanguageResults],
    source_language: str | None,
) -> SelectionReport:
    """The report of `results.selection_report` from the evaluated points: one metric (the
    validation metric if the tables have it, else their first), per settings the mean over its
    seeds of the source dev score and of each language's score; the soups' scores (one table
    per seed) averaged the same way."""
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
        metric, settings, selection.results[0].point.group, source_language, means(soups)
    )
