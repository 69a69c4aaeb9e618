"""UD dependency parsing: reader, biaffine parser on the encoder, tree decoding, predictor.

Importing the package registers `ud_parsing`, `transformer_biaffine_parser` and its predictor.
"""

from xlt_allennlp.parsing import dataset_readers, models, predictors

__all__ = ["dataset_readers", "models", "predictors"]
