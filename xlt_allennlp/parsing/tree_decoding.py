"""Maximum spanning tree decoding with exactly one word attached to the root."""

import numpy
from allennlp.nn.chu_liu_edmonds import decode_mst

_FORBIDDEN = -1e9


def tree_score(weights: numpy.ndarray, heads: numpy.ndarray) -> float:
    """Sum of `weights[head, child]` over the words (index 0 is the root and has no head)."""
    children = numpy.arange(1, len(heads))
    return float(weights[heads[1:], children].sum())


def single_root_mst(weights: numpy.ndarray, length: int) -> numpy.ndarray:
    """Heads of the best-scoring tree in which exactly one word depends on the root.

    `weights[head, child]` scores each arc (e.g. log-probabilities; any real values); index 0 is
    the artificial root and only the first `length` rows/columns are used. Returns `heads` of
    shape [length] with `heads[0] = 0`.

    Chu-Liu-Edmonds (allennlp's `decode_mst`) finds the best tree with any number of root
    children. When it attaches several words to the root, each of them is tried as the only root
    child (the others' root arcs forbidden) and the best of those trees is kept: the single-root
    decoding of Dozat et al. (2017) and SuPar. (An exact algorithm over all words exists,
    Zmigrod et al. 2020; the candidates here are those the unconstrained tree proposes.)
    """
    weights = numpy.array(weights[:length, :length], dtype=numpy.float64)
    if length <= 2:
        heads = numpy.zeros(length, dtype=numpy.int64)
        return heads
    # decode_mst compares arc weights with 0 on the diagonal: shift every arc to be positive
    # (all trees have length - 1 arcs, so the best tree does not change).
    weights = weights - weights.min() + 1.0
    numpy.fill_diagonal(weights, 0.0)
    weights[:, 0] = 0.0  # nothing points at the root
    heads = _decode(weights, length)
    roots = numpy.flatnonzero(heads[1:] == 0) + 1
    if len(roots) <= 1:
        return heads
    best_heads, best_score = heads, -numpy.inf
    for root in roots:
        constrained = weights.copy()
        constrained[0, 1:] = _FORBIDDEN
        constrained[0, root] = weights[0, root]
        candidate = _decode(constrained, length)
        score = tree_score(weights, candidate)
        if score > best_score:
            best_heads, best_score = candidate, score
    return best_heads


def _decode(weights: numpy.ndarray, length: int) -> numpy.ndarray:
    heads, _ = decode_mst(weights.copy(), length, has_labels=False)
    heads = numpy.asarray(heads[:length], dtype=numpy.int64)
    heads[0] = 0
    return heads
