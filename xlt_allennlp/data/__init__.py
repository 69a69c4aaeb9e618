from xlt_allennlp.data import token_indexers
from xlt_allennlp.data.bucket_batch_sampler import SubwordBucketBatchSampler
from xlt_allennlp.data.conllu import ConlluSentence, ConlluWord, read_conllu
from xlt_allennlp.data.errors import DataFormatError

__all__ = [
    "ConlluSentence",
    "ConlluWord",
    "DataFormatError",
    "SubwordBucketBatchSampler",
    "read_conllu",
    "token_indexers",
]
