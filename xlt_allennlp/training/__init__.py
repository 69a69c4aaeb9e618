from xlt_allennlp.training.callbacks import LayerWeightsCallback, StopWhenLrBelow, layer_weights
from xlt_allennlp.training.learning_rate_schedulers import (
    LinearWithWarmupRatio,
    ReduceOnValidationPlateau,
)
from xlt_allennlp.training.trainer import RecoverableGradientDescentTrainer

__all__ = [
    "LayerWeightsCallback",
    "LinearWithWarmupRatio",
    "RecoverableGradientDescentTrainer",
    "ReduceOnValidationPlateau",
    "StopWhenLrBelow",
    "layer_weights",
]
