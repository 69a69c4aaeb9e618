"""Trainer callbacks of the feature-based recipe: the learning-rate stop rule, layer weights."""

import logging
from typing import TYPE_CHECKING, Any

import torch
from allennlp.modules.scalar_mix import ScalarMix
from allennlp.training.callbacks import TrainerCallback

from xlt_allennlp.modules.transformer_backbone import TransformerBackbone
from xlt_allennlp.training.epoch_records import EpochRecordCallback

if TYPE_CHECKING:
    from allennlp.training.gradient_descent_trainer import GradientDescentTrainer

logger = logging.getLogger(__name__)

LAYER_WEIGHTS_FILE = "layer_weights.json"


@TrainerCallback.register("stop_when_lr_below")
class StopWhenLrBelow(TrainerCallback):
    """Ends training after the epoch at which the learning rate falls below `min_lr`.

    Registered as a `TrainerCallback` with name "stop_when_lr_below". With
    `reduce_on_validation_plateau` this is the feature-based recipe of Wu & Dredze (2019, section
    5.2): halve the learning rate whenever dev does not improve, stop when it drops below 1e-5.
    The trainer steps the scheduler right before calling `on_epoch`, so the rate checked is the
    one the next epoch would use (the largest over the optimizer's parameter groups).

    allennlp 2.10's trainer has no public "stop" call; a callback that raised would lose the
    run. This one uses the trainer's own early-stopping path instead: it sets the metric
    tracker's patience to 0, so the trainer finishes the epoch as usual (checkpoint, best
    weights), leaves its epoch loop and writes `metrics.json` and `model.tar.gz` exactly as
    when `patience` runs out. All distributed workers see the same learning rate (the dev
    metric is reduced across workers), so they stop together.

    ```jsonnet
    "callbacks": [{"type": "stop_when_lr_below", "min_lr": 1e-5}]
    ```

    # Parameters

    serialization_dir : `str`
        The run's serialization directory. Given by the trainer: no entry in a config.
    min_lr : `float`, optional (default = `1e-5`)
        Training stops after an epoch that leaves every parameter group's learning rate below
        this.
    """

    def __init__(self, serialization_dir: str, min_lr: float = 1e-5) -> None:
        super().__init__(serialization_dir)
        self.min_lr = min_lr

    def on_epoch(
        self,
        trainer: "GradientDescentTrainer",
        metrics: dict[str, Any],
        epoch: int,
        is_primary: bool = True,
        **kwargs: Any,
    ) -> None:
        lr = max(group["lr"] for group in trainer.optimizer.param_groups)
        if lr < self.min_lr:
            logger.info(
                "Learning rate %.3g is below %.3g after epoch %d: stopping training",
                lr,
                self.min_lr,
                epoch,
            )
            trainer._metric_tracker._patience = 0  # should_stop_early() is now true
        else:
            logger.info("Learning rate for epoch %d: %.3g", epoch + 1, lr)


def layer_weights(model: torch.nn.Module) -> dict[str, dict[str, Any]]:
    """The learned layer weights of every `ScalarMix` in `model`, by module name.

    `layer_weights` are the softmax-normalized mixing weights (they sum to 1) and `scale` is the
    learned gamma. For the mix of an encoder backbone, `layers` names the hidden state each
    weight belongs to (0 = the embedding layer, i = the output of block i): all of them in the
    feature-based mode, the last K with `layers: "mix:K"`. Works on a loaded archive too:
    `layer_weights(load_archive("runs/x/model.tar.gz").model)`.
    """
    mixed_states = {}  # id of a backbone's mix -> the hidden states it mixes
    for module in model.modules():
        if isinstance(module, TransformerBackbone) and module.scalar_mix is not None:
            count = module.scalar_mix.mixture_size
            last = module.config.num_hidden_layers
            mixed_states[id(module.scalar_mix)] = list(range(last + 1 - count, last + 1))
    mixes = {}
    for name, module in model.named_modules():
        if isinstance(module, ScalarMix):
            scalars = torch.cat([p.detach().float().reshape(1) for p in module.scalar_parameters])
            mixes[name] = {
                "layer_weights": torch.softmax(scalars, dim=0).tolist(),
                "scale": module.gamma.detach().float().item(),
            }
            if id(module) in mixed_states:
                mixes[name]["layers"] = mixed_states[id(module)]
    return mixes


@TrainerCallback.register("layer_weights")
class LayerWeightsCallback(EpochRecordCallback):
    """Logs the learned layer weights after every epoch and writes them to `layer_weights.json`.

    Registered as a `TrainerCallback` with name "layer_weights". For every `ScalarMix` of the
    model (the feature-based mode's mix of all hidden states, see
    `pretrained_transformer_first_subword` with `last_layer_only: false`), one log line per epoch
    gives the softmax-normalized weights (with the hidden states they belong to) and the scale.
    `layer_weights.json` in the serialization directory holds, per mix, the weights of the saved
    model (the best epoch's, written when training ends) and the history (`per_epoch`); it is
    also rewritten after every epoch. The raw parameters are in `model.tar.gz` like any other
    weight (see `layer_weights()`).

    ```jsonnet
    "callbacks": [{"type": "layer_weights"}]
    ```

    # Parameters

    serialization_dir : `str`
        The run's serialization directory. Given by the trainer: no entry in a config.
    """

    file_name = LAYER_WEIGHTS_FILE

    def measure(self, model: torch.nn.Module) -> dict[str, dict[str, Any]]:
        return layer_weights(model)

    def describe(self, name: str, epoch: int, record: dict[str, Any]) -> str:
        layers = record.get("layers") or range(len(record["layer_weights"]))
        weights = " ".join(
            f"{layer}:{weight:.4f}"
            for layer, weight in zip(layers, record["layer_weights"], strict=True)
        )
        return (
            f"Layer weights of {name} after epoch {epoch} (hidden state: weight, 0 = the "
            f"embeddings): {weights}; scale {record['scale']:.4f}"
        )
