import itertools

import numpy
import pytest
import torch
from allennlp.nn.chu_liu_edmonds import decode_mst
from allennlp_models.structured_prediction.models.biaffine_dependency_parser import (
    BiaffineDependencyParser,
)

from xlt_allennlp.parsing.models.transformer_biaffine_parser import TransformerBiaffineParser
from xlt_allennlp.parsing.tree_decoding import single_root_mst, tree_score


def is_tree(heads: numpy.ndarray) -> bool:
    for child in range(1, len(heads)):
        seen, node = set(), child
        while node != 0:
            if node in seen:
                return False
            seen.add(node)
            node = heads[node]
    return True


def best_single_root_tree(weights: numpy.ndarray) -> float:
    """Brute force over every head assignment of a small sentence."""
    n = len(weights)
    best = -numpy.inf
    for assignment in itertools.product(range(n), repeat=n - 1):
        heads = numpy.array((0, *assignment))
        if any(heads[i] == i for i in range(1, n)) or (heads[1:] == 0).sum() != 1:
            continue
        if is_tree(heads):
            best = max(best, tree_score(weights, heads))
    return best


def test_two_competing_roots_give_one() -> None:
    # Words 1 and 2 both prefer the root; the unconstrained MST attaches both to it.
    weights = numpy.log(
        numpy.array(
            [
                [0.0, 0.9, 0.8, 0.1],
                [0.0, 0.0, 0.1, 0.8],
                [0.0, 0.05, 0.0, 0.1],
                [0.0, 0.05, 0.1, 0.0],
            ]
        )
        + 1e-12
    )
    unconstrained, _ = decode_mst(weights - weights.min() + 1, 4, has_labels=False)
    assert (unconstrained[1:] == 0).sum() == 2
    heads = single_root_mst(weights, 4)
    assert list(heads) == [0, 0, 1, 1]  # word 1 is the root, word 2 attaches to it
    assert tree_score(weights, heads) == pytest.approx(best_single_root_tree(weights))


def test_uses_root_scores_to_choose_the_root() -> None:
    # P(root -> 1) = 0.9 but P(root -> 2) = 0.05: word 1 is the root. allennlp-models' decoder
    # zeroes the root's scores and picks word 2, whose outgoing arcs score higher.
    probabilities = numpy.array([[1, 0.9, 0.05, 0.05], [1, 1, 0.1, 0.5],
                                 [1, 0.9, 1, 0.9], [1, 0.01, 0.01, 1]])  # fmt: skip
    energy = torch.tensor(probabilities, dtype=torch.float).view(1, 1, 4, 4)
    allennlp_heads, _ = BiaffineDependencyParser._run_mst_decoding(energy, numpy.array([4]))
    assert allennlp_heads[0].tolist() == [0, 2, 0, 2]
    assert list(single_root_mst(numpy.log(probabilities), 4)) == [0, 0, 1, 2]
    heads, _ = TransformerBiaffineParser._run_mst_decoding(energy, numpy.array([4]))
    assert heads[0].tolist() == [0, 0, 1, 2]


def test_padding_and_trivial_lengths() -> None:
    weights = numpy.zeros((6, 6))
    assert list(single_root_mst(weights, 2)) == [0, 0]
    assert len(single_root_mst(weights, 4)) == 4


def test_random_sentences_give_the_best_single_root_tree() -> None:
    rng = numpy.random.default_rng(0)
    for _ in range(150):
        n = int(rng.integers(3, 7))
        weights = numpy.log(rng.random((n, n)))
        heads = single_root_mst(weights, n)
        assert heads[0] == 0 and (heads[1:] == 0).sum() == 1 and is_tree(heads)
        assert tree_score(weights, heads) == pytest.approx(best_single_root_tree(weights))


def test_long_sentence_is_a_single_rooted_tree() -> None:
    rng = numpy.random.default_rng(1)
    weights = numpy.log(rng.random((141, 141)))
    heads = single_root_mst(weights, 141)
    assert (heads[1:] == 0).sum() == 1 and is_tree(heads)
