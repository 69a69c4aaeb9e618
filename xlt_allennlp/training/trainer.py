"""allennlp's trainer, with a `--recover`ed run continuing exactly as the uninterrupted one."""

import logging
import random
from typing import Any, Optional

import numpy
import torch
from allennlp.training import GradientDescentTrainer, Trainer
from allennlp.training.trainer import TrainerCheckpoint

logger = logging.getLogger(__name__)

RNG_STATE_KEY = "xlt_rng_state"


def rng_state() -> dict[str, Any]:
    """The state of every random number generator training uses, in types that torch's
    `weights_only` checkpoint loading accepts (no NumPy arrays)."""
    kind, keys, position, has_gauss, cached_gaussian = numpy.random.get_state()
    state: dict[str, Any] = {
        "python": random.getstate(),
        "numpy": (kind, keys.tolist(), position, has_gauss, cached_gaussian),
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    random.setstate(state["python"])
    kind, keys, position, has_gauss, cached_gaussian = state["numpy"]
    numpy.random.set_state(
        (kind, numpy.array(keys, dtype=numpy.uint32), position, has_gauss, cached_gaussian)
    )
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        if len(state["cuda"]) == torch.cuda.device_count():
            torch.cuda.set_rng_state_all(state["cuda"])


@Trainer.register("exact_resume_gradient_descent", constructor="from_partial_objects")
class RecoverableGradientDescentTrainer(GradientDescentTrainer):
    """allennlp's `gradient_descent` trainer, whose checkpoints also hold the RNG states.

    Registered as a `Trainer` with name "exact_resume_gradient_descent". It takes the parameters
    of allennlp's `"gradient_descent"` trainer (its registered constructor, `from_partial_objects`,
    listed below). The package's configs use it (`training_configs/lib/recipe.libsonnet`); a config
    of yours gets it with `"trainer": {"type": "exact_resume_gradient_descent", ...}`.

    Why: allennlp 2.10 replays the data loading of the epochs a recovered run skips, so that its
    generators advance as in the uninterrupted run, but the replay runs no forward pass (dropout
    draws nothing) and no validation (whose bucket sampler draws its padding noise), so a run
    resumed with `allennlp train --recover` would shuffle and drop out differently from then on.
    Here the Python, NumPy, torch and CUDA generator states are saved with each checkpoint and
    set again when the first epoch that really trains begins, after the replay: a run killed
    after an epoch and recovered ends with the metrics of the run that was never interrupted
    (tests/training/test_recover.py). Exact on one process; with distributed training the
    primary's states are saved (as allennlp saves the primary's model). A mid-epoch checkpoint
    (`save_every_num_batches`) is resumed as allennlp does, without the states; so are
    checkpoints written by allennlp's own trainer.

    ```jsonnet
    "trainer": {"type": "exact_resume_gradient_descent", "num_epochs": 3, "patience": null,
                "validation_metric": "+accuracy", "cuda_device": 0,
                "optimizer": {"type": "adamw", "lr": 2e-5}}
    ```

    # Parameters

    model : `Model`
        The model to train. Built by `allennlp train`: no entry under "trainer".
    serialization_dir : `str`
        Where checkpoints, metrics and the best weights are written. Given by `allennlp train`.
    data_loader : `DataLoader`
        The training data. Built by `allennlp train` from the config's "data_loader".
    validation_data_loader : `DataLoader`, optional (default = `None`)
        The validation data. Built by `allennlp train`.
    local_rank : `int`, optional (default = `0`)
        This worker's rank in distributed training. Given by `allennlp train`.
    patience : `int`, optional (default = `None`)
        Stop after this many epochs without a better validation score (> 0); `None`: never stop
        early.
    validation_metric : `Union[str, List[str]]`, optional (default = `"-loss"`)
        The metric(s) that choose the best epoch and drive early stopping, each prefixed with `+`
        (higher is better) or `-`; several are summed.
    num_epochs : `int`, optional (default = `20`)
        The number of training epochs.
    cuda_device : `Union[int, torch.device]`, optional (default = `None`)
        The device to train on: -1 for the CPU; `None`: GPU 0 when there is one, else the CPU.
    grad_norm : `Union[float, bool]`, optional (default = `False`)
        A float rescales gradients to at most this norm; `True` computes the norm (for callbacks)
        without rescaling; `False` neither.
    grad_clipping : `float`, optional (default = `None`)
        Clip each gradient value to [-grad_clipping, grad_clipping] during the backward pass.
    distributed : `bool`, optional (default = `False`)
        Train with several processes. Set by `allennlp train` from the top-level "distributed"
        key.
    world_size : `int`, optional (default = `1`)
        The number of distributed workers. Given by `allennlp train`.
    num_gradient_accumulation_steps : `int`, optional (default = `1`)
        Batches whose gradients are accumulated before each optimizer step.
    use_amp : `bool`, optional (default = `False`)
        Train with automatic mixed precision.
    no_grad : `List[str]`, optional (default = `None`)
        Regexes of parameter names that are frozen (`requires_grad = False`) before the optimizer
        is built.
    optimizer : `Lazy[Optimizer]`, optional (default = `adam` with its defaults)
        The optimizer, built with the model's trainable parameters.
    learning_rate_scheduler : `Lazy[LearningRateScheduler]`, optional (default = `None`)
        The learning-rate schedule, built with the optimizer, `num_epochs` and the steps per epoch.
    momentum_scheduler : `Lazy[MomentumScheduler]`, optional (default = `None`)
        The momentum schedule, built with the optimizer.
    moving_average : `Lazy[MovingAverage]`, optional (default = `None`)
        Moving averages of the parameters, used for validation and saved in the checkpoints.
    checkpointer : `Lazy[Checkpointer]`, optional (default = a default `Checkpointer`)
        Writes the checkpoints (built with `serialization_dir`); the generator states are added
        to the training state it saves.
    callbacks : `List[Lazy[TrainerCallback]]`, optional (default = `None`)
        Trainer callbacks (e.g. `stop_when_lr_below`, `layer_weights`, `anchor_distance`), built
        with `serialization_dir`.
    enable_default_callbacks : `bool`, optional (default = `True`)
        Also use allennlp's default callbacks (`ConsoleLoggerCallback`).
    run_confidence_checks : `bool`, optional (default = `True`)
        Run allennlp's model confidence checks (e.g. normalization bias verification).
    grad_scaling : `bool`, optional (default = `True`)
        With `use_amp`: scale the loss with a `GradScaler`.
    ddp_accelerator : `DdpAccelerator`, optional (default = `None`)
        The distributed data-parallel wrapper; `None`: torch's, when `distributed`.
    """

    _saved_rng_state: Optional[dict[str, Any]] = None

    def get_checkpoint_state(self) -> Optional[TrainerCheckpoint]:
        checkpoint = super().get_checkpoint_state()
        if checkpoint is not None and self._batches_in_epoch_completed == 0:
            checkpoint.trainer_state[RNG_STATE_KEY] = rng_state()
        return checkpoint

    def _maybe_restore_checkpoint(self) -> None:
        super()._maybe_restore_checkpoint()
        if self._checkpointer is None or self._start_after_epochs_completed == 0:
            return
        latest = self._checkpointer.find_latest_checkpoint()
        if latest is not None and self._start_after_batches_in_epoch_completed == 0:
            # Only the training state holds the generators' states: the model state (which the
            # restore above has just loaded) is not read a second time.
            training_state = torch.load(latest[1], map_location="cpu")
            self._saved_rng_state = training_state.get(RNG_STATE_KEY)

    def _train_epoch(self, epoch: int) -> dict[str, float]:
        if self._saved_rng_state is not None and epoch == self._start_after_epochs_completed:
            set_rng_state(self._saved_rng_state)
            self._saved_rng_state = None
            logger.info("Random number generators set as they were after epoch %d.", epoch - 1)
        return super()._train_epoch(epoch)
