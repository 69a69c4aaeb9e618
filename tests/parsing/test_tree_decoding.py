import numpy
import pytest
import torch
from allennlp.nn.chu_liu_edmonds import decode_mst
from allennlp_models.structured_prediction.models.biaffine_dependency_parser import (
    BiaffineDependencyParser,
)

from xlt_allennlp.parsing import tree_decoding
from xlt_allennlp.parsing.models.transformer_biaffine_parser import TransformerBiaffineParser
from xlt_allennlp.parsing.tree_decoding import maximum_arborescence, single_root_mst, tree_score


def allennlp_single_root_mst(weights: numpy.ndarray, length: int) -> numpy.ndarray:
    """The decoder before our own Chu-Liu-Edmonds (the reference here and the baseline of
    benchmarks/tree_decoding.py): allennlp's pure-Python `decode_mst`, then each root child of
    the unconstrained tree tried as the only one."""
    weights = numpy.array(weights[:length, :length], dtype=numpy.float64)
    if length <= 2:
        return numpy.zeros(length, dtype=numpy.int64)
    weights = weights - weights.min() + 1.0  # decode_mst treats 0 as "no arc"
    numpy.fill_diagonal(weights, 0.0)
    weights[:, 0] = 0.0

    def decode(matrix: numpy.ndarray) -> numpy.ndarray:
        heads, _ = decode_mst(matrix.copy(), length, has_labels=False)
        heads = numpy.asarray(heads[:length], dtype=numpy.int64)
        heads[0] = 0
        return heads

    heads = decode(weights)
    roots = numpy.flatnonzero(heads[1:] == 0) + 1
    if len(roots) <= 1:
        return heads
    candidates = []
    for root in roots:
        constrained = weights.copy()
        constrained[0, 1:] = -1e9
        constrained[0, root] = weights[0, root]
        candidates.append(decode(constrained))
    return max(candidates, key=lambda candidate: tree_score(weights, candidate))


def is_tree(heads: numpy.ndarray) -> bool:
    for child in range(1, len(heads)):
        seen, node = set(), child
        while node != 0:
            if node in seen:
                return False
            seen.add(node)
            node = heads[node]
    return True


def best_single_root_tree(weights: numpy.ndarray, single_root: bool = True) -> float:
    """Brute force over every head assignment of a small sentence, best first."""
    n = len(weights)
    children = numpy.arange(1, n)
    assignments = numpy.indices((n,) * (n - 1)).reshape(n - 1, -1).T
    allowed = (assignments != children).all(axis=1)
    if single_root:
        allowed &= (assignments == 0).sum(axis=1) == 1
    assignments = assignments[allowed]
    scores = weights[assignments, children].sum(axis=1)
    for index in numpy.argsort(-scores, kind="stable"):
        if is_tree(numpy.array((0, *assignments[index]))):
            return float(scores[index])
    raise AssertionError("no tree")


def random_scores(rng: numpy.random.Generator, n: int, kind: int) -> numpy.ndarray:
    """Uniform log-probabilities, a parser's log-softmax over heads, or small integers (ties)."""
    if kind == 0:
        return numpy.log(rng.random((n, n)))
    if kind == 1:
        logits = rng.normal(0.0, 3.0, (n, n))
        return logits - numpy.log(numpy.exp(logits).sum(axis=0, keepdims=True))
    return rng.integers(-3, 1, (n, n)).astype(numpy.float64)


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
    for case in range(150):
        n = int(rng.integers(3, 8))
        weights = random_scores(rng, n, case % 3)
        heads = single_root_mst(weights, n)
        assert heads[0] == 0 and (heads[1:] == 0).sum() == 1 and is_tree(heads)
        assert tree_score(weights, heads) == pytest.approx(best_single_root_tree(weights))


