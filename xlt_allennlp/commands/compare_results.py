"""`allennlp compare-results`: per-language differences of strategies from a baseline."""

import argparse
import logging
import os
from typing import Optional

from allennlp.commands.subcommand import Subcommand

from xlt_allennlp.commands.language_results import write_table_files
from xlt_allennlp.commands.result_comparison import Comparison, default_labels, read_result_set
from xlt_allennlp.common.errors import ConfigError

logger = logging.getLogger(__name__)

TABLE_FILE = "comparison.json"  # with comparison.csv and comparison.md beside it
HEATMAP_FILE = "heatmap.png"
SCORES_FILE = "scores.png"


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
    from xlt_allennlp.commands.comparison_figures import difference_heatmap, score_bars

    difference_heatmap(comparison, os.path.join(output_dir, HEATMAP_FILE))
    score_bars(comparison, os.path.join(output_dir, SCORES_FILE))
    return comparison


@Subcommand.register("compare-results")
class CompareResults(Subcommand):
    """Registered subcommand `allennlp compare-results BASELINE.json OTHER.json ...`.

    The paper's Figure 1: each result set's per-language score minus the baseline's (e.g.
    fine-tune-all vs freeze 0/3/6/9 vs feature-based), as a table (`comparison.md`, `.csv`,
    `.json`), a heatmap (`heatmap.png`: languages x strategies, diverging colormap centred at 0,
    values in the cells, languages ordered by the baseline's score) and a bar chart of the
    absolute scores (`scores.png`). Takes the JSON of `evaluate-languages --output-file` or of
    `grid-search --evaluate` (`selected_languages.json`: means over seeds).

        allennlp compare-results full/languages.json freeze3/languages.json feat/languages.json \\
            --labels full,freeze3,feature --output-dir comparison
    """

    def add_subparser(self, parser: argparse._SubParsersAction) -> argparse.ArgumentParser:
        description = "Per-language differences of result sets from a baseline (table, heatmap)."
        subparser = parser.add_parser(self.name, description=description, help=description)
        subparser.add_argument(
            "result_files",
            nargs="+",
            help="evaluate-languages / grid-search JSON files; the first is the baseline",
        )
        subparser.add_argument(
            "--labels",
            type=lambda text: [label for label in text.split(",") if label],
            default=None,
            help="comma-separated names, one per file (default: file or directory names)",
        )
        subparser.add_argument(
            "--metric", default=None, help="the metric to compare (default: the baseline's first)"
        )
        subparser.add_argument("--output-dir", required=True, help="where to write the outputs")
        subparser.set_defaults(func=_from_args)
        return subparser


def _from_args(args: argparse.Namespace) -> Comparison:
    comparison = compare_results(
        args.result_files, args.output_dir, labels=args.labels, metric=args.metric
    )
    print(comparison.markdown())
    return comparison
