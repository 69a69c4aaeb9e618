"""Fields that remember where their labels came from, for clear errors at indexing time."""

from collections.abc import Sequence
from typing import Optional

from allennlp.data import Vocabulary
from allennlp.data.fields import LabelField, SequenceField, SequenceLabelField

from xlt_allennlp.data.errors import DataFormatError


class _LabelInventory:
    """Mixin for label fields: with `all_labels`, every instance counts every label of that list
    once when the vocabulary is built, instead of its own label(s). Equal counts for all labels:
    the vocabulary sorts by count, stably, so the order of `all_labels` (first inserted by the
    first instance) is kept."""

    _all_labels: Optional[tuple[str, ...]]
    _label_namespace: str

    def count_vocab_items(self, counter: dict[str, dict[str, int]]) -> None:
        if self._all_labels is None:
            super().count_vocab_items(counter)  # type: ignore[misc]
            return
        for label in self._all_labels:
            counter[self._label_namespace][label] += 1


class LocatedSequenceLabelField(_LabelInventory, SequenceLabelField):
    """A `SequenceLabelField` that knows the file and line of each label, and can fix the
    label inventory.

    allennlp raises a bare `KeyError` from deep inside the vocabulary when an evaluation file has
    a label the model never saw in training (e.g. a typo, or a tag set mismatch); this field
    raises `DataFormatError` naming the file, the line and the labels the model knows.

    With `all_labels` (an inventory of `xlt_allennlp.data.labels`), every instance counts every
    label of that list once when the vocabulary is built, instead of its own labels: the
    namespace holds exactly these labels, in this order (see `LocatedLabelField`).
    """

    def __init__(
        self,
        labels: list[str],
        sequence_field: SequenceField,
        path: str,
        line_numbers: list[int],
        label_namespace: str = "labels",
        all_labels: Optional[Sequence[str]] = None,
    ) -> None:
        super().__init__(labels, sequence_field, label_namespace)
        self._path = path
        self._line_numbers = line_numbers
        self._all_labels = tuple(all_labels) if all_labels is not None else None

    def index(self, vocab: Vocabulary) -> None:
        known = vocab.get_token_to_index_vocabulary(self._label_namespace)
        for label, line_number in zip(self.labels, self._line_numbers, strict=True):
            if label not in known:
                raise DataFormatError(
                    self._path,
                    line_number,
                    f"label {label!r} is unknown to the model (not seen in training); "
                    f"known labels: {' '.join(sorted(known))}",
                )
        super().index(vocab)


class LocatedLabelField(_LabelInventory, LabelField):
    """A `LabelField` that knows the file and line of its label, and can fix the label order.

    At indexing time a label the model does not know (a typo in an evaluation file, or a label
    set mismatch) raises `DataFormatError` naming the file, the line and the known labels,
    instead of allennlp's bare `KeyError`.

    With `all_labels`, every instance counts every label of that list once when the vocabulary
    is built (instead of its own label), so the namespace holds exactly these labels, in this
    order, whatever the training data: archives trained on different files or seeds agree on
    label indices, and a label absent from training is still a valid output.
    """

    def __init__(
        self,
        label: str,
        path: str,
        line_number: Optional[int],
        label_namespace: str = "labels",
        all_labels: Optional[Sequence[str]] = None,
    ) -> None:
        super().__init__(label, label_namespace)
        self._path = path
        self._line_number = line_number
        self._all_labels = tuple(all_labels) if all_labels is not None else None

    def index(self, vocab: Vocabulary) -> None:
        known = vocab.get_token_to_index_vocabulary(self._label_namespace)
        if self.label not in known:
            raise DataFormatError(
                self._path,
                self._line_number,
                f"label {self.label!r} is unknown to the model (not among its labels); "
                f"known labels: {' '.join(known)}",
            )
        super().index(vocab)