def test_maximum_arborescence_is_the_best_tree_with_any_number_of_root_children() -> None:
    rng = numpy.random.default_rng(4)
    for case in range(150):
        n = int(rng.integers(2, 8))
        weights = random_scores(rng, n, case % 3)
        heads = maximum_arborescence(weights.T)
        assert heads[0] == 0 and is_tree(heads)
        best = best_single_root_tree(weights, single_root=False)
        assert tree_score(weights, heads) == pytest.approx(best)


def test_forbidden_arcs_are_never_chosen() -> None:
    rng = numpy.random.default_rng(5)
    for _ in range(50):
        weights = random_scores(rng, 12, 0)
        forbidden = rng.random((12, 12)) < 0.5
        forbidden[0, 1] = False  # a chain root -> 1 -> 2 ... stays possible
        forbidden[numpy.arange(1, 11), numpy.arange(2, 12)] = False
        weights[forbidden] = -numpy.inf
        heads = maximum_arborescence(weights.T)
        assert is_tree(heads) and numpy.isfinite(tree_score(weights, heads))


def test_same_trees_as_the_allennlp_decoder() -> None:
    # A better-scoring single-root tree would also pass; none turned up in 7,000 matrices tried.
    rng = numpy.random.default_rng(2)
    for case in range(200):
        n = int(rng.integers(2, 41))
        weights = random_scores(rng, n, case % 3)
        heads = single_root_mst(weights, n)
        reference = allennlp_single_root_mst(weights, n)
        assert heads[0] == 0 and (heads[1:] == 0).sum() == 1 and is_tree(heads)
        score, reference_score = tree_score(weights, heads), tree_score(weights, reference)
        assert score >= reference_score - 1e-9
        if case % 3 != 2:  # no ties: the best tree is unique
            assert score > reference_score + 1e-9 or list(heads) == list(reference)


def test_flat_scores_with_nested_cycles_give_the_same_trees_as_the_allennlp_decoder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An untrained parser's near-uniform scores: most best heads form cycles, and merged cycles
    # join further cycles (hundreds of contractions on 600 words), each contraction merging
    # into one member's row and column in place.
    merged: list[tuple[int, list[int]]] = []

    class Recorded(tree_decoding._Contraction):
        def __init__(self, *args: numpy.ndarray) -> None:
            super().__init__(*args)
            merged.append((self.node, self.members.tolist()))

    monkeypatch.setattr(tree_decoding, "_Contraction", Recorded)
    rng = numpy.random.default_rng(6)
    nested = 0
    for _ in range(12):
        n = int(rng.integers(40, 81))
        logits = rng.normal(0.0, 0.05, (n, n))
        weights = logits - numpy.log(numpy.exp(logits).sum(axis=0, keepdims=True))
        merged.clear()
        heads = single_root_mst(weights, n)
        reference = allennlp_single_root_mst(weights, n)
        assert (heads[1:] == 0).sum() == 1 and is_tree(heads)
        assert list(heads) == list(reference)  # continuous scores: the best tree is unique
        earlier = [{node for node, _ in merged[:index]} for index in range(len(merged))]
        nested += any(
            earlier[index].intersection(members) for index, (_, members) in enumerate(merged)
        )
    assert nested >= 12, nested  # every sentence has a cycle through an earlier merged node


def test_padding_is_ignored_and_scores_must_be_finite() -> None:
    rng = numpy.random.default_rng(3)
    weights = numpy.log(rng.random((12, 12)))
    padded = numpy.full((20, 20), 50.0)
    padded[:12, :12] = weights
    assert list(single_root_mst(padded, 12)) == list(single_root_mst(weights, 12))
    weights[3, 4] = -numpy.inf
    with pytest.raises(ValueError, match="finite"):
        single_root_mst(weights, 12)


def test_long_sentence_is_a_single_rooted_tree() -> None:
    rng = numpy.random.default_rng(1)
    weights = numpy.log(rng.random((141, 141)))
    heads = single_root_mst(weights, 141)
    assert (heads[1:] == 0).sum() == 1 and is_tree(heads)
