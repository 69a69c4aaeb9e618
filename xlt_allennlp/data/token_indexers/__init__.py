from xlt_allennlp.data.token_indexers.first_subword_indexer import (
    PretrainedTransformerFirstSubwordIndexer,
)

__all__ = ["PretrainedTransformerFirstSubwordIndexer"]
