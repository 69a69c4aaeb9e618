"""Plumbing shared by the word-level tagging readers (`ud_pos`, `conll_ner`)."""

from typing import Any, Optional

from allennlp.data import Instance
from allennlp.data.fields import MetadataField, SequenceLabelField, TextField
from allennlp.data.tokenizers import Token

from xlt_allennlp.data.fields import LocatedSequenceLabelField
from xlt_allennlp.data.sentence_file_reader import SentenceFileReader


class WordTaggingReader(SentenceFileReader):
    """Base of the tagging readers (not registered itself).

    Instances have `tokens` (one token per word), `metadata` (`words` plus whatever the reader
    keeps for writing predictions back) and, for annotated input, `tags`. A subclass that
    knows its tag inventory sets `all_labels` (the model's labels, in this order).
    """

    all_labels: Optional[tuple[str, ...]] = None

    def text_to_instance(  # type: ignore[override]
        self,
        words: list[str],
        tags: Optional[list[str]] = None,
        location: Optional[tuple[str, list[int]]] = None,
        **metadata: Any,
    ) -> Instance:
        """The one way to an instance: `words` (pre-tokenized), optional gold `tags`, and for
        input read from a file its `location` (path, line number of every word), so that a tag
        the model does not know is reported with file and line; `metadata` is kept for the
        predictor (e.g. the CoNLL-U lines to write back)."""
        text_field = TextField([Token(word) for word in words])
        fields: dict[str, Any] = {
            "tokens": text_field,
            "metadata": MetadataField({"words": words, **metadata}),
        }
        if tags is not None and location is None:
            fields["tags"] = SequenceLabelField(tags, text_field)
        elif tags is not None and location is not None:
            fields["tags"] = LocatedSequenceLabelField(
                tags, text_field, *location, all_labels=self.all_labels
            )
        return Instance(fields)
