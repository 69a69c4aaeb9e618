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
    ignored). Returns `heads` with `heads[0] = 0`. Each round takes every node's best head;
    every cycle among them is contracted into one node (an arc into a cycle scored by what it
    gains over the cycle arc it replaces, an arc out of it by its best member) and the smaller
    graph is solved, then the contractions are undone in reverse order. O(n^2) numpy work per
    round; contracting all cycles of a round at once keeps the rounds few even on flat scores.
    """
    current = numpy.array(scores, dtype=numpy.float64)
    contractions = []
    while True:
        numpy.fill_diagonal(current, -numpy.inf)
        current[0] = -numpy.inf
        heads = current.argmax(axis=1)
        heads[0] = 0
        cycles = _find_cycles(heads)
        if not cycles:
            break
        contraction = _Contraction(current, heads, cycles)
        contractions.append(contraction)
        current = contraction.contracted
    for contraction in reversed(contractions):
        heads = contraction.expand(heads)
    return heads


class _Contraction:
    """The cycles of one Chu-Liu-Edmonds round, each merged into a single node.

    New nodes: the nodes outside every cycle (in order, the root first), then one per cycle.
    """

    def __init__(
        self, scores: numpy.ndarray, heads: numpy.ndarray, cycles: list[numpy.ndarray]
    ) -> None:
        size = len(heads)
        in_cycle = numpy.zeros(size, dtype=bool)
        for cycle in cycles:
            in_cycle[cycle] = True
        self.heads, self.cycles = heads, cycles
        self.outside = numpy.flatnonzero(~in_cycle)  # the root (0) is never in a cycle
        kept, count = len(self.outside), len(self.outside) + len(cycles)
        # Children merged: reduced[new child, original head].
        reduced = numpy.empty((count, size))
        reduced[:kept] = scores[self.outside]
        self.entered_at = []  # per cycle: the member an arc from each original head enters
        for index, cycle in enumerate(cycles):
            gains = scores[cycle] - scores[cycle, heads[cycle]][:, None]
            best = gains.argmax(axis=0)
            self.entered_at.append(cycle[best])
            reduced[kept + index] = gains[best, numpy.arange(size)]
        # Heads merged: contracted[new child, new head]; best_head[new child, cycle].
        contracted = numpy.empty((count, count))
        contracted[:, :kept] = reduced[:, self.outside]
        self.best_head = numpy.empty((count, len(cycles)), dtype=numpy.int64)
        for index, cycle in enumerate(cycles):
            block = reduced[:, cycle]
            best = block.argmax(axis=1)
            self.best_head[:, index] = cycle[best]
            contracted[:, kept + index] = block[numpy.arange(count), best]
        self.contracted = contracted

    def expand(self, contracted_heads: numpy.ndarray) -> numpy.ndarray:
        kept = len(self.outside)
        rows = numpy.arange(len(contracted_heads))
        in_cycle = numpy.clip(contracted_heads - kept, 0, len(self.cycles) - 1)
        original = numpy.where(
            contracted_heads < kept,
            self.outside[numpy.minimum(contracted_heads, kept - 1)],
            self.best_head[rows, in_cycle],
        )
        heads = self.heads.copy()
        heads[self.outside] = original[:kept]
        for index, entered_at in enumerate(self.entered_at):
            head = original[kept + index]
            heads[entered_at[head]] = head
        heads[0] = 0
        return heads


def _find_cycles(heads: numpy.ndarray) -> list[numpy.ndarray]:
    """Every cycle among `heads` (node 0, the root, points at itself), as arrays of nodes."""
    parent = heads.tolist()
    state = [0] * len(parent)  # 0 unseen, 1 on the path being followed, 2 done
    state[0] = 2
    cycles = []
    for start in range(1, len(parent)):
        path, node = [], start
        while state[node] == 0:
            state[node] = 1
            path.append(node)
            node = parent[node]
        if state[node] == 1:
            cycles.append(numpy.array(path[path.index(node) :], dtype=numpy.int64))
        for visited in path:
            state[visited] = 2
    return cycles
