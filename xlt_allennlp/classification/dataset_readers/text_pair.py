"""Plumbing shared by the sentence(-pair) classification readers (`mldoc`, `xnli`)."""

import logging
from collections.abc import Sequence
from typing import Any, Optional

from allennlp.data import DatasetReader, Instance
from allennlp.data.fields import Field, MetadataField, TextField
from allennlp.data.token_indexers import PretrainedTransformerIndexer, TokenIndexer
from allennlp.data.tokenizers import PretrainedTransformerTokenizer

from xlt_allennlp.common.encoders import require_encoder
from xlt_allennlp.data.errors import DataFormatError, NothingLeftError
from xlt_allennlp.data.fields import LocatedLabelField
from xlt_allennlp.data.input_filters import Skipped, log_kept

logger = logging.getLogger(__name__)


def pair_lengths(first: int, second: int, budget: int) -> tuple[int, int]:
    """How many subwords of each sequence "longest first" truncation keeps within `budget`.

    One subword at a time is removed from the longer sequence (from the second on a tie), as
    Hugging Face's `truncation="longest_first"` does, in closed form.
    """
    if first + second <= budget:
        return first, second
    half = budget // 2
    if first <= half:
        return first, budget - first
    if second <= half:
        return budget - second, second
    return budget - half, half


class TextPairReader(DatasetReader):
    """Base of the classification readers (not registered itself).

    Instances have `tokens` (the subwords of one text, or of a pair of texts, with the encoder's
    special tokens and token type ids: `[CLS] A [SEP] B [SEP]` / `<s> A </s></s> B </s>`),
    `label` for annotated input, and `metadata`. `max_length` counts the special tokens: texts are
    truncated "longest first" to what is left, so the special tokens are never cut. Labels are
    checked against `labels` at reading time (a `DataFormatError` with file and line otherwise),
    and `labels` also fixes the order of the model's label vocabulary (see `LocatedLabelField`).
    Readers shard their input across data-loader workers and distributed processes, and the
    token indexers are applied in `apply_token_indexers`, so `num_workers > 0` works.
    `ignore_gold` (set by the predictor): labels are not read or checked, rows without one are
    read, and every row gives an instance (prediction never needs gold).
    """

    default_labels: tuple[str, ...] = ()

    def __init__(
        self,
        model_name: str,
        max_length: int = 128,
        labels: Optional[list[str]] = None,
        skip_empty: bool = False,
        token_indexers: Optional[dict[str, TokenIndexer]] = None,
        tokenizer_kwargs: Optional[dict[str, Any]] = None,
        encoding: str = "utf-8",
        ignore_gold: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs["manual_distributed_sharding"] = True
        kwargs["manual_multiprocess_sharding"] = True
        super().__init__(**kwargs)
        require_encoder(model_name)
        probe = PretrainedTransformerTokenizer(model_name, tokenizer_kwargs=tokenizer_kwargs)
        specials = probe.num_special_tokens_for_pair()
        if max_length <= specials:
            raise ValueError(
                f"max_length={max_length} leaves no room for text next to the {specials} "
                f"special tokens of a {model_name!r} sentence pair"
            )
        self._pair_budget = max_length - specials
        self._single_budget = max_length - probe.num_special_tokens_for_sequence()
        # Each text is cut at what a single text may keep, so a long document is never tokenized
        # whole (and the tokenizer does not warn about sequences longer than the model).
        self._tokenizer = PretrainedTransformerTokenizer(
            model_name,
            add_special_tokens=False,
            max_length=self._single_budget,
            tokenizer_kwargs=tokenizer_kwargs,
        )
        self._token_indexers = token_indexers or {
            "tokens": PretrainedTransformerIndexer(model_name, tokenizer_kwargs=tokenizer_kwargs)
        }
        self._labels = tuple(labels) if labels is not None else self.default_labels
        if len(set(self._labels)) != len(self._labels) or not self._labels:
            raise ValueError(f"labels must be a non-empty list without repeats, not {labels}")
        self._skip_empty = skip_empty
        self._encoding = encoding
        self.ignore_gold = ignore_gold

    @property
    def labels(self) -> tuple[str, ...]:
        return self._labels

    def check_label(self, label: str, path: str, line_number: Optional[int]) -> str:
        """`label` if it is one of the reader's labels, else a `DataFormatError`."""
        if label not in self._labels:
            raise DataFormatError(
                path,
                line_number,
                f"unknown label {label!r}; known labels: {' '.join(self._labels)} "
                "(set the dataset reader's `labels` for another label set)",
            )
        return label

    def empty_text(self, path: str, line_number: int, what: str) -> bool:
        """Whether to skip a row whose `what` is empty (`skip_empty`), else a `DataFormatError`."""
        if self._skip_empty:
            return True
        raise DataFormatError(
            path,
            line_number,
            f"{what} is empty (set the dataset reader's `skip_empty: true` to skip such rows; "
            "their number is logged)",
        )

    def skipped_empty(self, count: int, what: str) -> Skipped:
        """The rows of a file that `skip_empty` left out, `what` being empty ("document")."""
        return Skipped(count, f"with an empty {what}", "skip_empty=true")

    def check_left(self, path: str, kept: int, empty: int, unit: str) -> None:
        """A `NothingLeftError` when `skip_empty` left out every row of the file."""
        if kept == 0 and empty:
            raise NothingLeftError(
                f"{path}: 0 of {empty} {unit} kept: every one has an empty text and the reader "
                "option skip_empty=true skips those; is this the right file?"
            )

    def log_kept(self, path: str, kept: int, unit: str, skipped: Sequence[Skipped]) -> None:
        """Logs what a file gave and what was left out, and why (a WARNING when a reader option
        left anything out; see `xlt_allennlp.data.input_filters`)."""
        log_kept(logger, self, path, kept, unit, skipped)

    def _pair_instance(
        self,
        first: str,
        second: Optional[str] = None,
        label: Optional[str] = None,
        path: Optional[str] = None,
        line_number: Optional[int] = None,
        **metadata: Any,
    ) -> Instance:
        """An instance of one text (`second` None) or a text pair, truncated to `max_length`."""
        first_tokens = self._tokenizer.tokenize(first)
        if second is None:
            tokens = self._tokenizer.add_special_tokens(first_tokens[: self._single_budget])
        else:
            second_tokens = self._tokenizer.tokenize(second)
            keep_first, keep_second = pair_lengths(
                len(first_tokens), len(second_tokens), self._pair_budget
            )
            tokens = self._tokenizer.add_special_tokens(
                first_tokens[:keep_first], second_tokens[:keep_second]
            )
        fields: dict[str, Field] = {
            "tokens": TextField(tokens),
            "metadata": MetadataField(metadata),
        }
        if label is not None:
            fields["label"] = LocatedLabelField(
                label, path or "<input>", line_number, all_labels=self._labels
            )
        return Instance(fields)

    def apply_token_indexers(self, instance: Instance) -> None:
        instance["tokens"].token_indexers = self._token_indexers  # type: ignore[attr-defined]
