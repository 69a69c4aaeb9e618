"""Plumbing shared by the word-level tagging readers (`ud_pos`, `conll_ner`)."""

from typing import Any, Optional

from allennlp.data import DatasetReader, Instance
from allennlp.data.fields import MetadataField, SequenceLabelField, TextField
from allennlp.data.token_indexers import SingleIdTokenIndexer, TokenIndexer
from allennlp.data.tokenizers import Token

from xlt_allennlp.data.fields import LocatedSequenceLabelField


class WordTaggingReader(DatasetReader):
    """Base of the tagging readers (not registered itself).

    Instances have `tokens` (one token per word), `metadata` (`words` plus whatever the reader
    keeps for writing predictions back) and, for annotated input, `tags`. Readers shard their
    own input across data-loader workers and distributed processes, and token indexers are
    applied in `apply_token_indexers`, so `num_workers > 0` works.
    """

    def __init__(
        self,
        token_indexers: Optional[dict[str, TokenIndexer]] = None,
        encoding: str = "utf-8",
        **kwargs: Any,
    ) -> None:
        kwargs["manual_distributed_sharding"] = True
        kwargs["manual_multiprocess_sharding"] = True
        super().__init__(**kwargs)
        self._token_indexers = token_indexers or {"tokens": SingleIdTokenIndexer()}
        self._encoding = encoding

    def text_to_instance(  # type: ignore[override]
        self, words: list[str], tags: Optional[list[str]] = None, **metadata: Any
    ) -> Instance:
        text_field = TextField([Token(word) for word in words])
        fields: dict[str, Any] = {
            "tokens": text_field,
            "metadata": MetadataField({"words": words, **metadata}),
        }
        if tags is not None:
            fields["tags"] = SequenceLabelField(tags, text_field)
        return Instance(fields)

    def file_instance(
        self,
        words: list[str],
        tags: Optional[list[str]],
        path: str,
        line_numbers: list[int],
        **metadata: Any,
    ) -> Instance:
        """An instance read from a file: its tags know their lines, for clear errors."""
        instance = self.text_to_instance(words, **metadata)
        if tags is not None:
            text_field = instance["tokens"]
            instance.add_field(
                "tags",
                LocatedSequenceLabelField(tags, text_field, path, line_numbers),  # type: ignore[arg-type]
            )
        return instance

    def apply_token_indexers(self, instance: Instance) -> None:
        instance["tokens"].token_indexers = self._token_indexers  # type: ignore[attr-defined]
