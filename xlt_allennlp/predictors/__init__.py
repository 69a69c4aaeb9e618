from xlt_allennlp.predictors.first_subword_tagger import FirstSubwordTaggerPredictor
from xlt_allennlp.predictors.transformer_biaffine_parser import (
    TransformerBiaffineParserPredictor,
)
from xlt_allennlp.predictors.transformer_classifier import TransformerClassifierPredictor

__all__ = [
    "FirstSubwordTaggerPredictor",
    "TransformerBiaffineParserPredictor",
    "TransformerClassifierPredictor",
]
