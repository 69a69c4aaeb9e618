from xlt_allennlp.predictors.first_subword_tagger import FirstSubwordTaggerPredictor
from xlt_allennlp.predictors.transformer_biaffine_parser import (
    TransformerBiaffineParserPredictor,
)

__all__ = ["FirstSubwordTaggerPredictor", "TransformerBiaffineParserPredictor"]
