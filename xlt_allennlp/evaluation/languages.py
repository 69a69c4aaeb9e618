"""Zero-shot evaluation of one archive on many languages (`allennlp evaluate-languages`), and
the naming of its inputs: languages from file names or `LANG=PATH`."""

import glob
import logging
import os
import re
from collections.abc import Callable
from copy import deepcopy
from functools import partial
from typing import Any

from allennlp.common import Params, Tqdm
from allennlp.common.util import prepare_environment
from allennlp.data import DataLoader, Vocabulary
from allennlp.evaluation import Evaluator
from allennlp.models.archival import load_archive
from allennlp.predictors import Predictor

from xlt_allennlp.common.errors import ConfigError
from xlt_allennlp.evaluation.predictions import evaluate_and_predict
from xlt_allennlp.results.languages import LanguageResults

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
    """`LANG=PATH`, `PATH` or a glob pattern -> (language, path) pairs, in argument order (a
    glob's matches sorted). A path that does not exist is kept: evaluating it fails and is
    reported with the others; a glob that matches nothing is an error, as is a language twice."""
    pairs: list[tuple[str, str]] = []
    for item in inputs:
        language, sep, path = item.partition("=")
        if not sep:
            language, path = "", item
        paths = sorted(glob.glob(path)) if glob.has_magic(path) else [path]
        if not paths:
            raise FileNotFoundError(f"no file matches {path!r}")
        pairs.extend((language or language_of(one), one) for one in paths)
    seen: set[str] = set()
    for language, path in pairs:
        if language in seen:
            raise ValueError(f"language {language!r} given twice (last: {path}); use LANG=PATH")
        seen.add(language)
    return pairs


def predictions_path(directory: str, language: str, path: str) -> str:
    """Where `--predictions-dir` puts a language's predictions: `DIR/<file name>` for a file
    named by its language (`de_test.conllu`), else `DIR/<language>.<file name>`
    (`de=xnli.test.tsv` -> `DIR/de.xnli.test.tsv`)."""
    name = os.path.basename(path)
    return os.path.join(directory, name if language_of(path) == language else f"{language}.{name}")


def metric_list(text: str) -> list[str]:
    """`--metrics UAS,LAS` -> ["UAS", "LAS"] (for every subcommand that takes it)."""
    return [metric for metric in text.split(",") if metric]


# Metrics reported together with a validation metric (the paper's Table 6 gives UAS and LAS).
_REPORTED_WITH = {"UAS": ["UAS", "LAS"], "LAS": ["UAS", "LAS"]}


def main_metrics(validation_metric: str | list[str]) -> list[str]:
    """The metrics `evaluate-languages` tabulates by default: the task's main ones, from the
    config's validation metric (`+accuracy` -> accuracy; NER's span F1; a parser's `+LAS` ->
    UAS and LAS)."""
    names = validation_metric if isinstance(validation_metric, list) else [validation_metric]
    metrics: list[str] = []
    for name in names:
        for metric in _REPORTED_WITH.get(name.lstrip("+-"), [name.lstrip("+-")]):
            if metric not in metrics:
                metrics.append(metric)
    return metrics


class LanguageLoaders:
    """The data loaders of evaluated files, kept so that several models of one config (the
    points of a grid) read each file once: a loader keeps its instances after the first pass
    (allennlp's multi-process loader without `max_instances_in_memory`) and is reused for a model
    with an equal vocabulary; a model with another vocabulary gets a new loader."""

    def __init__(self) -> None:
        self._loaders: dict[tuple[str, str], tuple[DataLoader, Vocabulary]] = {}

    def get(
        self, language: str, path: str, vocab: Vocabulary, build: Callable[[], DataLoader]
    ) -> DataLoader:
        cached = self._loaders.get((language, path))
        if cached is None or cached[1] != vocab:
            loader = build()
            loader.index_with(vocab)
            self._loaders[(language, path)] = (loader, vocab)
        return self._loaders[(language, path)][0]


class LanguagesNotEvaluated(ConfigError):
    """Some languages could not be evaluated (the others were, and their results written)."""


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
    predictions_dir: str | None = None,
    loaders: LanguageLoaders | None = None,
    print_table: bool = True,
) -> LanguageResults:
    """Evaluates an archived model (loaded once) on every (language, file), the source
    language first and the others sorted; prints the table and, with `output_file`, writes it
    as JSON, CSV and Markdown. A language whose file is missing or cannot be read is reported
    and the others are still evaluated; then `LanguagesNotEvaluated` is raised. With
    `predictions_dir`, the same forward passes also write each language's predictions there
    (`predictions_path`; `evaluation.predictions.evaluate_and_predict`). `loaders` keeps the
    files' instances for the next model evaluated with it (`LanguageLoaders`)."""
    pairs = sorted(parse_inputs(inputs), key=lambda pair: (pair[0] != source_language, pair[0]))
    explicit = {item.partition("=")[0] for item in inputs if "=" in item}
    archive = load_archive(archive_file, cuda_device=cuda_device, overrides=overrides)
    config = deepcopy(archive.config)
    prepare_environment(config)
    model = archive.model
    model.eval()
    evaluator = Evaluator.from_params(Params({"cuda_device": cuda_device}))
    predictor = Predictor.from_archive(archive) if predictions_dir else None
    loader_params = config.get("validation_data_loader", None) or config.get("data_loader")
    scores: dict[str, dict[str, float]] = {}
    errors: dict[str, str] = {}
    loaders = loaders if loaders is not None else LanguageLoaders()
    for language, path in Tqdm.tqdm(pairs, desc="languages"):
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
        try:
            if predictor is not None and predictions_dir is not None:
                output_path = predictions_path(predictions_dir, language, path)
                values = evaluate_and_predict(model, predictor, reader, path, params, output_path)
            else:
                build = partial(DataLoader.from_params, params, reader=reader, data_path=path)
                values = evaluator(model, loaders.get(language, path, model.vocab, build))
        except (OSError, ValueError, RuntimeError) as error:  # DataFormatError is a ValueError
            logger.error("Could not evaluate %s (%s): %s", language, path, error)
            errors[language] = str(error)
            continue
        scores[language] = {
            name: float(value) for name, value in values.items() if isinstance(value, int | float)
        }
    if metrics is None:
        validation_metric = config.get("trainer", {}).get("validation_metric", "-loss")
        metrics = main_metrics(validation_metric)
    results = LanguageResults(scores, metrics, source_language, errors)
    if print_table:
        print(results.markdown(), flush=True)
    if output_file:
        paths = results.write(output_file, archive=archive_file)
        logger.info("Wrote %s", ", ".join(paths))
    if errors:
        failed = "; ".join(f"{language}: {error}" for language, error in errors.items())
        raise LanguagesNotEvaluated(
            f"{len(errors)} of {len(pairs)} languages could not be evaluated ({failed}); the "
            "others were" + (f" and are in {output_file}" if output_file else "")
        )
    return results
