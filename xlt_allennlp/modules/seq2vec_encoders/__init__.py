from xlt_allennlp.modules.seq2vec_encoders.poolers import FirstTokenPooler, MaxPooler

__all__ = ["FirstTokenPooler", "MaxPooler"]
