"""Named-entity recognition from CoNLL 2002/2003 and SIGHAN 2006 files (paper section 4.3)."""

import re
from collections.abc import Iterable
from typing import Any, Optional, Union

from allennlp.data import DatasetReader, Instance
from allennlp.data.token_indexers import TokenIndexer

from xlt_allennlp.data.conll import ConllSentence, read_conll_columns
from xlt_allennlp.data.data_files import read_each
from xlt_allennlp.data.errors import DataFormatError
from xlt_allennlp.data.labels import CONLL_ENTITY_TYPES, bio_labels
from xlt_allennlp.tagging.bio import to_valid_bio
from xlt_allennlp.tagging.dataset_readers.word_tagging import WordTaggingReader

_TAG = re.compile(r"^([BI])-(.+)$")


@DatasetReader.register("conll_ner")
class ConllNerReader(WordTaggingReader):
    """Reads CoNLL 2002 (es, nl) and CoNLL 2003 (en, de) NER files.

    Registered as a `DatasetReader` with name "conll_ner". Whitespace-separated columns, the word
    first and the NER tag in `tag_column` (default: the last, which fits the English 4-column,
    German 5-column, Dutch 3-column and Spanish 2-column layouts); `-DOCSTART-` lines are skipped;
    blank lines end sentences. Tags must be `O`, `B-TYPE` or `I-TYPE`.

    Errors name file and line: wrong column counts, undecodable bytes, unknown tags, empty files,
    and (at evaluation) tags the model never saw in training. With `ignore_gold` (set by the
    predictor) only the first column is read: files with no tag column, or other tags, are
    predicted. Each instance has `tokens`, `tags` and `metadata` (`words`, and the raw lines so
    that the predictor can write the file back with a predicted column appended). Lazy and
    streaming; shards across data-loader workers and distributed processes.

    ```jsonnet
    "dataset_reader": {"type": "conll_ner", "encoding": "latin-1",
                       "token_indexers": {"tokens": {"type": "pretrained_transformer_first_subword",
                                                     "model_name": "bert-base-multilingual-cased"}}}
    ```

    # Parameters

    token_indexers : `Dict[str, TokenIndexer]`, optional (default = `None`)
        How the words are indexed (applied in `apply_token_indexers`). `None`: a
        `SingleIdTokenIndexer` under the key `tokens`.
    tag_column : `int`, optional (default = `-1`)
        The column (Python index: negative counts from the end) that holds the NER tag.
    convert_to_bio : `bool`, optional (default = `True`)
        Convert the tags to BIO (CoNLL 2003 uses IOB1: an `I-X` that does not continue an `X`
        span becomes `B-X`); `False` keeps them as they are.
    entity_types : `Union[str, List[str]]`, optional (default = `"conll"`)
        The allowed entity types (after `tag_map`): a list, `"conll"` (PER LOC ORG MISC) or
        `"any"` (every type). With a list or `"conll"`, the model's labels are `O`, then `B-X`
        and then `I-X` for every listed type X.
    tag_map : `Dict[str, str]`, optional (default = `None`)
        Renames entity types, e.g. `{"NR": "PER"}`.
    encoding : `str`, optional (default = `"utf-8"`)
        The files' encoding; give it for non-UTF-8 files (the German CoNLL 2003 data is usually
        Latin-1).
    ignore_gold : `bool`, optional (default = `False`)
        Do not read the tag column (prediction). The package's predictors set it on their copy of
        the reader.
    """

    def __init__(
        self,
        token_indexers: Optional[dict[str, TokenIndexer]] = None,
        tag_column: int = -1,
        convert_to_bio: bool = True,
        entity_types: Union[str, list[str]] = "conll",
        tag_map: Optional[dict[str, str]] = None,
        encoding: str = "utf-8",
        **kwargs: Any,
    ) -> None:
        super().__init__(token_indexers, encoding, **kwargs)
        self._tag_column = tag_column
        self._convert_to_bio = convert_to_bio
        if entity_types == "conll":
            entity_types = list(CONLL_ENTITY_TYPES)
        elif isinstance(entity_types, str) and entity_types != "any":
            raise ValueError(f'entity_types must be a list, "conll" or "any", not {entity_types!r}')
        self._entity_types = None if entity_types == "any" else set(entity_types)
        if entity_types != "any":  # the model's labels: O, B-X and I-X of every type
            self.all_labels = bio_labels(list(entity_types))
        self._tag_map = dict(tag_map or {})

    def _read(self, file_path: str) -> Iterable[Instance]:
        sentences = read_each(file_path, lambda path: read_conll_columns(path, self._encoding))
        for sentence in self.shard_iterable(sentences):
            yield self._sentence_instance(sentence)

    def _normalise_tag(self, sentence: ConllSentence, index: int) -> str:
        columns = sentence.columns[index]
        if not -len(columns) <= self._tag_column < len(columns):
            raise DataFormatError(
                sentence.path,
                sentence.line_numbers[index],
                f"tag_column={self._tag_column}, but the line has {len(columns)} column(s)",
            )
        tag = columns[self._tag_column]
        if tag == "O":
            return tag
        match = _TAG.match(tag)
        entity_type = self._tag_map.get(match.group(2), match.group(2)) if match else None
        if entity_type is None or (
            self._entity_types is not None and entity_type not in self._entity_types
        ):
            known = " ".join(sorted(self._entity_types or [])) or "any"
            raise DataFormatError(
                sentence.path,
                sentence.line_numbers[index],
                f"NER tag {tag!r} is not O, B-TYPE or I-TYPE with a known type (types: {known})",
            )
        return f"{match.group(1)}-{entity_type}"  # type: ignore[union-attr]

    def _sentence_instance(self, sentence: ConllSentence) -> Instance:
        words = [columns[0] for columns in sentence.columns]
        tags: Optional[list[str]] = None
        if not self.ignore_gold:
            if len(sentence.columns[0]) == 1:
                raise DataFormatError(
                    sentence.path,
                    sentence.line_numbers[0],
                    "expected a word and an NER tag, found one column (a file of words only "
                    "can be predicted: `allennlp predict ... --use-dataset-reader`)",
                )
            tags = [self._normalise_tag(sentence, i) for i in range(len(words))]
            if self._convert_to_bio:
                tags = to_valid_bio(tags)
        return self.text_to_instance(
            words,
            tags,
            (sentence.path, sentence.line_numbers),
            conll=sentence.lines,
            prefix_lines=sentence.prefix_lines,
        )


