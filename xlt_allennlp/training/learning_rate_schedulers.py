"""Learning-rate schedules of the paper's recipe."""

import logging

import torch
from allennlp.training.learning_rate_schedulers import LearningRateScheduler, PolynomialDecay

logger = logging.getLogger(__name__)


@LearningRateScheduler.register("linear_with_warmup_ratio")
class LinearWithWarmupRatio(PolynomialDecay):
    """Linear warmup over a FRACTION of all optimizer steps, then linear decay to 0.

    Registered as `"linear_with_warmup_ratio"`. allennlp's `linear_with_warmup` takes a step
    count, which has to be recomputed whenever the data size, batch size or number of epochs
    changes; this computes ``warmup_steps = round(warmup_ratio * num_epochs *
    num_steps_per_epoch)`` from what the trainer passes in. The trainer already divides the
    steps per epoch by `num_gradient_accumulation_steps`, and in distributed training each
    worker's data loader (and so its step count) covers its own shard, so the ratio stays
    correct in both cases.

    ```jsonnet
    "learning_rate_scheduler": {"type": "linear_with_warmup_ratio", "warmup_ratio": 0.1}
    ```
    """

    def __init__(
        self,
        optimizer: torch.optim.Optimizer,
        num_epochs: int,
        num_steps_per_epoch: int,
        warmup_ratio: float = 0.1,
        last_epoch: int = -1,
    ) -> None:
        if not 0.0 <= warmup_ratio < 1.0:
            raise ValueError(f"warmup_ratio must be in [0, 1), got {warmup_ratio}")
        total_steps = num_epochs * (num_steps_per_epoch or 0)
        warmup_steps = round(warmup_ratio * total_steps)
        logger.info(
            "linear_with_warmup_ratio: %d optimizer steps, %d of them warmup (ratio %.3f)",
            total_steps,
            warmup_steps,
            warmup_ratio,
        )
        super().__init__(
            optimizer,
            num_epochs,
            num_steps_per_epoch,
            power=1.0,
            warmup_steps=warmup_steps,
            end_learning_rate=0.0,
            last_epoch=last_epoch,
        )
