from xlt_allennlp.parsing.dataset_readers.ud_parsing import UdParsingReader

__all__ = ["UdParsingReader"]
