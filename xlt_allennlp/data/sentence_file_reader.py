"""The base of the readers of sentence files (CoNLL-U, CoNLL columns)."""

from typing import Any, Optional

from allennlp.data import DatasetReader, Instance
from allennlp.data.token_indexers import SingleIdTokenIndexer, TokenIndexer


class SentenceFileReader(DatasetReader):
    """Base of `ud_pos`, `conll_ner`, `chinese_ner` and `ud_parsing` (not registered itself).

    Holds the token indexers (applied in `apply_token_indexers`, so `num_workers > 0` works) and
    the input `encoding`; the readers shard their own input across data-loader workers and
    distributed processes (`self.shard_iterable`). `text_field_name` is the instances' text field.

    `ignore_gold` (default false): the gold columns (tags, heads, relations) are not read, so a
    file whose gold annotation is missing, partial, or in another tag set is still read. The
    package's predictors set it on their copy of the reader (prediction never needs gold);
    training and evaluation keep it false, so bad gold labels are reported with file and line.
    """

    text_field_name = "tokens"

    def __init__(
        self,
        token_indexers: Optional[dict[str, TokenIndexer]] = None,
        encoding: str = "utf-8",
        ignore_gold: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs["manual_distributed_sharding"] = True
        kwargs["manual_multiprocess_sharding"] = True
        super().__init__(**kwargs)
        self._token_indexers = token_indexers or {"tokens": SingleIdTokenIndexer()}
        self._encoding = encoding
        self.ignore_gold = ignore_gold

    def apply_token_indexers(self, instance: Instance) -> None:
        instance[self.text_field_name].token_indexers = self._token_indexers  # type: ignore[attr-defined]
