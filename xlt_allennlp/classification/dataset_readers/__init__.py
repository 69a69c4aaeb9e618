from xlt_allennlp.classification.dataset_readers.mldoc import MldocReader
from xlt_allennlp.classification.dataset_readers.xnli import XnliReader

__all__ = ["MldocReader", "XnliReader"]