@DatasetReader.register("chinese_ner")
class ChineseNerReader(ConllNerReader):
    """SIGHAN 2006 (Levow 2006) Chinese NER: one character and its tag per line.

    Registered as a `DatasetReader` with name "chinese_ner". It is `conll_ner` with the MSRA type
    names mapped to the CoNLL ones (NR -> PER, NS -> LOC, NT -> ORG) so that a model trained on
    English CoNLL is evaluated with the same labels. Each character is a word for the model.

    ```jsonnet
    "dataset_reader": {"type": "chinese_ner", "token_indexers": {...}}
    ```

    # Parameters

    token_indexers : `Dict[str, TokenIndexer]`, optional (default = `None`)
        How the characters are indexed. `None`: a `SingleIdTokenIndexer` under the key `tokens`.
    tag_map : `Dict[str, str]`, optional (default = `None`)
        Further type renames, applied on top of (and overriding) NR -> PER, NS -> LOC, NT -> ORG.
    tag_column : `int`, optional (default = `-1`)
        As for `conll_ner`: the column that holds the tag.
    convert_to_bio : `bool`, optional (default = `True`)
        As for `conll_ner`: convert the tags to BIO.
    entity_types : `Union[str, List[str]]`, optional (default = `"conll"`)
        As for `conll_ner`: the allowed entity types after renaming.
    encoding : `str`, optional (default = `"utf-8"`)
        The files' encoding.
    ignore_gold : `bool`, optional (default = `False`)
        Do not read the tag column (prediction).
    """

    def __init__(
        self,
        token_indexers: Optional[dict[str, TokenIndexer]] = None,
        tag_map: Optional[dict[str, str]] = None,
        **kwargs: Any,
    ) -> None:
        default_map = {"NR": "PER", "NS": "LOC", "NT": "ORG"}
        super().__init__(token_indexers, tag_map={**default_map, **(tag_map or {})}, **kwargs)
