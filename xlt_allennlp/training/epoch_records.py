"""A trainer callback that records something measured on the model after every epoch."""

import json
import logging
import os
from typing import TYPE_CHECKING, Any, Optional

import torch
from allennlp.training.callbacks import TrainerCallback

if TYPE_CHECKING:
    from allennlp.training.gradient_descent_trainer import GradientDescentTrainer

logger = logging.getLogger(__name__)


class EpochRecordCallback(TrainerCallback):
    """Base of the callbacks that measure the model after every epoch and keep a JSON record.

    A subclass names its `file_name` and implements `measure(model) -> {name: record}` (one
    record, a dict of JSON values, per measured module) and `describe(name, epoch, record)` (its
    log line). After every epoch each record is logged and appended to the history, and
    `file_name` in the serialization directory is rewritten as `{name: {**record, "per_epoch":
    [{"epoch": e, **record_e}, ...]}}`, the top-level record being the latest; when training
    ends it is the saved (best-epoch) model's, which the trainer has loaded back by then. The
    history is part of the trainer's checkpoints, so a run resumed with `--recover` keeps it.
    """

    file_name: str = ""

    def __init__(self, serialization_dir: str) -> None:
        super().__init__(serialization_dir)
        self.history: list[dict[str, Any]] = []

    def measure(self, model: torch.nn.Module) -> dict[str, dict[str, Any]]:
        raise NotImplementedError

    def describe(self, name: str, epoch: int, record: dict[str, Any]) -> str:
        raise NotImplementedError

    def on_epoch(
        self,
        trainer: "GradientDescentTrainer",
        metrics: dict[str, Any],
        epoch: int,
        is_primary: bool = True,
        **kwargs: Any,
    ) -> None:
        records = self.measure(trainer.model)
        for name, record in records.items():
            logger.info("%s", self.describe(name, epoch, record))
        self.history.append({"epoch": epoch, "records": records})
        if is_primary:
            self._write(records)

    def on_end(
        self,
        trainer: "GradientDescentTrainer",
        metrics: Optional[dict[str, Any]] = None,
        epoch: Optional[int] = None,
        is_primary: bool = True,
        **kwargs: Any,
    ) -> None:
        if is_primary and metrics is not None:  # a successful run: the best epoch's weights
            self._write(self.measure(trainer.model))

    def _write(self, records: dict[str, dict[str, Any]]) -> None:
        if not self.serialization_dir:
            return
        content = {
            name: {
                **record,
                "per_epoch": [
                    {"epoch": item["epoch"], **item["records"][name]}
                    for item in self.history
                    if name in item["records"]
                ],
            }
            for name, record in records.items()
        }
        with open(os.path.join(self.serialization_dir, self.file_name), "w") as file:
            json.dump(content, file, indent=2)

    def state_dict(self) -> dict[str, Any]:
        return {"history": self.history}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.history = list(state_dict.get("history", []))
