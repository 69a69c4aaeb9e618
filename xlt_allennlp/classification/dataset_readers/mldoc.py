"""MLDoc document classification (Schwenk & Li 2018; paper section 4.1)."""

import ast
import re
from collections.abc import Iterable, Iterator
from typing import Any, Optional

from allennlp.data import DatasetReader, Instance

from xlt_allennlp.classification.dataset_readers.text_pair import TextPairReader
from xlt_allennlp.data.data_files import read_each
from xlt_allennlp.data.errors import DataFormatError, iter_decoded_lines
from xlt_allennlp.data.labels import MLDOC_LABELS
from xlt_allennlp.data.sentence_splitter import split_sentences

# MLDoc's generation script writes `doc.encode('utf-8')` with Python 3, i.e. `b'...'` literals.
_BYTES_LITERAL = re.compile(r"""^b(['"]).*\1$""", re.DOTALL)


@DatasetReader.register("mldoc")
class MldocReader(TextPairReader):
    """Reads MLDoc files: one document per line, `LABEL<TAB>text`.

    Registered as a `DatasetReader` with name "mldoc". The document is split into sentences
    offline (`xlt_allennlp.data.sentence_splitter`, rules for Latin, Cyrillic, CJK, Japanese,
    Devanagari and Arabic punctuation) and its first two sentences are fed to the encoder as a
    sentence pair (`[CLS] s1 [SEP] s2 [SEP]`; only the first when there is one), truncated
    "longest first" to `max_length` subwords, special tokens included (paper section 4.1). Text
    written as a Python bytes literal (`b'...'`, as MLDoc's generation script does under Python 3)
    is decoded.

    Errors name file and line: a line without a tab, an unknown label, an empty document (unless
    `skip_empty`), undecodable bytes, an empty file. For prediction (`ignore_gold`) a line may
    also be the text alone, or `<TAB>text`.

    ```jsonnet
    "dataset_reader": {"type": "mldoc", "model_name": "bert-base-multilingual-cased",
                       "max_length": 128}
    ```

    # Parameters

    model_name : `str`
        The Hugging Face encoder (name or local path) whose tokenizer splits the text.
    max_length : `int`, optional (default = `128`)
        Subwords per input, the encoder's special tokens included; the texts are truncated
        "longest first" to what the special tokens leave. Must leave room for text beside the
        special tokens of a pair.
    labels : `List[str]`, optional (default = `None`)
        The allowed labels, which are also the model's label order (no repeats). `None`: CCAT,
        ECAT, GCAT, MCAT.
    skip_empty : `bool`, optional (default = `False`)
        Skip documents with no text instead of raising an error; the skipped documents of each
        file are counted in the log, and a file of only such documents is an error.
    token_indexers : `Dict[str, TokenIndexer]`, optional (default = `None`)
        How the subwords are indexed. `None`: allennlp's `pretrained_transformer` indexer for
        `model_name` under the key `tokens`.
    tokenizer_kwargs : `Dict[str, Any]`, optional (default = `None`)
        Extra arguments for the Hugging Face tokenizer (`AutoTokenizer.from_pretrained`), used by
        the tokenizer and the default indexer.
    encoding : `str`, optional (default = `"utf-8"`)
        The files' encoding.
    ignore_gold : `bool`, optional (default = `False`)
        Prediction: labels are neither needed nor checked, and rows without one are read. The
        package's predictors set it on their copy of the reader.
    """

    default_labels = MLDOC_LABELS
    json_keys = ("text",)

    def _read(self, file_path: str) -> Iterable[Instance]:
        documents = read_each(
            file_path, lambda path: ((path, *document) for document in self._documents(path))
        )
        for path, line_number, label, sentences in self.shard_iterable(documents):
            # For prediction the label is not checked and not a field, only echoed.
            gold = None if self.ignore_gold else label
            yield self._sentences_instance(sentences, gold, path, line_number, gold_label=label)

    def _documents(self, path: str) -> Iterator[tuple[int, Optional[str], list[str]]]:
        read = empty = 0
        for line_number, line in iter_decoded_lines(path, self._encoding):
            if not line.strip():
                continue
            label, tab, text = line.partition("\t")
            if self.ignore_gold:  # prediction: `LABEL<TAB>text`, `<TAB>text` or just `text`
                label, text = (label.strip() or None, text) if tab else (None, label)
            elif not tab:
                raise DataFormatError(
                    path, line_number, "expected `LABEL<TAB>document text`, found no tab"
                )
            else:
                label = self.check_label(label.strip(), path, line_number)
            sentences = split_sentences(self._decode(text.strip(), path, line_number))
            if not sentences and self.empty_text(path, line_number, "the document text"):
                empty += 1
                continue
            read += 1
            yield line_number, label, sentences
        self.check_left(path, read, empty, "documents")
        if read == 0:
            raise DataFormatError(path, None, "no documents (`LABEL<TAB>text` lines) in the file")
        self.log_kept(path, read, "documents", [self.skipped_empty(empty, "text")])

    @staticmethod
    def _decode(text: str, path: str, line_number: int) -> str:
        if not _BYTES_LITERAL.match(text):
            return text
        try:
            return ast.literal_eval(text).decode("utf-8")
        except (ValueError, SyntaxError, UnicodeDecodeError) as error:
            raise DataFormatError(
                path, line_number, f"cannot decode the bytes literal b'...' as UTF-8: {error}"
            ) from None

    def text_to_instance(  # type: ignore[override]
        self, text: str, label: Optional[str] = None
    ) -> Instance:
        """An instance of a document: its first two sentences as a pair."""
        sentences = split_sentences(text)
        if not sentences:
            raise ValueError("the document text is empty")
        if label is not None:
            label = self.check_label(label, "<input>", None)
        return self._sentences_instance(sentences, label)

    def _sentences_instance(
        self,
        sentences: list[str],
        label: Optional[str] = None,
        path: Optional[str] = None,
        line_number: Optional[int] = None,
        gold_label: Optional[str] = None,
    ) -> Instance:
        """An instance of a split document: its first two sentences as a pair; `label` is the
        training label, `gold_label` (default: `label`) the one echoed in the metadata."""
        first, second = sentences[0], sentences[1] if len(sentences) > 1 else None
        metadata: dict[str, Any] = {"sentences": sentences[:2]}
        if line_number is not None:
            metadata["line"] = line_number
        gold_label = label if gold_label is None else gold_label
        if gold_label is not None:
            metadata["gold_label"] = gold_label
        return self._pair_instance(first, second, label, path, line_number, **metadata)
