"""Learning-rate schedules of the paper's recipes (fine-tuning and feature-based)."""

import logging
from typing import Union

import torch
from allennlp.training.learning_rate_schedulers import (
    LearningRateScheduler,
    PolynomialDecay,
    ReduceOnPlateauLearningRateScheduler,
)
from allennlp.training.learning_rate_schedulers.learning_rate_scheduler import (
    _PyTorchLearningRateSchedulerWithMetricsWrapper,
)

logger = logging.getLogger(__name__)


@LearningRateScheduler.register("linear_with_warmup_ratio")
class LinearWithWarmupRatio(PolynomialDecay):
    """Linear warmup over a FRACTION of all optimizer steps, then linear decay to 0.

    Registered as a `LearningRateScheduler` with name "linear_with_warmup_ratio". allennlp's
    `linear_with_warmup` takes a step count, which has to be recomputed whenever the data size,
    batch size or number of epochs changes; this computes ``warmup_steps = round(warmup_ratio *
    num_epochs * num_steps_per_epoch)`` from what the trainer passes in. The trainer already
    divides the steps per epoch by `num_gradient_accumulation_steps`, and in distributed training
    each worker's data loader (and so its step count) covers its own shard, so the ratio stays
    correct in both cases.

    ```jsonnet
    "learning_rate_scheduler": {"type": "linear_with_warmup_ratio", "warmup_ratio": 0.1}
    ```

    # Parameters

    optimizer : `torch.optim.Optimizer`
        The optimizer whose learning rate is scheduled. Given by the trainer: no entry in a config.
    num_epochs : `int`
        The number of training epochs. Given by the trainer: no entry in a config.
    num_steps_per_epoch : `int`
        Optimizer steps per epoch. Given by the trainer: no entry in a config; a data loader
        without a length (no step count) is a `ConfigurationError`.
    warmup_ratio : `float`, optional (default = `0.1`)
        The share of all optimizer steps over which the learning rate rises linearly from 0 to
        the optimizer's, in [0, 1).
    last_epoch : `int`, optional (default = `-1`)
        The index of the last epoch done, as for allennlp's schedulers: -1 starts from the
        optimizer's learning rates; another value needs `initial_lr` in its parameter groups.
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


@LearningRateScheduler.register("reduce_on_validation_plateau")
class ReduceOnValidationPlateau(_PyTorchLearningRateSchedulerWithMetricsWrapper):
    """Multiplies the learning rate by `factor` whenever the validation metric does not improve.

    Registered as a `LearningRateScheduler` with name "reduce_on_validation_plateau". The defaults
    are the feature-based recipe of Wu & Dredze (2019, section 5.2): halve the learning rate after
    every epoch whose dev score is not a new best. Pair it with the `stop_when_lr_below` callback
    for "stop when the learning rate drops below 1e-5".

    Why not allennlp's `reduce_on_plateau` (see `ReduceOnPlateau` below): its `mode` is easy to get
    wrong: allennlp's trainer steps the scheduler with the trainer's *signed* score (`+accuracy`
    -> accuracy, `-loss` -> minus the loss), which is always higher-is-better, so the mode here is
    always `"max"`, whatever the `validation_metric`. With `threshold: 0` (absolute) "improves"
    means what the trainer's best-model tracking means: strictly better than every earlier epoch.
    `eps` defaults to 0 (torch: 1e-8, which silently stops halving below 2e-8), so the stop rule
    alone decides.

    ```jsonnet
    "learning_rate_scheduler": {"type": "reduce_on_validation_plateau", "factor": 0.5,
                                "patience": 0}
    ```

    # Parameters

    optimizer : `torch.optim.Optimizer`
        The optimizer whose learning rate is scheduled. Given by the trainer: no entry in a config.
    factor : `float`, optional (default = `0.5`)
        The learning rate is multiplied by this at a plateau.
    patience : `int`, optional (default = `0`)
        Epochs without improvement that are tolerated before the rate is reduced (0: reduce after
        the first).
    threshold : `float`, optional (default = `0.0`)
        How much better than the best score a score must be to count as an improvement.
    threshold_mode : `str`, optional (default = `"abs"`)
        `"abs"`: `threshold` is an absolute difference; `"rel"`: a fraction of the best score.
    cooldown : `int`, optional (default = `0`)
        Epochs after a reduction during which no new reduction happens.
    min_lr : `float`, optional (default = `0.0`)
        The learning rate is never reduced below this.
    eps : `float`, optional (default = `0.0`)
        A reduction smaller than this is not applied.
    """

    def __init__(
        self,
        optimizer: torch.optim.Optimizer,
        factor: float = 0.5,
        patience: int = 0,
        threshold: float = 0.0,
        threshold_mode: str = "abs",
        cooldown: int = 0,
        min_lr: float = 0.0,
        eps: float = 0.0,
    ) -> None:
        super().__init__(
            torch.optim.lr_scheduler.ReduceLROnPlateau(
                optimizer,
                mode="max",
                factor=factor,
                patience=patience,
                threshold=threshold,
                threshold_mode=threshold_mode,  # type: ignore[arg-type]
                cooldown=cooldown,
                min_lr=min_lr,
                eps=eps,
            )
        )


@LearningRateScheduler.register("torch2_reduce_on_plateau")
class ReduceOnPlateau(ReduceOnPlateauLearningRateScheduler):
    """allennlp's `reduce_on_plateau` scheduler (same parameters), buildable on torch 2.

    Registered as a `LearningRateScheduler` with name "torch2_reduce_on_plateau". allennlp 2.10
    passes `verbose=` to torch's `ReduceLROnPlateau`, which torch 2.x does not accept, so a config
    with `"type": "reduce_on_plateau"` fails with a TypeError on this stack; replace the type by
    `"torch2_reduce_on_plateau"` (`verbose` is accepted and ignored). The package's own configs use
    `reduce_on_validation_plateau` (above).

    ```jsonnet
    "learning_rate_scheduler": {"type": "torch2_reduce_on_plateau", "mode": "max",
                                "factor": 0.5, "patience": 0}
    ```

    # Parameters

    optimizer : `torch.optim.Optimizer`
        The optimizer whose learning rate is scheduled. Given by the trainer: no entry in a config.
    mode : `str`, optional (default = `"min"`)
        `"min"`: lower scores are better; `"max"`: higher are better. allennlp's trainer steps the
        scheduler with its signed validation score (`-loss` -> minus the loss), which is always
        higher-is-better, so with that trainer `"max"` is the right mode.
    factor : `float`, optional (default = `0.1`)
        The learning rate is multiplied by this at a plateau.
    patience : `int`, optional (default = `10`)
        Epochs without improvement that are tolerated before the rate is reduced.
    verbose : `bool`, optional (default = `False`)
        Accepted and ignored.
    threshold_mode : `str`, optional (default = `"rel"`)
        `"rel"`: `threshold` is a fraction of the best score; `"abs"`: an absolute difference.
    threshold : `float`, optional (default = `1e-4`)
        How much better than the best score a score must be to count as an improvement.
    cooldown : `int`, optional (default = `0`)
        Epochs after a reduction during which no new reduction happens.
    min_lr : `Union[float, List[float]]`, optional (default = `0`)
        The learning rate is never reduced below this (one value, or one per parameter group).
    eps : `float`, optional (default = `1e-8`)
        A reduction smaller than this is not applied.
    """

    def __init__(
        self,
        optimizer: torch.optim.Optimizer,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        verbose: bool = False,
        threshold_mode: str = "rel",
        threshold: float = 1e-4,
        cooldown: int = 0,
        min_lr: Union[float, list[float]] = 0,
        eps: float = 1e-8,
    ) -> None:
        _PyTorchLearningRateSchedulerWithMetricsWrapper.__init__(
            self,
            torch.optim.lr_scheduler.ReduceLROnPlateau(
                optimizer=optimizer,
                mode=mode,  # type: ignore[arg-type]
                factor=factor,
                patience=patience,
                threshold_mode=threshold_mode,  # type: ignore[arg-type]
                threshold=threshold,
                cooldown=cooldown,
                min_lr=min_lr,
                eps=eps,
            ),
        )
