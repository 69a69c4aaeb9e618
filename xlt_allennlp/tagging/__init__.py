"""Word tagging (UD POS, NER): readers, the first-subword tagger, its predictor, BIO spans.

Importing the package registers `ud_pos`, `conll_ner`, `chinese_ner`, `first_subword_tagger`
and the `first_subword_tagger` predictor.
"""

from xlt_allennlp.tagging import dataset_readers, models, predictors

__all__ = ["dataset_readers", "models", "predictors"]
