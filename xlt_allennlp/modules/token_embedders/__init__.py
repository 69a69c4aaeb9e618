from xlt_allennlp.modules.token_embedders.first_subword_embedder import (
    PretrainedTransformerFirstSubwordEmbedder,
)

__all__ = ["PretrainedTransformerFirstSubwordEmbedder"]
