"""Training the language-ID probe of one layer on cached feature vectors, with allennlp's trainer.

`allennlp langid-layers` trains the `langid_probe` model (with `precomputed_features: true`)
through the trainer the config builds (its optimizer, learning-rate scheduler, callbacks, epochs,
validation metric), exactly as `allennlp train` does with one layer; only the data loader differs:
the features are in memory, so batches are slices of a tensor instead of collated instances.
"""

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import torch
from allennlp.common import Params
from allennlp.common.util import prepare_environment
from allennlp.data import DataLoader, Instance, Vocabulary
from allennlp.data.data_loaders.data_loader import TensorDict
from allennlp.models import Model
from allennlp.nn import util as nn_util
from allennlp.training import Trainer

from xlt_allennlp.analysis.langid_probe import LanguageIdProbe

UNKNOWN_LABEL = -100  # a language the training data lacks: no loss, always wrong


class FeatureDataLoader(DataLoader):
    """Batches of rows of in-memory tensors: `{"features": [b, hidden], "label": [b]}`, shuffled
    with a seeded generator (a new order every epoch, the same orders in every run)."""

    def __init__(
        self,
        features: torch.Tensor,
        labels: torch.Tensor,
        batch_size: int,
        shuffle: bool = False,
        seed: int = 13,
    ) -> None:
        self.features, self.labels = features, labels
        self.batch_size, self.shuffle = batch_size, shuffle
        self._generator = torch.Generator().manual_seed(seed)
        self._device = torch.device("cpu")

    def __len__(self) -> int:
        return (len(self.labels) + self.batch_size - 1) // self.batch_size

    def __iter__(self) -> Iterator[TensorDict]:
        count = len(self.labels)
        order = torch.randperm(count, generator=self._generator) if self.shuffle else None
        for start in range(0, count, self.batch_size):
            end = start + self.batch_size
            rows = slice(start, end) if order is None else order[start:end]
            batch = {"features": self.features[rows], "label": self.labels[rows]}
            yield nn_util.move_to_device(batch, self._device)

    def iter_instances(self) -> Iterator[Instance]:
        raise NotImplementedError("a FeatureDataLoader holds tensors, not instances")

    def index_with(self, vocab: Vocabulary) -> None:
        pass  # the labels are indices already

    def set_target_device(self, device: torch.device) -> None:
        self._device = device


@dataclass
class TrainedProbe:
    model: LanguageIdProbe
    metrics: dict[str, Any]


def label_vocabulary(names: list[str]) -> Vocabulary:
    """The languages in the given order as the `labels` namespace (no padding, no OOV)."""
    vocab = Vocabulary(non_padded_namespaces=["labels"])
    vocab.add_tokens_to_namespace(names, "labels")
    return vocab


def label_indices(labels: list[str], vocab: Vocabulary) -> torch.Tensor:
    index = vocab.get_token_to_index_vocabulary("labels")
    return torch.tensor([index.get(label, UNKNOWN_LABEL) for label in labels])


def batch_size_of(params: dict[str, Any]) -> int:
    """The training batch size of the config's data loader (given directly or by its batch
    sampler): the one setting of the token data loader that applies to feature batches."""
    loader = params.get("data_loader", {})
    return int(loader.get("batch_sampler", {}).get("batch_size", loader.get("batch_size", 32)))


def train_probe(
    params: dict[str, Any],
    layer: int,
    train: tuple[torch.Tensor, list[str]],
    dev: tuple[torch.Tensor, list[str]],
) -> TrainedProbe:
    """Trains the config's `langid_probe` on `train` = (features [n, hidden], labels) for layer
    `layer` with the config's trainer, selects on `dev`; returns the best-dev model and allennlp's
    training metrics. Seeds come from the config (`random_seed`, ...), as with `allennlp train`.
    Runs on one thread: the steps are far too small to gain from more, and waiting threads on a
    busy machine made them ~20x slower (measured)."""
    prepare_environment(Params(dict(params)))  # pops the seeds from a copy, as `allennlp train`
    vocab = label_vocabulary(sorted(set(train[1])))
    model_params = {**params["model"], "layer": layer, "precomputed_features": True}
    model = Model.from_params(vocab=vocab, params=Params(model_params))
    assert isinstance(model, LanguageIdProbe)
    batch_size, seed = batch_size_of(params), int(params.get("random_seed", 13))
    loader = FeatureDataLoader(train[0], label_indices(train[1], vocab), batch_size, True, seed)
    dev_loader = FeatureDataLoader(dev[0], label_indices(dev[1], vocab), batch_size)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with tempfile.TemporaryDirectory(prefix="langid-probe-") as serialization_dir:
            trainer = Trainer.from_params(
                params=Params(dict(params["trainer"])),
                model=model,
                serialization_dir=serialization_dir,
                data_loader=loader,
                validation_data_loader=dev_loader,
            )
            metrics = trainer.train()
    finally:
        torch.set_num_threads(threads)
    return TrainedProbe(model, metrics)


def predict(model: LanguageIdProbe, features: torch.Tensor, batch_size: int = 1024) -> list[str]:
    """The language the probe predicts for each row of `features` [n, hidden]."""
    model.eval()
    device = next(model.parameters()).device
    predicted: list[str] = []
    with torch.no_grad():
        for start in range(0, len(features), batch_size):
            output = model(features=features[start : start + batch_size].to(device))
            predicted.extend(model.make_output_human_readable(output)["label"])
    return predicted
