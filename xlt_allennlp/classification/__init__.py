"""Sentence (pair) classification (MLDoc, XNLI): readers, the classifier, its predictor.

Importing the package registers `mldoc`, `xnli`, `transformer_classifier` and its predictor.
"""

from xlt_allennlp.classification import dataset_readers, models, predictors

__all__ = ["dataset_readers", "models", "predictors"]
