"""UD part-of-speech tagging from CoNLL-U files (Wu & Dredze 2019, section 4.4)."""

from collections.abc import Iterable
from typing import Any, Optional

from allennlp.data import DatasetReader, Instance
from allennlp.data.token_indexers import TokenIndexer

from xlt_allennlp.data.conllu import ConlluSentence, read_conllu
from xlt_allennlp.data.data_files import read_each
from xlt_allennlp.data.errors import DataFormatError
from xlt_allennlp.data.labels import ACCEPTED_UPOS, UPOS_TAGS, upos_v2
from xlt_allennlp.tagging.dataset_readers.word_tagging import WordTaggingReader


@DatasetReader.register("ud_pos")
class UdPosReader(WordTaggingReader):
    """Reads CoNLL-U files into word sequences with UPOS (or XPOS) tags.

    Registered as a `DatasetReader` with name "ud_pos". Multiword-token lines (``1-2``) and empty
    nodes (``1.1``) are not words and are skipped. Each instance has fields `tokens`, `tags` (when
    the file has them) and `metadata` (`words`, plus the sentence's raw `conllu` lines so a
    predictor can write the file back). Lazy and streaming; `apply_token_indexers` is implemented,
    so `num_workers > 0` works, and sharding across workers/processes is handled here.

    Malformed input raises `DataFormatError` naming the file and line (wrong column count, bad
    IDs, undecodable bytes, empty file, a `_` tag in a tagged sentence, a UPOS outside the 17 UD
    tags when `tag_column` is "upos" and `validate_tags` is true, and, at evaluation, a tag the
    model never saw; with `ignore_gold`, as the predictor sets it, the tag column is not read at
    all). With UPOS validation on, the model's labels are the 17 UD v2 tags
    (`xlt_allennlp.data.labels`), and UD v1's `CONJ` (the paper's UD v1.4 treebanks) reads as its
    v2 name `CCONJ`.

    ```jsonnet
    "dataset_reader": {"type": "ud_pos", "tag_column": "upos",
                       "token_indexers": {"tokens": {"type": "pretrained_transformer_first_subword",
                                                     "model_name": "bert-base-multilingual-cased"}}}
    ```

    # Parameters

    token_indexers : `Dict[str, TokenIndexer]`, optional (default = `None`)
        How the words are indexed (applied in `apply_token_indexers`). `None`: a
        `SingleIdTokenIndexer` under the key `tokens`.
    tag_column : `str`, optional (default = `"upos"`)
        The column of the tags: `"upos"` or `"xpos"`.
    validate_tags : `bool`, optional (default = `True`)
        With `tag_column: "upos"`: accept only the 17 UD tags (and v1's `CONJ`, read as `CCONJ`),
        which are then the model's labels. Ignored for XPOS, which is never validated.
    encoding : `str`, optional (default = `"utf-8"`)
        The files' encoding.
    ignore_gold : `bool`, optional (default = `False`)
        Do not read the tag column (prediction). The package's predictors set it on their copy of
        the reader.
    """

    def __init__(
        self,
        token_indexers: Optional[dict[str, TokenIndexer]] = None,
        tag_column: str = "upos",
        validate_tags: bool = True,
        encoding: str = "utf-8",
        **kwargs: Any,
    ) -> None:
        super().__init__(token_indexers, encoding, **kwargs)
        if tag_column not in ("upos", "xpos"):
            raise ValueError(f"tag_column must be 'upos' or 'xpos', not {tag_column!r}")
        self._tag_column = tag_column
        self._validate_tags = validate_tags and tag_column == "upos"
        if self._validate_tags:
            self.all_labels = UPOS_TAGS

    def _read(self, file_path: str) -> Iterable[Instance]:
        sentences = read_each(file_path, lambda path: read_conllu(path, self._encoding))
        for sentence in self.shard_iterable(sentences):
            yield self._sentence_instance(sentence)

    def _sentence_instance(self, sentence: ConlluSentence) -> Instance:
        tags = [getattr(word, self._tag_column) for word in sentence.words]
        # Unannotated (or `ignore_gold`, for prediction): an instance without tags.
        annotated = not self.ignore_gold and any(tag != "_" for tag in tags)
        if annotated:
            for word, tag in zip(sentence.words, tags, strict=True):
                if tag == "_" or (self._validate_tags and tag not in ACCEPTED_UPOS):
                    raise DataFormatError(
                        sentence.path,
                        word.line_number,
                        f"{self._tag_column.upper()} is {tag!r}; expected one of the UD tags "
                        f"{' '.join(sorted(UPOS_TAGS))}",
                    )
            if self._validate_tags:
                tags = [upos_v2(tag) for tag in tags]
        return self.text_to_instance(
            [word.form for word in sentence.words],
            tags if annotated else None,
            (sentence.path, [word.line_number for word in sentence.words]),
            conllu=sentence.lines,
            tag_column=self._tag_column,
        )
