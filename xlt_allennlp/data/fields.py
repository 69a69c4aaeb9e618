"""Fields that remember where their labels came from, for clear errors at indexing time."""

from allennlp.data import Vocabulary
from allennlp.data.fields import SequenceField, SequenceLabelField

from xlt_allennlp.data.errors import DataFormatError


class LocatedSequenceLabelField(SequenceLabelField):
    """A `SequenceLabelField` that knows the file and line of each label.

    allennlp raises a bare `KeyError` from deep inside the vocabulary when an evaluation file has
    a label the model never saw in training (e.g. a typo, or a tag set mismatch); this field
    raises `DataFormatError` naming the file, the line and the labels the model knows.
    """

    def __init__(
        self,
        labels: list[str],
        sequence_field: SequenceField,
        path: str,
        line_numbers: list[int],
        label_namespace: str = "labels",
    ) -> None:
        super().__init__(labels, sequence_field, label_namespace)
        self._path = path
        self._line_numbers = line_numbers

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
