from xlt_allennlp.parsing.models.transformer_biaffine_parser import TransformerBiaffineParser

__all__ = ["TransformerBiaffineParser"]
