from xlt_allennlp.tagging.models.first_subword_tagger import FirstSubwordTagger

__all__ = ["FirstSubwordTagger"]
