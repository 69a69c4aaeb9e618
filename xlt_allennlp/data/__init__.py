from xlt_allennlp.data import token_indexers
from xlt_allennlp.data.conllu import ConlluSentence, ConlluWord, read_conllu
from xlt_allennlp.data.errors import DataFormatError

__all__ = ["ConlluSentence", "ConlluWord", "DataFormatError", "read_conllu", "token_indexers"]
