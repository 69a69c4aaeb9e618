from xlt_allennlp.dataset_readers.conll_ner import ChineseNerReader, ConllNerReader
from xlt_allennlp.dataset_readers.mldoc import MldocReader
from xlt_allennlp.dataset_readers.ud_parsing import UdParsingReader
from xlt_allennlp.dataset_readers.ud_pos import UdPosReader
from xlt_allennlp.dataset_readers.xnli import XnliReader

__all__ = [
    "ChineseNerReader",
    "ConllNerReader",
    "MldocReader",
    "UdParsingReader",
    "UdPosReader",
    "XnliReader",
]
