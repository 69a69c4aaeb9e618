from xlt_allennlp.training.anchor_distance import AnchorDistanceCallback, anchor_distances
from xlt_allennlp.training.callbacks import LayerWeightsCallback, StopWhenLrBelow, layer_weights
from xlt_allennlp.training.learning_rate_schedulers import (
    LinearWithWarmupRatio,
    ReduceOnValidationPlateau,
)
from xlt_allennlp.training.regularizers import PretrainedAnchor
from xlt_allennlp.training.trainer import RecoverableGradientDescentTrainer

__all__ = [
    "AnchorDistanceCallback",
    "LayerWeightsCallback",
    "LinearWithWarmupRatio",
    "PretrainedAnchor",
    "RecoverableGradientDescentTrainer",
    "ReduceOnValidationPlateau",
    "StopWhenLrBelow",
    "anchor_distances",
    "layer_weights",
]
