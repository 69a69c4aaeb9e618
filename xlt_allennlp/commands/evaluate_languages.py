"""`allennlp evaluate-languages`: zero-shot evaluation of one archive on many languages (the
library: `xlt_allennlp.evaluation.languages`)."""

import argparse

from allennlp.commands.subcommand import Subcommand

from xlt_allennlp.evaluation.languages import evaluate_languages, metric_list
from xlt_allennlp.results.languages import LanguageResults


@Subcommand.register("evaluate-languages")
class EvaluateLanguages(Subcommand):
    """`allennlp evaluate-languages`: one trained model evaluated on one file per language.

    Registered as a `Subcommand` with name "evaluate-languages". Evaluates one trained model
    (loaded once) unchanged on one file per language and prints a per-language table with two
    averages: over the target languages (all but `--source-language`, the paper's zero-shot
    average) and over all. `--output-file X.json` writes `{"metrics": {metric: {language:
    score}}, "averages": ..., "results": ...}` and, beside it, the same table as `X.csv` and
    `X.md`. The source language comes first, the others sorted. A missing or unreadable file is
    reported, the other languages are still evaluated, and the command then exits non-zero.
    `--predictions-dir D` also writes each language's predictions into `D` from the same forward
    passes (input order, formatted as `allennlp predict --use-dataset-reader` writes them; the
    metrics then come without the loss). Languages come from the file name prefix
    (`de_test.conllu` -> de) or `LANG=PATH`. With `LANG=PATH` and a reader that selects languages
    (`xnli`), only that language's rows of the file are read, so one multi-language file gives
    one row per language (`en=xnli.test.tsv de=xnli.test.tsv ...`).

    # Usage

    ```
    allennlp evaluate-languages ARCHIVE FILE [FILE ...] [--metrics M1,M2] [--source-language en]
        [--output-file X.json] [--predictions-dir DIR] [--cuda-device N] [--batch-size N]
        [-o OVERRIDES]
    ```

    - `ARCHIVE`: a `model.tar.gz`.
    - `FILE ...`: files, globs or `LANG=PATH` items, one per language.
    - `--metrics`: comma-separated metrics for the table (default: the task's main metrics: UAS
      and LAS for a parser, else the validation metric).
    - `--source-language` (default `en`): the training language, left out of the zero-shot
      average.
    - `--output-file`: the JSON of all metrics, with the table beside it as `.csv` and `.md`.
    - `--predictions-dir`: also write each language's predictions here.
    - `--cuda-device` (default -1, the CPU): the device to evaluate on.
    - `--batch-size`: replaces the batch size of the config's validation data loader.
    - `-o`, `--overrides`: allennlp overrides (JSON) of the archived config.

    ```
    allennlp evaluate-languages runs/pos/model.tar.gz ud/*_test.conllu \\
        --output-file runs/pos/languages.json --include-package xlt_allennlp
    ```
    """

    def add_subparser(self, parser: argparse._SubParsersAction) -> argparse.ArgumentParser:
        description = "Evaluate a trained model on one file per language (zero-shot transfer)."
        subparser = parser.add_parser(self.name, description=description, help=description)
        subparser.add_argument("archive_file", type=str, help="path to a model.tar.gz")
        subparser.add_argument(
            "input_files", nargs="+", help="files, globs or LANG=PATH items, one per language"
        )
        subparser.add_argument(
            "--metrics",
            type=metric_list,
            default=None,
            help="comma-separated metrics for the table (default: the task's main metrics: "
            "UAS and LAS for a parser, else the validation metric)",
        )
        subparser.add_argument(
            "--source-language",
            default="en",
            help="training language, left out of the zero-shot average (default: en)",
        )
        subparser.add_argument(
            "--output-file",
            type=str,
            help="write all metrics as JSON here, and the table beside it as .csv and .md",
        )
        subparser.add_argument(
            "--predictions-dir",
            type=str,
            help="also write each language's predictions here, from the same forward passes "
            "(as `allennlp predict --use-dataset-reader` formats them)",
        )
        subparser.add_argument("--cuda-device", type=int, default=-1)
        subparser.add_argument("--batch-size", type=int, default=None)
        subparser.add_argument("-o", "--overrides", type=str, default="")
        subparser.set_defaults(func=_from_args)
        return subparser


def _from_args(args: argparse.Namespace) -> LanguageResults:
    return evaluate_languages(
        args.archive_file,
        args.input_files,
        metrics=args.metrics,
        source_language=args.source_language or None,
        output_file=args.output_file,
        cuda_device=args.cuda_device,
        batch_size=args.batch_size,
        overrides=args.overrides,
        predictions_dir=args.predictions_dir,
    )
