from xlt_allennlp.parsing.predictors.transformer_biaffine_parser import (
    TransformerBiaffineParserPredictor,
)

__all__ = ["TransformerBiaffineParserPredictor"]
