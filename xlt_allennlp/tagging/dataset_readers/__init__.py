from xlt_allennlp.tagging.dataset_readers.conll_ner import ChineseNerReader, ConllNerReader
from xlt_allennlp.tagging.dataset_readers.ud_pos import UdPosReader

__all__ = ["ChineseNerReader", "ConllNerReader", "UdPosReader"]
