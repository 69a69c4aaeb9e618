"""The base of the readers of sentence files (CoNLL-U, CoNLL columns)."""

from typing import Any, Optional

from allennlp.data import DatasetReader, Instance
from allennlp.data.token_indexers import SingleIdTokenIndexer, TokenIndexer


class SentenceFileReader(DatasetReader):
    """Base of `ud_pos`, `conll_ner`, `chinese_ner` and `ud_parsing` (not registered itself).

    Holds the token indexers (applied in `apply_token_indexers`, so `num_workers > 0` works) and
    the input `encoding`; the readers shard their own input across data-loader workers and
    distributed processes (`self.shard_iterable`). `text_field_name` is the instances' text field.
    """

    text_field_name = "tokens"

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

    def apply_token_indexers(self, instance: Instance) -> None:
        instance[self.text_field_name].token_indexers = self._token_indexers  # type: ignore[attr-defined]
