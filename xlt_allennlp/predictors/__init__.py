from xlt_allennlp.predictors.first_subword_tagger import FirstSubwordTaggerPredictor

__all__ = ["FirstSubwordTaggerPredictor"]
