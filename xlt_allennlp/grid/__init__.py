"""The hyper-parameter grid search (`allennlp grid-search`): its points (`points`), the claims
that keep copies sharing a directory apart (`claims`), training (`training`), selection on the
source dev score (`selection`), the grid report (`report`), evaluation of the points on the
target languages (`evaluation`) and the loop over all of it (`search`)."""

from xlt_allennlp.grid.search import GridSearchResult, PointsFailed, grid_search

__all__ = ["GridSearchResult", "PointsFailed", "grid_search"]
