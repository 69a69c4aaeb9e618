from xlt_allennlp.models.first_subword_tagger import FirstSubwordTagger

__all__ = ["FirstSubwordTagger"]
