"""The subwords an encoder is given for a data file of any task: read by the package's readers,
split by the encoder's tokenizer, counted per subword type."""

import json
import os
import re
from collections import Counter
from typing import Any, Optional

from allennlp.common import Params, Tqdm
from allennlp.data import DatasetReader, Vocabulary
from allennlp.data.fields import TextField
from allennlp.data.tokenizers import PretrainedTransformerTokenizer

from xlt_allennlp.classification.dataset_readers.text_pair import TextPairReader
from xlt_allennlp.common.encoders import require_encoder
from xlt_allennlp.common.errors import ConfigError
from xlt_allennlp.data.errors import DataFormatError, iter_decoded_lines
from xlt_allennlp.data.sentence_file_reader import SentenceFileReader
from xlt_allennlp.data.token_indexers.first_subword_indexer import bare_space_marker_ids

READER_BY_EXTENSION = {".conllu": "ud_pos", ".conll": "conll_ner", ".jsonl": "xnli"}
_NLI_COLUMNS = {"sentence1", "premise"}
_MLDOC_LINE = re.compile(r"^[A-Za-z][\w-]*\t\S")


def infer_reader_type(path: str) -> str:
    """The reader of a data file, from its extension (`.conllu` -> `ud_pos`, `.conll` ->
    `conll_ner`, `.jsonl` -> `xnli`) or, for `.txt`/`.tsv`, its first line (a header with
    `sentence1`/`premise` or a JSON object -> `xnli`; `LABEL<TAB>text` -> `mldoc`)."""
    extension = os.path.splitext(path)[1].lower()
    if extension in READER_BY_EXTENSION:
        return READER_BY_EXTENSION[extension]
    first = next((line for _, line in iter_decoded_lines(path) if line.strip()), "")
    if first.lstrip().startswith("{") or _NLI_COLUMNS & {f.strip() for f in first.split("\t")}:
        return "xnli"
    if extension in (".txt", ".tsv") and _MLDOC_LINE.match(first):
        return "mldoc"
    raise ConfigError(
        f"{path}: cannot tell the data format from the file name or its first line; pass "
        "--dataset-reader (ud_pos, ud_parsing, conll_ner, chinese_ner, mldoc, xnli)"
    )


def reader_params(reader: str | None, path: str) -> Params:
    """`--dataset-reader`: a registered name, a JSON object of reader parameters
    (`{"type": "conll_ner", "encoding": "latin-1"}`), or None to infer it from `path`."""
    if reader and reader.lstrip().startswith("{"):
        try:
            return Params(json.loads(reader))
        except json.JSONDecodeError as error:
            raise ConfigError(f"--dataset-reader is not a valid JSON object: {error}") from None
    return Params({"type": reader or infer_reader_type(path)})


def subword_reader(params: Params, encoder: str) -> DatasetReader:
    """The reader of `params`, reading text only (`ignore_gold`), with the encoder's tokenizer
    (the sentence-pair readers) or its first-subword indexer (the word-level readers)."""
    params = params.duplicate()
    name = params.get("type")
    cls = DatasetReader.by_name(name)
    if issubclass(cls, TextPairReader):
        params["model_name"] = encoder
    elif issubclass(cls, SentenceFileReader):
        indexer = {"type": "pretrained_transformer_first_subword", "model_name": encoder}
        params["token_indexers"] = {"tokens": indexer}
    else:
        raise ConfigError(f"dataset reader {name!r} is not one of the package's text readers")
    params["ignore_gold"] = True
    return DatasetReader.from_params(params)


class SubwordCounter:
    """Counts the subword types an encoder is given for data files.

    The subwords are exactly the model's input ids as the task's reader makes them (word-level
    readers: every word split by the tokenizer; sentence-pair readers: the first two sentences
    or the pair, truncated to the reader's `max_length`), less the special tokens (`[CLS]`,
    `[SEP]`, `<s>`, ...) and the bare SentencePiece/BPE word-start markers (`▁` alone): the
    subwords of the text, as Wu & Dredze counted WordPiece subwords. A piece with a marker
    attached (`▁the`) is its own type, distinct from `the`, as in the vocabulary.
    """

    def __init__(self, encoder: str, dataset_reader: str | None = None) -> None:
        require_encoder(encoder)
        self.encoder = encoder
        self.dataset_reader = dataset_reader
        self.tokenizer = PretrainedTransformerTokenizer(encoder).tokenizer
        skipped = set(self.tokenizer.all_special_ids) | bare_space_marker_ids(self.tokenizer)
        self._skipped = frozenset(skipped)
        self._vocab = Vocabulary()

    def count(
        self, path: str, language: str | None = None, *, progress: Optional[str] = None
    ) -> Counter[int]:
        """Subword id -> count over `path`; with `language`, a reader of multi-language files
        (`xnli`) reads only that language's rows; with `progress`, a progress bar of that
        description counts the instances read."""
        if not os.path.isfile(path):
            raise DataFormatError(path, None, "no such file")
        reader: Any = subword_reader(reader_params(self.dataset_reader, path), self.encoder)
        if language is not None and hasattr(reader, "for_language"):
            reader = reader.for_language(language)
        instances = reader.read(path)
        if progress is not None:
            instances = Tqdm.tqdm(instances, desc=progress, unit=" instances")
        counts: Counter[int] = Counter()
        for instance in instances:
            reader.apply_token_indexers(instance)
            field = instance[getattr(reader, "text_field_name", "tokens")]
            assert isinstance(field, TextField)
            for indexer in field.token_indexers.values():
                ids = indexer.tokens_to_indices(field.tokens, self._vocab)["token_ids"]
                counts.update(i for i in ids if i not in self._skipped)
        if not counts:
            raise DataFormatError(path, None, "no subwords: the file has no text")
        return counts

    def type_name(self, subword_id: int) -> str:
        return self.tokenizer.convert_ids_to_tokens(subword_id)
