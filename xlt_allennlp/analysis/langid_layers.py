"""The language-ID probe of every encoder layer, paper Figure 2 (`allennlp langid-layers`)."""

import logging
import os
import time
from dataclasses import dataclass
from typing import Any, Optional

import torch
from allennlp.common import Params, Tqdm
from allennlp.data import DatasetReader

from xlt_allennlp.analysis.langid_probe import resolve_layer
from xlt_allennlp.analysis.langid_report import (
    confused_pairs,
    per_language_accuracy,
    write_reports,
)
from xlt_allennlp.analysis.layer_features import cache_key, encoder_identity, mean_layer_features
from xlt_allennlp.analysis.probe_training import batch_size_of, predict, train_probe
from xlt_allennlp.analysis.wili import WiliReader

logger = logging.getLogger(__name__)


def default_cache_dir() -> str:
    """`$XLT_FEATURE_CACHE`, or `~/.cache/xlt_allennlp/layer_features`."""
    return os.environ.get("XLT_FEATURE_CACHE") or os.path.join(
        os.path.expanduser("~"), ".cache", "xlt_allennlp", "layer_features"
    )


@dataclass
class Split:
    """One data split: its path, gold labels and cached features [n, layers + 1, dim]."""

    path: str
    labels: list[str]
    features: torch.Tensor
    cached: bool
    seconds: float

    def summary(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "paragraphs": len(self.labels),
            "languages": len(set(self.labels)),
            "features_cached": self.cached,
            "feature_seconds": round(self.seconds, 3),
        }


def parse_layers(text: str, num_layers: int) -> list[int]:
    """`all` -> 0..L; `0,6,12` -> [0, 6, 12] (negative: from the top), sorted, no repeats."""
    if text.strip() == "all":
        return list(range(num_layers + 1))
    layers = {resolve_layer(int(item), num_layers) for item in text.split(",") if item.strip()}
    if not layers:
        raise ValueError(f"no layer in --layers {text!r}")
    return sorted(layers)


def read_split(
    reader: WiliReader, path: str, encoder: str, cache_dir: Optional[str], cuda_device: int
) -> Split:
    """The paragraphs of `path` and their features (from the cache when there)."""
    paragraphs = reader.paragraphs(path)
    texts = [reader.input_text(paragraph) for paragraph in paragraphs]
    cached = cache_dir is not None and os.path.exists(
        os.path.join(cache_dir, cache_key(encoder, texts, reader.max_length) + ".pt")
    )
    start = time.perf_counter()
    features = mean_layer_features(
        encoder, texts, max_subwords=reader.max_length, cache_dir=cache_dir, cuda_device=cuda_device
    )
    labels = [paragraph.label or "" for paragraph in paragraphs]
    return Split(path, labels, features, cached, time.perf_counter() - start)


def probe_layer(
    layer: int, splits: dict[str, Split], evaluation: str, params: dict[str, Any]
) -> dict[str, Any]:
    """Trains the probe of one layer on train with the config's trainer, selects on dev,
    scores `evaluation`."""

    def rows(split: Split) -> tuple[torch.Tensor, list[str]]:
        return split.features[:, layer].contiguous(), split.labels

    probe = train_probe(params, layer, rows(splits["train"]), rows(splits["dev"]))
    predicted = predict(probe.model, rows(splits[evaluation])[0])
    gold = splits[evaluation].labels
    return {
        "accuracy": sum(g == p for g, p in zip(gold, predicted, strict=True)) / max(len(gold), 1),
        "dev_accuracy": probe.metrics["best_validation_accuracy"],
        "best_epoch": probe.metrics["best_epoch"],
        "epochs": probe.metrics["epoch"] + 1,
        "per_language": per_language_accuracy(gold, predicted),
        "confused": confused_pairs(gold, predicted),
    }


def langid_layers(
    config_file: str,
    serialization_dir: str,
    *,
    layers: str = "all",
    overrides: str = "",
    cache_dir: Optional[str] = None,
    cuda_device: int = -1,
) -> dict[str, Any]:
    """Runs the probe for each layer in `layers` and writes `serialization_dir/langid_layers.*`;
    returns the report. The features of each paragraph are computed once for all layers and
    cached in `cache_dir` (default `default_cache_dir()`)."""
    params = Params.from_file(config_file, overrides).as_dict(quiet=True)
    reader = DatasetReader.from_params(Params(dict(params["dataset_reader"])))
    if not isinstance(reader, WiliReader):
        raise ValueError(f"{config_file}: langid-layers needs a `wili` dataset reader")
    encoder = params["model"]["model_name"]
    cache_dir = cache_dir or default_cache_dir()
    paths = {"train": params["train_data_path"], "dev": params["validation_data_path"]}
    if params.get("test_data_path"):
        paths["test"] = params["test_data_path"]
    splits = {name: read_split(reader, path, encoder, cache_dir, cuda_device)
              for name, path in paths.items()}  # fmt: skip
    num_layers = splits["train"].features.size(1) - 1
    evaluation = "test" if "test" in splits else "dev"
    results = {}
    for layer in Tqdm.tqdm(parse_layers(layers, num_layers), desc="probed layers"):
        results[str(layer)] = probe_layer(layer, splits, evaluation, params)
        logger.info(
            "layer %d: %s accuracy %.4f", layer, evaluation, results[str(layer)]["accuracy"]
        )
    report = {
        "encoder": encoder,
        "encoder_identity": encoder_identity(encoder),
        "config": config_file,
        "evaluation_split": evaluation,
        "max_subwords": reader.max_length,
        "dev_holdout": {"dev_fraction": reader.dev_fraction, "dev_seed": reader.dev_seed},
        "languages_selected": len(reader.languages) if reader.languages else "all",
        "sentence_language": reader.sentence_language,
        "training": {"trainer": params["trainer"], "batch_size": batch_size_of(params)},
        "data": {name: split.summary() for name, split in splits.items()},
        "best_layer": max(results, key=lambda layer: results[layer]["dev_accuracy"]),
        "layers": results,
    }
    paths_written = write_reports(report, serialization_dir)
    print(open(paths_written["md"], encoding="utf-8").read().split("\n## ")[0])
    return report
