import pytest
from allennlp.data import Instance, Vocabulary

from xlt_allennlp.data import DataFormatError
from xlt_allennlp.data.fields import LocatedLabelField

LABELS = ["entailment", "neutral", "contradiction"]


def vocabulary(labels: list[str], all_labels: list[str] | None) -> Vocabulary:
    instances = [
        Instance({"label": LocatedLabelField(label, "train.tsv", n, all_labels=all_labels)})
        for n, label in enumerate(labels, start=2)
    ]
    return Vocabulary.from_instances(instances)


def test_all_labels_fix_the_label_order_whatever_the_data() -> None:
    # Different frequencies and first occurrences, and a label absent from the data.
    for data in (["neutral", "neutral", "contradiction"], ["contradiction"] * 3 + ["entailment"]):
        vocab = vocabulary(data, LABELS)
        assert vocab.get_index_to_token_vocabulary("labels") == dict(enumerate(LABELS))


def test_without_all_labels_the_order_follows_the_data() -> None:
    vocab = vocabulary(["neutral", "neutral", "contradiction"], None)
    assert vocab.get_index_to_token_vocabulary("labels") == {0: "neutral", 1: "contradiction"}


def test_unknown_label_names_file_line_and_known_labels() -> None:
    vocab = vocabulary(["neutral", "entailment"], None)
    field = LocatedLabelField("contradictoin", "de_test.tsv", 17)
    with pytest.raises(DataFormatError) as error:
        field.index(vocab)
    message = str(error.value)
    assert message.startswith("de_test.tsv:17: label 'contradictoin' is unknown")
    assert "known labels: neutral entailment" in message
    known = LocatedLabelField("entailment", "de_test.tsv", 18)
    known.index(vocab)
    assert known._label_id == 1
