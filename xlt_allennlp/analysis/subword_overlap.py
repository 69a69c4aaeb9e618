"""Subword overlap vs transfer, Figure 3 of Wu & Dredze 2019 (`allennlp subword-overlap`): the
files counted, their overlaps and the report (measures: `overlap_measures`)."""

import json
import logging
import os
from collections import Counter
from typing import Any, Optional

from allennlp.common import Tqdm

from xlt_allennlp.analysis.language_files import language_files, require_language_code
from xlt_allennlp.analysis.overlap_measures import Overlap, OverlapReport
from xlt_allennlp.analysis.subword_counts import SubwordCounter
from xlt_allennlp.common.errors import ConfigError
from xlt_allennlp.data.errors import DataFormatError

logger = logging.getLogger(__name__)

# The progress bars: the instances of the source file, then the target files.
COUNTING_SOURCE = "subword-overlap: counting source subwords"
COUNTING_TARGETS = "subword-overlap: counting target subwords"


def read_scores(path: str, metric: Optional[str]) -> tuple[str, dict[str, float]]:
    """(metric, {language: score}) from an `evaluate-languages` JSON; `metric` None: the first."""
    try:
        with open(path, encoding="utf-8") as handle:
            metrics = json.load(handle)["metrics"]
        names = list(metrics)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ConfigError(
            f"{path}: not an evaluate-languages JSON with a 'metrics' object ({error})"
        ) from None
    if not names or (metric is not None and metric not in metrics):
        raise ConfigError(f"{path}: no metric {metric!r}; the file has: {', '.join(names)}")
    metric = metric or names[0]
    return metric, {lang: float(score) for lang, score in metrics[metric].items()}


def subword_overlap(
    source: str,
    targets: list[str],
    *,
    encoder: str,
    output_dir: str,
    dataset_reader: Optional[str] = None,
    scores_file: Optional[str] = None,
    metric: Optional[str] = None,
    source_language: str = "en",
) -> OverlapReport:
    """p_type / p_token of every target file against the `source` training file (both read by
    the package's readers and split by `encoder`'s tokenizer); with `scores_file` also their
    correlation with the zero-shot scores. Writes `subword_overlap.json` and `.md` to
    `output_dir`, and with scores `subword_overlap.png`; prints the table."""
    scored_metric, scores = read_scores(scores_file, metric) if scores_file else (None, {})
    counter = SubwordCounter(encoder, dataset_reader)
    language, sep, source_path = source.partition("=")
    if sep:  # `en=xnli.dev.tsv`: the English rows only
        source_language = language
    files = target_files(targets)  # checked before the (long) source count
    source_counts = counter.count(
        source_path if sep else source, language if sep else None, progress=COUNTING_SOURCE
    )
    overlaps = target_overlaps(counter, source_counts, files)
    report = OverlapReport(source_language, overlaps, scores, scored_metric)
    inputs = {"encoder": encoder, "source": source, "targets": targets, "scores": scores_file}
    inputs.update(source_types=len(source_counts), source_tokens=sum(source_counts.values()))
    written = write_report(report, output_dir, inputs)
    print(report.markdown(), flush=True)
    logger.info("Wrote %s", ", ".join(written))
    return report


def target_files(targets: list[str]) -> list[tuple[str, str, bool]]:
    """(language, path, whether given as `LANG=`) of the targets, named as for
    `evaluate-languages`; a file name without a language code is a `ConfigError`, a missing file
    a `DataFormatError`."""
    files = language_files(targets)
    for language, path, given in files:
        if not given:
            require_language_code(language, path)
        if not os.path.isfile(path):
            raise DataFormatError(path, None, "no such file")
    return files


def target_overlaps(
    counter: SubwordCounter, source_counts: Counter[int], files: list[tuple[str, str, bool]]
) -> dict[str, Overlap]:
    """Language -> the overlap of its target file (`target_files`) with `source_counts`; one
    progress bar over the files."""
    overlaps: dict[str, Overlap] = {}
    progress = Tqdm.tqdm(files, desc=COUNTING_TARGETS, unit=" files")
    for language, path, given in progress:
        progress.set_postfix_str(language, refresh=False)
        target_counts = counter.count(path, language if given else None)
        overlaps[language] = Overlap.of(source_counts, target_counts)
    return overlaps


def write_report(report: OverlapReport, output_dir: str, inputs: dict[str, Any]) -> list[str]:
    """`subword_overlap.json` (`inputs` and the report), `.md` and, with scores, `.png` in
    `output_dir`; returns their paths."""
    os.makedirs(output_dir, exist_ok=True)
    stem = os.path.join(output_dir, "subword_overlap")
    with open(stem + ".json", "w", encoding="utf-8") as handle:
        json.dump({**inputs, **report.to_json()}, handle, indent=2, ensure_ascii=False)
    with open(stem + ".md", "w", encoding="utf-8") as handle:
        handle.write(report.markdown() + "\n")
    written = [stem + ".json", stem + ".md"]
    if report.metric is not None:
        from xlt_allennlp.analysis.overlap_plot import plot_overlap_scatter

        written.append(plot_overlap_scatter(report, stem + ".png"))
    return written
