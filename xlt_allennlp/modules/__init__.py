from xlt_allennlp.modules import seq2seq_encoders, seq2vec_encoders, token_embedders
from xlt_allennlp.modules.sliding_window import Window, sliding_windows

__all__ = [
    "Window",
    "seq2seq_encoders",
    "seq2vec_encoders",
    "sliding_windows",
    "token_embedders",
]
