"""Maximum spanning tree decoding with exactly one word attached to the root.

Our own Chu-Liu-Edmonds, vectorized with numpy: allennlp's `decode_mst` is pure Python over
every pair of words (seconds for a 600-word sentence), and the compiled decoder UDPipe 2 uses
(`ufal.chu_liu_edmonds`) is GPL-3.0, which an Apache-2.0 package cannot depend on.
"""

import numpy


def tree_score(weights: numpy.ndarray, heads: numpy.ndarray) -> float:
    """Sum of `weights[head, child]` over the words (index 0 is the root and has no head)."""
    children = numpy.arange(1, len(heads))
    return float(weights[heads[1:], children].sum())


def single_root_mst(weights: numpy.ndarray, length: int) -> numpy.ndarray:
    """Heads of the best-scoring tree in which exactly one word depends on the root.

    `weights[head, child]` scores each arc (e.g. log-probabilities; any finite values); index 0
    is the artificial root and only the first `length` rows/columns are used. Returns `heads` of
    shape [length] with `heads[0] = 0`.

    Exact. The best tree of all (`maximum_arborescence`) is kept when it has one root child.
    Otherwise every root arc is lowered by a penalty P larger than the spread D of the scores
    (max - min) and the best tree is taken again: a tree with k > 1 root children becomes a
    better one by attaching k - 1 of them to the first (no cycle; at most (k - 1) D of score
    lost, (k - 1) P gained), so the new best tree has one root child, and as all those pay the
    same P, it is the best of them. The same tree as trying every word as the only root child
    (the exact method Zmigrod et al. 2020 start from), in two decodings instead of n.
    """
    weights = numpy.asarray(weights, dtype=numpy.float64)[:length, :length]
    heads = numpy.zeros(length, dtype=numpy.int64)
    if length <= 2:
        return heads
    if not numpy.isfinite(weights).all():
        raise ValueError("single_root_mst needs finite arc scores")
    scores = weights.T.copy()  # scores[child, head]
    heads = maximum_arborescence(scores)
    if (heads[1:] == 0).sum() > 1:
        scores[:, 0] -= float(weights.max() - weights.min()) + 1.0
        heads = maximum_arborescence(scores)
    return heads


def maximum_arborescence(scores: numpy.ndarray) -> numpy.ndarray:
    """Heads of the maximum spanning arborescence rooted at node 0 (Chu-Liu-Edmonds).

    `scores[child, head]` (finite or -inf for a forbidden arc; the diagonal and row 0 are
    ignored). Returns `heads` with `heads[0] = 0`. Each round takes every node's best head; a
    cycle among them is contracted into one node (arcs into it scored by what they gain over the
    cycle arc they replace, arcs out of it by its best member) and the smaller graph is solved,
    then the contractions are undone in reverse order. O(n^2) numpy work per contraction.
    """
    current = numpy.array(scores, dtype=numpy.float64)
    contractions = []
    while True:
        numpy.fill_diagonal(current, -numpy.inf)
        current[0] = -numpy.inf
        heads = current.argmax(axis=1)
        heads[0] = 0
        cycle = _find_cycle(heads)
        if cycle is None:
            break
        contraction = _Contraction(current, heads, cycle)
        contractions.append(contraction)
        current = contraction.contracted
    for contraction in reversed(contractions):
        heads = contraction.expand(heads)
    return heads


class _Contraction:
    """One cycle of a Chu-Liu-Edmonds round merged into a single node (the last one)."""

    def __init__(self, scores: numpy.ndarray, heads: numpy.ndarray, cycle: numpy.ndarray) -> None:
        in_cycle = numpy.zeros(len(heads), dtype=bool)
        in_cycle[cycle] = True
        self.cycle = cycle
        self.cycle_heads = heads[cycle]
        self.outside = numpy.flatnonzero(~in_cycle)  # the root (0) is never in a cycle
        kept = scores[cycle, self.cycle_heads]
        # Entering at cycle node c from outside head h replaces c's cycle arc.
        entering = scores[numpy.ix_(cycle, self.outside)] - kept[:, None]
        self.entered_at = entering.argmax(axis=0)
        # Leaving the cycle toward outside child d: its best head in the cycle.
        leaving = scores[numpy.ix_(self.outside, cycle)]
        self.left_from = leaving.argmax(axis=1)
        size = len(self.outside)
        contracted = numpy.full((size + 1, size + 1), -numpy.inf)
        contracted[:size, :size] = scores[numpy.ix_(self.outside, self.outside)]
        contracted[size, :size] = entering.max(axis=0)
        contracted[:size, size] = leaving.max(axis=1)
        self.contracted = contracted

    def expand(self, contracted_heads: numpy.ndarray) -> numpy.ndarray:
        size = len(self.outside)
        heads = numpy.zeros(size + len(self.cycle), dtype=numpy.int64)
        outside_heads = contracted_heads[:size]
        from_cycle = outside_heads == size
        heads[self.outside] = numpy.where(
            from_cycle,
            self.cycle[self.left_from],
            self.outside[numpy.minimum(outside_heads, size - 1)],
        )
        heads[self.cycle] = self.cycle_heads
        entering_head = contracted_heads[size]
        heads[self.cycle[self.entered_at[entering_head]]] = self.outside[entering_head]
        heads[0] = 0
        return heads


def _find_cycle(heads: numpy.ndarray) -> "numpy.ndarray | None":
    """The nodes of one cycle among `heads` (node 0, the root, points at itself), or None."""
    parent = heads.tolist()
    state = [0] * len(parent)  # 0 unseen, 1 on the path being followed, 2 leads to the root
    state[0] = 2
    for start in range(1, len(parent)):
        path, node = [], start
        while state[node] == 0:
            state[node] = 1
            path.append(node)
            node = parent[node]
        if state[node] == 1:
            return numpy.array(path[path.index(node) :], dtype=numpy.int64)
        for visited in path:
            state[visited] = 2
    return None
