from xlt_allennlp.classification.predictors.transformer_classifier import (
    TransformerClassifierPredictor,
)

__all__ = ["TransformerClassifierPredictor"]
