"""UD part-of-speech tagging from CoNLL-U files (Wu & Dredze 2019, section 4.4)."""

from collections.abc import Iterable
from typing import Any, Optional

from allennlp.common.file_utils import cached_path
from allennlp.data import DatasetReader, Instance
from allennlp.data.fields import MetadataField, SequenceLabelField, TextField
from allennlp.data.token_indexers import SingleIdTokenIndexer, TokenIndexer
from allennlp.data.tokenizers import Token

from xlt_allennlp.data.conllu import UPOS_TAGS, ConlluSentence, read_conllu
from xlt_allennlp.data.errors import DataFormatError
from xlt_allennlp.data.fields import LocatedSequenceLabelField


@DatasetReader.register("ud_pos")
class UdPosReader(DatasetReader):
    """Reads CoNLL-U files into word sequences with UPOS (or XPOS) tags.

    Registered as `"ud_pos"`. Multiword-token lines (``1-2``) and empty nodes (``1.1``) are not
    words and are skipped. Each instance has fields `tokens`, `tags` (when the file has them) and
    `metadata` (`words`, plus the sentence's raw `conllu` lines so a predictor can write the file
    back). Lazy and streaming; `apply_token_indexers` is implemented, so `num_workers > 0` works,
    and sharding across workers/processes is handled here.

    Malformed input raises `DataFormatError` naming the file and line (wrong column count, bad
    IDs, undecodable bytes, empty file, a UPOS outside the 17 UD tags when `tag_column` is
    "upos" and `validate_tags` is true, and, at evaluation, a tag the model never saw).

    ```jsonnet
    "dataset_reader": {"type": "ud_pos", "tag_column": "upos",
                       "token_indexers": {"tokens": {"type": "pretrained_transformer_first_subword",
                                                     "model_name": "bert-base-multilingual-cased"}}}
    ```
    """

    def __init__(
        self,
        token_indexers: Optional[dict[str, TokenIndexer]] = None,
        tag_column: str = "upos",
        validate_tags: bool = True,
        encoding: str = "utf-8",
        **kwargs: Any,
    ) -> None:
        # This reader shards its own input across workers and distributed processes.
        kwargs["manual_distributed_sharding"] = True
        kwargs["manual_multiprocess_sharding"] = True
        super().__init__(**kwargs)
        if tag_column not in ("upos", "xpos"):
            raise ValueError(f"tag_column must be 'upos' or 'xpos', not {tag_column!r}")
        self._token_indexers = token_indexers or {"tokens": SingleIdTokenIndexer()}
        self._tag_column = tag_column
        self._validate_tags = validate_tags and tag_column == "upos"
        self._encoding = encoding

    def _read(self, file_path: str) -> Iterable[Instance]:
        path = cached_path(file_path)
        for sentence in self.shard_iterable(read_conllu(path, self._encoding)):
            yield self.sentence_to_instance(sentence)

    def sentence_to_instance(self, sentence: ConlluSentence) -> Instance:
        tags = [getattr(word, self._tag_column) for word in sentence.words]
        if all(tag == "_" for tag in tags):
            tags_or_none = None  # an unannotated file: predict only
        else:
            for word, tag in zip(sentence.words, tags, strict=True):
                if tag == "_" or (self._validate_tags and tag not in UPOS_TAGS):
                    raise DataFormatError(
                        sentence.path,
                        word.line_number,
                        f"{self._tag_column.upper()} is {tag!r}; expected one of the UD tags "
                        f"{' '.join(sorted(UPOS_TAGS))}",
                    )
            tags_or_none = tags
        instance = self.text_to_instance(
            [word.form for word in sentence.words], tags_or_none, conllu_lines=sentence.lines
        )
        if tags_or_none is not None:
            instance.add_field(
                "tags",
                LocatedSequenceLabelField(
                    tags_or_none,
                    instance["tokens"],  # type: ignore[arg-type]
                    sentence.path,
                    [word.line_number for word in sentence.words],
                ),
            )
        return instance

    def text_to_instance(  # type: ignore[override]
        self,
        words: list[str],
        tags: list[str] | None = None,
        conllu_lines: list[str] | None = None,
    ) -> Instance:
        text_field = TextField([Token(word) for word in words])
        metadata: dict[str, Any] = {"words": words}
        if conllu_lines is not None:
            metadata["conllu"] = conllu_lines
            metadata["tag_column"] = self._tag_column
        fields: dict[str, Any] = {"tokens": text_field, "metadata": MetadataField(metadata)}
        if tags is not None:
            fields["tags"] = SequenceLabelField(tags, text_field)
        return Instance(fields)

    def apply_token_indexers(self, instance: Instance) -> None:
        instance["tokens"].token_indexers = self._token_indexers  # type: ignore[attr-defined]
