from xlt_allennlp.tagging.predictors.first_subword_tagger import FirstSubwordTaggerPredictor

__all__ = ["FirstSubwordTaggerPredictor"]
