from xlt_allennlp.modules.token_embedders.first_subword_embedder import (
    PretrainedTransformerFirstSubwordEmbedder,
)
from xlt_allennlp.modules.token_embedders.sequence_embedder import (
    PretrainedTransformerSequenceEmbedder,
)

__all__ = ["PretrainedTransformerFirstSubwordEmbedder", "PretrainedTransformerSequenceEmbedder"]
