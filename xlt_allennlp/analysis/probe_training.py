"""Training a linear softmax probe on fixed feature vectors, with the feature-based recipe."""

import copy
from dataclasses import asdict, dataclass

import torch

from xlt_allennlp.training.learning_rate_schedulers import ReduceOnValidationPlateau


@dataclass(frozen=True)
class ProbeRecipe:
    """The feature-based mode's recipe (Wu & Dredze 2019, section 5.2): Adam at `lr`, the lr
    multiplied by `lr_factor` after every epoch without a new best dev accuracy
    (`reduce_on_validation_plateau`), training stopped once it is below `min_lr` or after
    `max_epochs`; the epoch with the best dev accuracy is kept."""

    lr: float = 1e-3
    lr_factor: float = 0.5
    min_lr: float = 1e-5
    max_epochs: int = 100
    batch_size: int = 32
    seed: int = 13

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass
class TrainedProbe:
    classifier: torch.nn.Linear
    dev_accuracy: float
    best_epoch: int
    epochs: int


def accuracy(classifier: torch.nn.Module, features: torch.Tensor, labels: torch.Tensor) -> float:
    """Share of rows whose arg-max class is the label (a label of -1 is always wrong)."""
    if len(labels) == 0:
        return 0.0
    return float((predict(classifier, features) == labels).float().mean())


def predict(classifier: torch.nn.Module, features: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return classifier(features).argmax(dim=-1)


def train_probe(
    train: tuple[torch.Tensor, torch.Tensor],
    dev: tuple[torch.Tensor, torch.Tensor],
    num_labels: int,
    recipe: ProbeRecipe,
) -> TrainedProbe:
    """A linear classifier of `num_labels` classes trained on `train` = (features [n, dim],
    labels [n]) and selected on `dev`; deterministic for a given `recipe.seed`. Runs on one
    thread: the steps are far too small to gain from more, and waiting threads on a busy
    machine made them ~20x slower (measured)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _train_probe(train, dev, num_labels, recipe)
    finally:
        torch.set_num_threads(threads)


def _train_probe(
    train: tuple[torch.Tensor, torch.Tensor],
    dev: tuple[torch.Tensor, torch.Tensor],
    num_labels: int,
    recipe: ProbeRecipe,
) -> TrainedProbe:
    features, labels = train
    generator = torch.Generator().manual_seed(recipe.seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(recipe.seed)
        classifier = torch.nn.Linear(features.size(1), num_labels)
    optimizer = torch.optim.Adam(classifier.parameters(), lr=recipe.lr)
    scheduler = ReduceOnValidationPlateau(optimizer, factor=recipe.lr_factor, patience=0)
    best, best_epoch, best_state, epoch = -1.0, 0, copy.deepcopy(classifier.state_dict()), 0
    for epoch in range(recipe.max_epochs):  # noqa: B007 (the count is returned)
        order = torch.randperm(len(labels), generator=generator)
        for start in range(0, len(order), recipe.batch_size):
            batch = order[start : start + recipe.batch_size]
            loss = torch.nn.functional.cross_entropy(classifier(features[batch]), labels[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        score = accuracy(classifier, *dev)
        if score > best:
            best, best_epoch, best_state = score, epoch, copy.deepcopy(classifier.state_dict())
        scheduler.step(score)
        if max(group["lr"] for group in optimizer.param_groups) < recipe.min_lr:
            break
    classifier.load_state_dict(best_state)
    return TrainedProbe(classifier, best, best_epoch, epoch + 1)
