"""How far each encoder layer has moved from its pretrained weights: ||θ − θ₀|| per layer."""

import math
from typing import Any

import torch
from allennlp.training.callbacks import TrainerCallback

from xlt_allennlp.modules.pretrained_weights import (
    aligned_to,
    offset_from_pretrained,
    pretrained_slot,
    pretrained_value,
)
from xlt_allennlp.training.epoch_records import EpochRecordCallback

ANCHOR_DISTANCE_FILE = "anchor_distance.json"


@torch.no_grad()
def anchor_distances(model: torch.nn.Module) -> dict[str, list[float]]:
    """||θ − θ₀|| (L2 over all of a layer's parameters) per layer of every pretrained encoder in
    `model`, by the encoder's module name: index 0 = the embedding layer, i = block i.

    θ₀ are the pretrained weights, looked up from the encoder's name or path as for the
    `pretrained_anchor` regularizer; parameters outside the embeddings and blocks are left out.
    """
    squares: dict[str, list[float]] = {}
    for name, parameter in model.named_parameters():
        slot = pretrained_slot(parameter)
        if slot is None or slot.layer is None:
            continue
        encoder = name[: -len(slot.name)].rstrip(".")
        pretrained = aligned_to(parameter, pretrained_value(slot)).to(parameter)
        offset = offset_from_pretrained(parameter, pretrained)
        layers = squares.setdefault(encoder, [0.0] * (slot.num_blocks + 1))
        layers[slot.layer] += float(offset.pow(2).sum(dtype=torch.float64))
    return {encoder: [math.sqrt(s) for s in layers] for encoder, layers in squares.items()}


@TrainerCallback.register("anchor_distance")
class AnchorDistanceCallback(EpochRecordCallback):
    """Logs ||θ − θ₀|| per encoder layer after every epoch and writes `anchor_distance.json`.

    Registered as a `TrainerCallback` with name "anchor_distance". The task configs add it with
    `freeze_mode=soft`. One log line per epoch and encoder gives the distance of every layer (the
    embeddings first) from its pretrained weights (see `anchor_distances`): the anchored bottom
    layers should stay close while the others move. `anchor_distance.json` in the serialization
    directory holds, per encoder, the distances of the saved (best-epoch) model, written when
    training ends, and their history (`per_epoch`); it is also rewritten after every epoch. The
    history is kept in the checkpoints, so a run resumed with `--recover` keeps it.

    ```jsonnet
    "callbacks": [{"type": "anchor_distance"}]
    ```

    # Parameters

    serialization_dir : `str`
        The run's serialization directory. Given by the trainer: no entry in a config.
    """

    file_name = ANCHOR_DISTANCE_FILE

    def measure(self, model: torch.nn.Module) -> dict[str, dict[str, Any]]:
        distances = anchor_distances(model)
        return {encoder: {"distances": layers} for encoder, layers in distances.items()}

    def describe(self, name: str, epoch: int, record: dict[str, Any]) -> str:
        distances = " ".join(f"{d:.4g}" for d in record["distances"])
        return (
            f"Distance from the pretrained weights of {name} after epoch {epoch} "
            f"(embeddings first): {distances}"
        )
