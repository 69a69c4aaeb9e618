from xlt_allennlp.training.callbacks import LayerWeightsCallback, StopWhenLrBelow, layer_weights
from xlt_allennlp.training.learning_rate_schedulers import (
    LinearWithWarmupRatio,
    ReduceOnValidationPlateau,
)

__all__ = [
    "LayerWeightsCallback",
    "LinearWithWarmupRatio",
    "ReduceOnValidationPlateau",
    "StopWhenLrBelow",
    "layer_weights",
]
