"""UD dependency parsing from CoNLL-U files (Wu & Dredze 2019, section 4.5)."""

import logging
from collections.abc import Iterable, Iterator
from typing import Any, Optional

from allennlp.data import DatasetReader, Instance
from allennlp.data.fields import MetadataField, SequenceLabelField, TextField
from allennlp.data.token_indexers import TokenIndexer
from allennlp.data.tokenizers import Token

from xlt_allennlp.data.conllu import ConlluSentence, read_conllu
from xlt_allennlp.data.data_files import read_each
from xlt_allennlp.data.errors import DataFormatError, NothingLeftError
from xlt_allennlp.data.fields import LocatedSequenceLabelField
from xlt_allennlp.data.input_filters import Skipped, log_kept
from xlt_allennlp.data.labels import ACCEPTED_UPOS, UD_RELATIONS, UPOS_TAGS, upos_v2
from xlt_allennlp.data.sentence_file_reader import SentenceFileReader

logger = logging.getLogger(__name__)


@DatasetReader.register("ud_parsing")
class UdParsingReader(SentenceFileReader):
    """Reads CoNLL-U files into words, gold UPOS, heads and (coarse) relations.

    Registered as a `DatasetReader` with name "ud_parsing". Instances have the fields
    allennlp-models' `biaffine_parser` expects: `words`, `pos_tags` (namespace `pos`), `head_tags`
    (namespace `head_tags`), `head_indices` and `metadata` (`words`, `pos`, and the sentence's raw
    `conllu` lines so a predictor can write the file back). Multiword-token lines (``1-2``), empty
    nodes (``1.1``) and comments are not words.

    Sentences longer than `max_words` are skipped, and how many were kept and skipped is logged for
    every file (a warning when any was skipped; in a sharded run, by the first shard only); a file
    with no sentence left is a `NothingLeftError` naming the option. Predictors always keep every
    sentence.

    Files without heads (HEAD ``_`` everywhere) give instances for prediction only; with
    `ignore_gold` (set by the predictor) HEAD, DEPREL and the UPOS check are not read at all, so a
    file with another tag set or a partial tree is predicted. Malformed input raises
    `DataFormatError` naming the file and line (wrong column count, non-integer or out-of-range
    HEAD, a missing HEAD/DEPREL in an annotated sentence, an unknown UPOS or relation, undecodable
    bytes, an empty file). Lazy and streaming; implements `apply_token_indexers`, and shards across
    data-loader workers and distributed processes.

    ```jsonnet
    "dataset_reader": {"type": "ud_parsing", "max_words": 140,
                       "token_indexers": {"tokens": {"type": "pretrained_transformer_first_subword",
                                                     "model_name": "bert-base-multilingual-cased"}}}
    ```

    # Parameters

    token_indexers : `Dict[str, TokenIndexer]`, optional (default = `None`)
        How the words are indexed (applied in `apply_token_indexers`). `None`: a
        `SingleIdTokenIndexer` under the key `tokens`.
    coarse_relations : `bool`, optional (default = `True`)
        Keep only the universal part of a relation (``nmod:poss`` -> ``nmod``), as in the paper.
    validate_relations : `bool`, optional (default = `True`)
        With `coarse_relations`: accept only the 37 UD v2 relations, which are then the model's
        relation labels (namespace `head_tags`), seen in English training or not. Ignored without
        `coarse_relations`.
    validate_pos : `bool`, optional (default = `True`)
        Accept only the 17 UD v2 UPOS tags (UD v1's `CONJ` reads as `CCONJ`), which are then the
        `pos` labels.
    max_words : `Optional[int]`, optional (default = `140`)
        Skip sentences with more words (the paper's evaluation threshold); `None` keeps every
        sentence. Must be positive.
    encoding : `str`, optional (default = `"utf-8"`)
        The files' encoding.
    ignore_gold : `bool`, optional (default = `False`)
        Do not read HEAD and DEPREL, nor check UPOS (prediction). The package's predictors set it
        on their copy of the reader, and turn `max_words` off there.
    """

    text_field_name = "words"

    def __init__(
        self,
        token_indexers: Optional[dict[str, TokenIndexer]] = None,
        coarse_relations: bool = True,
        validate_relations: bool = True,
        validate_pos: bool = True,
        max_words: Optional[int] = 140,
        encoding: str = "utf-8",
        **kwargs: Any,
    ) -> None:
        super().__init__(token_indexers, encoding, **kwargs)
        if max_words is not None and max_words < 1:
            raise ValueError(f"max_words must be a positive number or null, not {max_words}")
        self._coarse_relations = coarse_relations
        self._validate_relations = validate_relations and coarse_relations
        self._validate_pos = validate_pos
        self.max_words = max_words

    def _read(self, file_path: str) -> Iterable[Instance]:
        for sentence in self.shard_iterable(read_each(file_path, self._kept_sentences)):
            yield self._sentence_instance(sentence)

    def _kept_sentences(self, path: str) -> Iterator[ConlluSentence]:
        """The sentences of one file within `max_words`; their counts logged at the end. Every
        shard of a sharded run goes through the whole file, so each knows the file's counts."""
        kept = skipped = 0
        for sentence in read_conllu(path, self._encoding):
            if self.max_words is not None and len(sentence.words) > self.max_words:
                skipped += 1
                continue
            kept += 1
            yield sentence
        if kept == 0:
            raise NothingLeftError(
                f"{path}: 0 of {skipped} sentences kept: all are longer than "
                f"max_words={self.max_words} words; raise the reader option max_words, or set it "
                "to null to keep every sentence"
            )
        limit = f"with more than {self.max_words} words"
        reason = Skipped(skipped, limit, f"max_words={self.max_words}", "null keeps every sentence")
        log_kept(logger, self, path, kept, "sentences", [reason])

    def _sentence_instance(self, sentence: ConlluSentence) -> Instance:
        """An instance from a CoNLL-U sentence; its labels remember their lines for errors."""
        words = sentence.words
        pos_tags: Optional[list[str]] = None
        if self.ignore_gold:
            # Prediction: no tree is read, and UPOS is an input only of a Z+POS parser, whose
            # predictor checks it (a tag the model does not know is reported with its line).
            if any(word.upos != "_" for word in words):
                pos_tags = [upos_v2(word.upos) for word in words]
            return self.text_to_instance(
                [word.form for word in words],
                pos_tags,
                location=(sentence.path, [word.line_number for word in words]),
                conllu=sentence.lines,
            )
        if any(word.upos != "_" for word in words):
            for word in words:
                if word.upos == "_" or (self._validate_pos and word.upos not in ACCEPTED_UPOS):
                    raise DataFormatError(
                        sentence.path,
                        word.line_number,
                        f"UPOS is {word.upos!r}; expected one of the UD tags "
                        f"{' '.join(sorted(UPOS_TAGS))}",
                    )
            pos_tags = [upos_v2(word.upos) if self._validate_pos else word.upos for word in words]
        heads: Optional[list[int]] = None
        relations: Optional[list[str]] = None
        if any(word.head != "_" or word.deprel != "_" for word in words):
            heads = sentence.head_indices()
            for word in words:
                if word.deprel == "_" or (
                    self._validate_relations and self.coarse(word.deprel) not in UD_RELATIONS
                ):
                    raise DataFormatError(
                        sentence.path,
                        word.line_number,
                        f"DEPREL is {word.deprel!r}; expected a UD v2 relation "
                        f"({' '.join(sorted(UD_RELATIONS))}), optionally with a ':subtype' "
                        "(set the reader's validate_relations to false for other label sets)",
                    )
            relations = [word.deprel for word in words]
        return self.text_to_instance(
            [word.form for word in words],
            pos_tags,
            heads,
            relations,
            (sentence.path, [word.line_number for word in words]),
            conllu=sentence.lines,
        )

    def coarse(self, relation: str) -> str:
        """The relation as the model predicts it (``nmod:poss`` -> ``nmod`` when coarse)."""
        return relation.split(":", 1)[0] if self._coarse_relations else relation

    def text_to_instance(  # type: ignore[override]
        self,
        words: list[str],
        pos_tags: Optional[list[str]] = None,
        heads: Optional[list[int]] = None,
        relations: Optional[list[str]] = None,
        location: Optional[tuple[str, list[int]]] = None,
        **metadata: Any,
    ) -> Instance:
        """The one way to an instance: pre-tokenized `words`; UPOS, heads and relations are
        optional; `location` (path, line number of every word) for input read from a file, so
        that unknown labels are reported with file and line; `metadata` is kept for the
        predictor (e.g. the CoNLL-U lines to write back)."""
        text_field = TextField([Token(word) for word in words])

        def labels(
            values: list[str], namespace: str, inventory: Optional[tuple[str, ...]]
        ) -> SequenceLabelField:
            if location is None:
                return SequenceLabelField(values, text_field, namespace)
            return LocatedSequenceLabelField(
                values, text_field, *location, namespace, all_labels=inventory
            )

        fields: dict[str, Any] = {
            "words": text_field,
            "metadata": MetadataField({"words": words, "pos": pos_tags, **metadata}),
        }
        if pos_tags is not None:
            fields["pos_tags"] = labels(pos_tags, "pos", UPOS_TAGS if self._validate_pos else None)
        if (heads is None) != (relations is None):
            raise ValueError("heads and relations must be given together")
        if heads is not None and relations is not None:
            fields["head_indices"] = SequenceLabelField(heads, text_field, "head_index_tags")
            relation_labels = UD_RELATIONS if self._validate_relations else None
            fields["head_tags"] = labels(
                [self.coarse(r) for r in relations], "head_tags", relation_labels
            )
        return Instance(fields)
