"""`allennlp evaluate-languages`: zero-shot evaluation of one archive on many languages."""

import argparse
import glob
import json
import logging
import os
import re
from copy import deepcopy
from typing import Any

from allennlp.commands.subcommand import Subcommand
from allennlp.common import Params
from allennlp.common.util import prepare_environment
from allennlp.data import DataLoader
from allennlp.evaluation import Evaluator
from allennlp.models.archival import load_archive

logger = logging.getLogger(__name__)

_LANGUAGE_PREFIX = re.compile(r"^([A-Za-z]{2,3}(?:-[A-Za-z]{2,4})?)[_.\-]")


def language_of(path: str) -> str:
    """Language code from a file name: `de_test.conllu` and `de_gsd-ud-test.conllu` give "de".

    A name without such a prefix gives the file's stem.
    """
    name = os.path.basename(path)
    match = _LANGUAGE_PREFIX.match(name)
    return match.group(1) if match else os.path.splitext(name)[0]


def parse_inputs(inputs: list[str]) -> list[tuple[str, str]]:
    """`LANG=PATH`, `PATH` or a glob pattern -> sorted-by-argument list of (language, path)."""
    pairs: list[tuple[str, str]] = []
    for item in inputs:
        language, sep, path = item.partition("=")
        if not sep:
            language, path = "", item
        paths = sorted(glob.glob(path)) if glob.has_magic(path) else [path]
        if not paths:
            raise FileNotFoundError(f"no file matches {path!r}")
        for one in paths:
            if not os.path.exists(one) and "://" not in one:
                raise FileNotFoundError(f"evaluation file not found: {one}")
            pairs.append((language or language_of(one), one))
    seen: set[str] = set()
    for language, path in pairs:
        if language in seen:
            raise ValueError(f"language {language!r} given twice (last: {path}); use LANG=PATH")
        seen.add(language)
    return pairs


def format_table(
    results: dict[str, dict[str, float]], metrics: list[str], source_language: str | None
) -> str:
    """A Markdown table: one row per language, one column per metric (x100), plus the average
    over the target (non-source) languages, as the paper reports it."""
    header = "| language | " + " | ".join(metrics) + " |"
    lines = [header, "|" + "---|" * (len(metrics) + 1)]
    for language, values in results.items():
        cells = [f"{100 * values[m]:.1f}" if m in values else "-" for m in metrics]
        lines.append(f"| {language} | " + " | ".join(cells) + " |")
    targets = [values for language, values in results.items() if language != source_language]
    if targets and len(targets) < len(results) or (targets and source_language is None):
        cells = []
        for m in metrics:
            present = [values[m] for values in targets if m in values]
            cells.append(f"{100 * sum(present) / len(present):.1f}" if present else "-")
        label = "avg (zero-shot)" if source_language is not None else "avg"
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def evaluate_languages(
    archive_file: str,
    inputs: list[str],
    *,
    metrics: list[str] | None = None,
    source_language: str | None = "en",
    output_file: str | None = None,
    cuda_device: int = -1,
    batch_size: int | None = None,
    overrides: str | dict[str, Any] = "",
) -> dict[str, dict[str, float]]:
    """Evaluates an archived model on every (language, file); returns metrics per language."""
    pairs = parse_inputs(inputs)
    explicit = {item.partition("=")[0] for item in inputs if "=" in item}
    archive = load_archive(archive_file, cuda_device=cuda_device, overrides=overrides)
    config = deepcopy(archive.config)
    prepare_environment(config)
    model = archive.model
    model.eval()
    evaluator = Evaluator.from_params(Params({"cuda_device": cuda_device}))
    loader_params = config.get("validation_data_loader", None) or config.get("data_loader")
    results: dict[str, dict[str, float]] = {}
    for language, path in pairs:
        logger.info("Evaluating %s on %s", language, path)
        params = deepcopy(loader_params)
        if batch_size:
            if "batch_sampler" in params:
                params["batch_sampler"]["batch_size"] = batch_size
            else:
                params["batch_size"] = batch_size
        reader = archive.validation_dataset_reader
        if language in explicit and hasattr(reader, "for_language"):
            # A reader of multi-language files (`xnli`) reads only this language's rows.
            reader = reader.for_language(language)
        data_loader = DataLoader.from_params(params=params, reader=reader, data_path=path)
        data_loader.index_with(model.vocab)
        scores = evaluator(model, data_loader)
        results[language] = {
            name: float(value) for name, value in scores.items() if isinstance(value, int | float)
        }
    if metrics is None:
        validation_metric = config.get("trainer", {}).get("validation_metric", "-loss")
        names = validation_metric if isinstance(validation_metric, list) else [validation_metric]
        metrics = [name.lstrip("+-") for name in names]
    print(format_table(results, metrics, source_language), flush=True)
    if output_file:
        with open(output_file, "w", encoding="utf-8") as handle:
            json.dump({"archive": archive_file, "results": results}, handle, indent=2)
    return results


@Subcommand.register("evaluate-languages")
class EvaluateLanguages(Subcommand):
    """Registered subcommand `allennlp evaluate-languages ARCHIVE FILE...`.

    Evaluates one trained model unchanged on one file per language and prints a per-language
    table (plus the zero-shot average over the languages other than `--source-language`).
    Languages come from the file name prefix (`de_test.conllu` -> de) or `LANG=PATH`. With
    `LANG=PATH` and a reader that selects languages (`xnli`), only that language's rows of the
    file are read, so one multi-language file gives one row per language
    (`en=xnli.test.tsv de=xnli.test.tsv ...`).
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
            type=lambda text: [m for m in text.split(",") if m],
            default=None,
            help="comma-separated metrics for the table (default: the validation metric)",
        )
        subparser.add_argument(
            "--source-language",
            default="en",
            help="training language, left out of the zero-shot average (default: en)",
        )
        subparser.add_argument("--output-file", type=str, help="write all metrics as JSON here")
        subparser.add_argument("--cuda-device", type=int, default=-1)
        subparser.add_argument("--batch-size", type=int, default=None)
        subparser.add_argument("-o", "--overrides", type=str, default="")
        subparser.set_defaults(func=_from_args)
        return subparser


def _from_args(args: argparse.Namespace) -> dict[str, dict[str, float]]:
    return evaluate_languages(
        args.archive_file,
        args.input_files,
        metrics=args.metrics,
        source_language=args.source_language or None,
        output_file=args.output_file,
        cuda_device=args.cuda_device,
        batch_size=args.batch_size,
        overrides=args.overrides,
    )
