from xlt_allennlp.dataset_readers.conll_ner import ChineseNerReader, ConllNerReader
from xlt_allennlp.dataset_readers.ud_parsing import UdParsingReader
from xlt_allennlp.dataset_readers.ud_pos import UdPosReader

__all__ = ["ChineseNerReader", "ConllNerReader", "UdParsingReader", "UdPosReader"]
