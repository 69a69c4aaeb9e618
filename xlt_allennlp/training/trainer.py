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
    """Registered as `"exact_resume_gradient_descent"`: allennlp's `"gradient_descent"` trainer
    (same parameters), whose checkpoints also hold the random number generators' states. The
    package's configs use it (`training_configs/lib/recipe.libsonnet`); a config of yours gets it
    with `"trainer": {"type": "exact_resume_gradient_descent", ...}`.

    Why: allennlp 2.10 replays the data loading of the epochs a recovered run skips, so that its
    generators advance as in the uninterrupted run, but the replay runs no forward pass (dropout
    draws nothing) and no validation (whose bucket sampler draws its padding noise), so a run
    resumed with `allennlp train --recover` shuffled and dropped out differently from then on.
    Here the Python, NumPy, torch and CUDA generator states are saved with each checkpoint and
    set again when the first epoch that really trains begins, after the replay: a run killed
    after an epoch and recovered ends with the metrics of the run that was never interrupted
    (tests/training/test_recover.py). Exact on one process; with distributed training the
    primary's states are saved (as allennlp saves the primary's model). A mid-epoch checkpoint
    (`save_every_num_batches`) is resumed as allennlp does, without the states; so are
    checkpoints written by allennlp's own trainer.
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
