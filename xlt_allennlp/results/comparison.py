"""Several result sets (one per strategy) against a baseline, per language: the paper's Figure 1.

A result set is the JSON that `evaluate-languages --output-file` or `grid-search --evaluate`
writes: `{"metrics": {metric: {language: score}}, "source_language": ..., "std": ...}` (`std`
only over seeds). Scores are fractions, as allennlp reports them; tables show points (x100).
"""

import csv
import io
import json
import logging
import math
import os
from dataclasses import dataclass
from typing import Any, Optional

from xlt_allennlp.common.errors import ConfigError
from xlt_allennlp.results.languages import write_table_files

logger = logging.getLogger(__name__)

TABLE_FILE = "comparison.json"  # with comparison.csv and comparison.md beside it
HEATMAP_FILE = "heatmap.png"
SCORES_FILE = "scores.png"


@dataclass
class ResultSet:
    """One model's (or one setting's mean over seeds) score per language for one metric."""

    label: str
    path: str
    scores: dict[str, float]
    source_language: Optional[str]


def read_result_set(path: str, label: str, metric: Optional[str]) -> tuple[ResultSet, str]:
    """The scores of `metric` (default: the file's first metric) in an `evaluate-languages` or
    `grid-search` JSON; returns the result set and the metric read."""
    try:
        with open(path, encoding="utf-8") as handle:
            content = json.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such result file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not a JSON result file ({error})") from None
    metrics = content.get("metrics") if isinstance(content, dict) else None
    if not isinstance(metrics, dict) or not metrics:
        raise ConfigError(
            f"{path}: expected the JSON of 'allennlp evaluate-languages --output-file' or "
            "'allennlp grid-search --evaluate' (a 'metrics' object: {metric: {language: score}})"
        )
    metric = metric or next(iter(metrics))
    if metric not in metrics:
        raise ConfigError(f"{path}: no metric {metric!r}; it has {', '.join(metrics)}")
    scores = {str(lang): float(value) for lang, value in metrics[metric].items()}
    return ResultSet(label, path, scores, content.get("source_language")), metric


class Comparison:
    """Every result set's per-language score and its difference from the baseline (the first).

    Languages are the baseline's, ordered by its score (best first; ties by name); a language
    another set lacks is left empty there (and named in `missing`). The `average` row is each
    set's mean over the target languages (the baseline's source language left out) that every
    set has, so the averages compare the same languages.
    """

    def __init__(self, result_sets: list[ResultSet], metric: str) -> None:
        if len(result_sets) < 2:
            raise ConfigError("compare-results needs a baseline and at least one other result set")
        labels = [result.label for result in result_sets]
        if len(set(labels)) != len(labels):
            raise ConfigError(f"labels must differ, got {', '.join(labels)} (use --labels)")
        self.result_sets = result_sets
        self.metric = metric
        baseline = result_sets[0].scores
        self.languages = sorted(baseline, key=lambda lang: (-baseline[lang], lang))
        source = result_sets[0].source_language
        self.average_languages = [
            lang
            for lang in self.languages
            if lang != source and all(lang in result.scores for result in result_sets)
        ]
        self.average_label = f"avg zero-shot ({len(self.average_languages)} languages)"
        self.missing = {
            result.label: [lang for lang in self.languages if lang not in result.scores]
            for result in result_sets[1:]
        }

    @property
    def baseline(self) -> ResultSet:
        return self.result_sets[0]

    @property
    def others(self) -> list[ResultSet]:
        return self.result_sets[1:]

    def rows(self) -> list[str]:
        return [*self.languages, self.average_label] if self.average_languages else self.languages

    def score(self, result: ResultSet, row: str) -> Optional[float]:
        if row == self.average_label:
            return sum(result.scores[lang] for lang in self.average_languages) / len(
                self.average_languages
            )
        return result.scores.get(row)

    def difference(self, result: ResultSet, row: str) -> Optional[float]:
        score, base = self.score(result, row), self.score(self.baseline, row)
        return None if score is None or base is None else score - base

    def markdown(self) -> str:
        """`language | baseline score | Δ of each other set`, in points with one decimal."""
        header = [f"{self.baseline.label} ({self.metric})"] + [
            f"{other.label} − {self.baseline.label}" for other in self.others
        ]
        lines = ["| language | " + " | ".join(header) + " |", "|" + "---|" * (len(header) + 1)]
        for row in self.rows():
            cells = [_points(self.score(self.baseline, row))]
            cells += [_points(self.difference(other, row), signed=True) for other in self.others]
            lines.append(f"| {row} | " + " | ".join(cells) + " |")
        for label, languages in self.missing.items():
            if languages:
                lines.append(f"\nnot in {label}: {', '.join(languages)}")
        return "\n".join(lines)

    def csv(self) -> str:
        """`language,<label>,...,<label>_minus_<baseline>,...`: fractions at full precision."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        baseline = self.baseline.label
        writer.writerow(
            [
                "language",
                *(result.label for result in self.result_sets),
                *(f"{other.label}_minus_{baseline}" for other in self.others),
            ]
        )
        for row in self.rows():
            values = [self.score(result, row) for result in self.result_sets]
            values += [self.difference(other, row) for other in self.others]
            writer.writerow([row, *("" if value is None else value for value in values)])
        return out.getvalue()

    def to_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "baseline": self.baseline.label,
            "labels": [result.label for result in self.result_sets],
            "files": {result.label: result.path for result in self.result_sets},
            "languages": self.languages,
            "average_label": self.average_label,
            "average_languages": self.average_languages,
            "scores": {
                result.label: {row: self.score(result, row) for row in self.rows()}
                for result in self.result_sets
            },
            "differences": {
                other.label: {row: self.difference(other, row) for row in self.rows()}
                for other in self.others
            },
            "missing": self.missing,
        }


def default_labels(paths: list[str]) -> list[str]:
    """A label per file: its name without extension, or its directory's name when the names are
    the same (`runs/freeze3/languages.json` -> freeze3)."""
    stems = [os.path.splitext(os.path.basename(path))[0] for path in paths]
    if len(set(stems)) == len(stems):
        return stems
    return [os.path.basename(os.path.dirname(os.path.abspath(path))) for path in paths]


def _points(value: Optional[float], signed: bool = False) -> str:
    if value is None or math.isnan(value):
        return "-"
    return f"{100 * value:+.1f}" if signed else f"{100 * value:.1f}"


def compare_results(
    result_files: list[str],
    output_dir: str,
    labels: Optional[list[str]] = None,
    metric: Optional[str] = None,
) -> Comparison:
    """Compares the result files (the first is the baseline) and writes, in `output_dir`,
    `comparison.json`/`.csv`/`.md`, `heatmap.png` (differences) and `scores.png` (scores)."""
    labels = labels or default_labels(result_files)
    if len(labels) != len(result_files):
        raise ConfigError(f"{len(labels)} labels for {len(result_files)} result files")
    result_sets = []
    for path, label in zip(result_files, labels, strict=True):
        result_set, metric = read_result_set(path, label, metric)
        result_sets.append(result_set)
    comparison = Comparison(result_sets, metric)
    for label, languages in comparison.missing.items():
        if languages:
            logger.warning("%s has no %s score for %s", label, metric, ", ".join(languages))
    os.makedirs(output_dir, exist_ok=True)
    write_table_files(comparison, os.path.join(output_dir, TABLE_FILE))
    from xlt_allennlp.results.comparison_figures import difference_heatmap, score_bars

    difference_heatmap(comparison, os.path.join(output_dir, HEATMAP_FILE))
    score_bars(comparison, os.path.join(output_dir, SCORES_FILE))
    return comparison
