"""Entity span F1 as the NER model computes it, against hand-computed values."""

import pytest
import torch
from allennlp.data import Vocabulary
from allennlp.training.metrics import SpanBasedF1Measure

from xlt_allennlp.tagging.bio import bio_spans, to_valid_bio

LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]


def span_f1(gold: list[list[str]], predicted: list[list[str]]) -> dict[str, float]:
    """Feeds one-hot predictions through the metric the model uses (label_encoding BIO)."""
    vocab = Vocabulary()
    for label in LABELS:
        vocab.add_token_to_namespace(label, "labels")
    metric = SpanBasedF1Measure(vocab, tag_namespace="labels", label_encoding="BIO")
    width = max(len(tags) for tags in gold)
    index = {label: vocab.get_token_index(label, "labels") for label in LABELS}
    scores = torch.zeros(len(gold), width, len(LABELS))
    gold_ids = torch.zeros(len(gold), width, dtype=torch.long)
    mask = torch.zeros(len(gold), width, dtype=torch.bool)
    for row, (gold_tags, predicted_tags) in enumerate(zip(gold, predicted, strict=True)):
        for position, (g, p) in enumerate(zip(gold_tags, predicted_tags, strict=True)):
            gold_ids[row, position] = index[g]
            scores[row, position, index[p]] = 1.0
            mask[row, position] = True
    metric(scores, gold_ids, mask)
    return metric.get_metric(reset=True)


def test_hand_computed_precision_recall_f1() -> None:
    gold = [
        ["B-PER", "I-PER", "O", "B-LOC"],
        ["B-ORG", "I-ORG", "I-ORG", "O", "B-MISC"],
    ]
    predicted = [
        ["B-PER", "I-PER", "O", "B-ORG"],  # PER right; LOC missed; ORG spurious
        ["B-ORG", "I-ORG", "O", "O", "B-MISC"],  # ORG boundary wrong (FP + FN); MISC right
    ]
    # TP = 2 (PER, MISC), FP = 2 (ORG@s1, short ORG@s2), FN = 2 (LOC, long ORG)
    metrics = span_f1(gold, predicted)
    assert metrics["precision-overall"] == pytest.approx(2 / 4)
    assert metrics["recall-overall"] == pytest.approx(2 / 4)
    assert metrics["f1-measure-overall"] == pytest.approx(0.5)
    assert metrics["f1-measure-PER"] == pytest.approx(1.0)
    assert metrics["recall-LOC"] == 0.0
    assert metrics["precision-ORG"] == 0.0 and metrics["recall-ORG"] == 0.0


def test_invalid_bio_is_scored_as_repaired() -> None:
    gold = [["B-PER", "I-PER", "O", "B-LOC", "I-LOC"]]
    invalid = [["I-PER", "I-PER", "O", "I-LOC", "I-LOC"]]  # every span starts with an I-
    assert span_f1(gold, invalid)["f1-measure-overall"] == pytest.approx(1.0)
    # Repair gives exactly the gold sequence, so the output tags and the score agree.
    assert to_valid_bio(invalid[0]) == gold[0]
    crossing = [["B-PER", "I-LOC", "O", "B-LOC", "I-LOC"]]  # I-LOC after PER opens a LOC span
    repaired = to_valid_bio(crossing[0])
    assert bio_spans(repaired) == [("PER", 0, 0), ("LOC", 1, 1), ("LOC", 3, 4)]
    # TP = 1 (LOC 3-4), FP = 2, FN = 1 (PER 0-1): P = 1/3, R = 1/2, F1 = 0.4
    metrics = span_f1(gold, crossing)
    assert metrics["precision-overall"] == pytest.approx(1 / 3)
    assert metrics["recall-overall"] == pytest.approx(1 / 2)
    assert metrics["f1-measure-overall"] == pytest.approx(0.4)
