"""Evaluation that also writes the predictions, in one pass (`evaluate-languages
--predictions-dir`)."""

import logging
import os
from copy import deepcopy
from typing import Any

import torch
from allennlp.common import Params, Tqdm
from allennlp.common.util import sanitize
from allennlp.data import DatasetReader
from allennlp.data.samplers import BatchSampler
from allennlp.models import Model
from allennlp.predictors import Predictor

from xlt_allennlp.common.predictors import WholeFilePredictor

logger = logging.getLogger(__name__)


def batches_of(instances: list, loader_params: Params | dict[str, Any]) -> list[list[int]]:
    """The batches (instance indices) that the config's data loader would make: its batch
    sampler (e.g. length buckets) or plain batches of `batch_size`."""
    params = deepcopy(
        loader_params.as_dict() if isinstance(loader_params, Params) else loader_params
    )
    sampler_params = params.get("batch_sampler")
    if sampler_params:
        sampler = BatchSampler.from_params(Params(sampler_params))
        return [list(batch) for batch in sampler.get_batch_indices(instances)]
    size = int(params.get("batch_size", 1))
    return [list(range(i, min(i + size, len(instances)))) for i in range(0, len(instances), size)]


def evaluate_and_predict(
    model: Model,
    predictor: Predictor,
    reader: DatasetReader,
    path: str,
    loader_params: Params | dict[str, Any],
    output_path: str,
) -> dict[str, Any]:
    """The model's metrics on `path` (as `allennlp evaluate` computes them, less the loss) and,
    from the same forward passes, its predictions written to `output_path` in the input's
    order, formatted as `allennlp predict` writes them with the archive's predictor.

    Each batch goes through the model's `forward_on_instances` with the gold annotation the
    evaluation reader read (so the metrics accumulate exactly as in `allennlp evaluate`), and the
    predictor formats the outputs (`WholeFilePredictor.predictions_from_outputs`); the file
    is written to `output_path.partial` and renamed when complete. The instances are those the
    evaluation reader yields (a parser's reader leaves out sentences over `max_words`, logged by
    the reader): for every sentence of a file, use `allennlp predict`.
    """
    instances = list(reader.read(path))
    if not instances:
        raise ValueError(f"{path}: no instances to evaluate")
    for instance in instances:  # indexed, as the data loader's are, so buckets see subwords
        instance.index_fields(model.vocab)
    predictions: list[Any] = [None] * len(instances)
    model.get_metrics(reset=True)
    with torch.no_grad():
        for batch in Tqdm.tqdm(batches_of(instances, loader_params), desc="batches"):
            batch_instances = [instances[i] for i in batch]
            # The model's own forward pass on the evaluation instances (gold fields kept, so
            # the metrics accumulate); the predictor only formats the outputs (its own
            # prediction path drops gold fields, e.g. the parser's heads).
            outputs = sanitize(model.forward_on_instances(batch_instances))
            if isinstance(predictor, WholeFilePredictor):
                outputs = predictor.predictions_from_outputs(batch_instances, outputs)
            for index, output in zip(batch, outputs, strict=True):
                predictions[index] = output
    metrics = model.get_metrics(reset=True)
    os.makedirs(os.path.dirname(os.path.abspath(output_path)), exist_ok=True)
    partial = output_path + ".partial"
    with open(partial, "w", encoding="utf-8") as handle:
        for output in predictions:
            handle.write(predictor.dump_line(output))
    os.replace(partial, output_path)
    logger.info("Wrote %d predictions to %s", len(predictions), output_path)
    return metrics
