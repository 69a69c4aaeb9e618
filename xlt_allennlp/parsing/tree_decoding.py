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
    ignored). Returns `heads` with `heads[0] = 0`. Every node takes its best head; following
    best heads from each node in turn, a cycle met is contracted at once into one node, which
    takes the row and column of one of its members (an arc into the cycle scored by what it
    gains over the cycle arc it replaces, an arc out of it by its best member), and the walk
    goes on from it; the contractions are undone in reverse order at the end. A contraction of
    m nodes costs O(m n) numpy work and the members of all cycles number fewer than 2n, so the
    whole is O(n^2) (Tarjan 1977's order of work on a dense graph), where solving each round's
    contracted graph anew, as textbook Chu-Liu-Edmonds does, costs O(n^2) per round and flat
    scores (an untrained parser's) take hundreds of rounds on a 600-word sentence.
    """
    current = numpy.array(scores, dtype=numpy.float64)
    size = len(current)
    numpy.fill_diagonal(current, -numpy.inf)
    current[0] = -numpy.inf
    best = current.argmax(axis=1)
    best[0] = 0
    active = numpy.ones(size, dtype=bool)
    contractions: list[_Contraction] = []
    state = [0] * size  # 0 not reached yet, 1 on the walk being followed, 2 reaches the root
    state[0] = 2
    for start in range(1, size):
        path: list[int] = []
        node = start
        while state[node] != 2:
            if state[node] == 1:  # a cycle: the path from `node` on
                at = path.index(node)
                contraction = _Contraction(current, best, active, numpy.array(path[at:]))
                contractions.append(contraction)
                del path[at:]
                for member in contraction.members.tolist():
                    state[member] = 2  # out of the graph (none points at it any more) ...
                node = contraction.node  # ... but for the merged node, which the walk goes on
            state[node] = 1
            path.append(node)
            node = int(best[node])
        for visited in path:
            state[visited] = 2
    heads = best
    for contraction in reversed(contractions):
        contraction.expand(heads)
    heads[0] = 0
    return heads


class _Contraction:
    """One cycle of the best heads merged, in place, into its first member's row and column."""

    def __init__(
        self,
        scores: numpy.ndarray,
        best: numpy.ndarray,
        active: numpy.ndarray,
        members: numpy.ndarray,
    ) -> None:
        self.node = node = int(members[0])
        self.members = members
        self.member_heads = best[members].copy()  # each member's head inside the cycle
        columns = numpy.arange(len(best))
        # Into the cycle from each head: the member entered and what the arc gains there.
        gains = scores[members] - scores[members, self.member_heads][:, None]
        entered = gains.argmax(axis=0)
        self.entered_at = members[entered]
        into = gains[entered, columns]
        # Out of the cycle to each child: the member it hangs from and that arc's score.
        block = scores[:, members]
        source = block.argmax(axis=1)
        self.leaves_from = members[source]
        out_of = block[columns, source]
        others = members[1:]
        active[others] = False
        scores[:, node] = out_of
        scores[node] = into
        scores[:, others] = -numpy.inf
        scores[others] = -numpy.inf
        scores[node, members] = -numpy.inf
        in_cycle = numpy.zeros(len(best), dtype=bool)
        in_cycle[members] = True
        best[active & in_cycle[best]] = node  # (numpy.isin costs more on short sentences)
        best[node] = scores[node].argmax()
        self.active = active.copy()  # the nodes of the contracted graph

    def expand(self, heads: numpy.ndarray) -> None:
        """Rewrites `heads` (of the contracted graph's nodes) into the graph before."""
        node = self.node
        children = self.active & (heads == node)
        children[node] = False
        heads[children] = self.leaves_from[children]
        head = heads[node]
        heads[self.members] = self.member_heads
        heads[self.entered_at[head]] = head
