import pytest

from xlt_allennlp.tagging.bio import bio_spans, to_valid_bio


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        # IOB1 (CoNLL 2003): I- opens a span, B- only splits two adjacent same-type spans.
        (["I-PER", "I-PER", "O", "I-LOC"], ["B-PER", "I-PER", "O", "B-LOC"]),
        (["I-ORG", "B-ORG", "I-ORG"], ["B-ORG", "B-ORG", "I-ORG"]),
        (["I-PER", "I-LOC"], ["B-PER", "B-LOC"]),
        # Valid BIO is unchanged.
        (["B-PER", "I-PER", "O", "B-LOC", "B-LOC"], ["B-PER", "I-PER", "O", "B-LOC", "B-LOC"]),
        (["O", "O"], ["O", "O"]),
        ([], []),
        # Invalid predictions are repaired: the orphan I-X starts a span.
        (["O", "I-MISC", "B-PER", "I-LOC"], ["O", "B-MISC", "B-PER", "B-LOC"]),
    ],
)
def test_to_valid_bio(tags: list[str], expected: list[str]) -> None:
    assert to_valid_bio(tags) == expected
    assert to_valid_bio(expected) == expected


def test_bio_spans() -> None:
    tags = ["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-LOC", "O", "B-ORG"]
    assert bio_spans(tags) == [("PER", 0, 1), ("LOC", 3, 3), ("LOC", 4, 5), ("ORG", 7, 7)]
