from xlt_allennlp.models.first_subword_tagger import FirstSubwordTagger
from xlt_allennlp.models.transformer_biaffine_parser import TransformerBiaffineParser
from xlt_allennlp.models.transformer_classifier import TransformerClassifier

__all__ = ["FirstSubwordTagger", "TransformerBiaffineParser", "TransformerClassifier"]
