from xlt_allennlp.modules import token_embedders
from xlt_allennlp.modules.sliding_window import Window, sliding_windows

__all__ = ["Window", "sliding_windows", "token_embedders"]
