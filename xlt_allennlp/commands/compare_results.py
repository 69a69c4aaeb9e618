"""`allennlp compare-results`: per-language differences of strategies from a baseline (the
library: `xlt_allennlp.results.comparison`)."""

import argparse

from allennlp.commands.subcommand import Subcommand

from xlt_allennlp.results.comparison import Comparison, compare_results


@Subcommand.register("compare-results")
class CompareResults(Subcommand):
    """`allennlp compare-results`: per-language score differences of result sets from a baseline.

    Registered as a `Subcommand` with name "compare-results". The paper's Figure 1: each result
    set's per-language score minus the baseline's (e.g. fine-tune-all vs freeze 0/3/6/9 vs
    feature-based), as a table (`comparison.md`, `.csv`, `.json`), a heatmap (`heatmap.png`:
    languages x strategies, diverging colormap centred at 0, values in the cells, languages
    ordered by the baseline's score) and a bar chart of the absolute scores (`scores.png`). Takes
    the JSON of `evaluate-languages --output-file` or of `grid-search --evaluate`
    (`selected_languages.json`: means over seeds).

    # Usage

    ```
    allennlp compare-results BASELINE.json OTHER.json [...] --output-dir DIR
        [--labels NAMES] [--metric METRIC]
    ```

    - `BASELINE.json OTHER.json ...`: `evaluate-languages` / `grid-search` JSON files; the first
      is the baseline.
    - `--output-dir DIR` (required): where the table and figures are written.
    - `--labels NAMES`: comma-separated names, one per file (default: the file or directory
      names).
    - `--metric METRIC`: the metric to compare (default: the baseline's first).

    ```
    allennlp compare-results full/languages.json freeze3/languages.json feat/languages.json \\
        --labels full,freeze3,feature --output-dir comparison
    ```
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
