"""BIO tag sequences: IOB1 conversion and the paper's repair of invalid predictions."""

from collections.abc import Sequence


def to_valid_bio(tags: Sequence[str]) -> list[str]:
    """Makes any tag sequence valid BIO: an `I-X` that does not continue an `X` span starts one.

    This is both the IOB1 -> BIO conversion (in IOB1, `I-X` opens a span unless it follows an
    `X` token; `B-X` only separates two adjacent `X` spans) and the simple post-processing
    heuristic of Wu & Dredze (2019, section 4.3) that turns a predicted sequence into valid BIO
    spans. Valid BIO input is returned unchanged. The spans are those conlleval reads from the
    input, so applying this never changes the entity F1.
    """
    result: list[str] = []
    previous_type: str | None = None
    for tag in tags:
        if tag.startswith("I-") and previous_type != tag[2:]:
            tag = "B-" + tag[2:]
        result.append(tag)
        previous_type = tag[2:] if tag[:2] in ("B-", "I-") else None
    return result


def bio_spans(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """Entity spans `(type, first, last)` (inclusive) of a valid BIO sequence."""
    spans: list[tuple[str, int, int]] = []
    for index, tag in enumerate(tags):
        if tag.startswith("B-"):
            spans.append((tag[2:], index, index))
        elif (
            tag.startswith("I-") and spans and spans[-1][0] == tag[2:] and spans[-1][2] == index - 1
        ):
            spans[-1] = (tag[2:], spans[-1][1], index)
    return spans
