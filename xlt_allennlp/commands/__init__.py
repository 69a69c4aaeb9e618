"""The `allennlp` subcommands: one thin module each (arguments, then a call of the library in
`evaluation/`, `results/`, `grid/`, `analysis/`, `training/` or `common/`)."""

from xlt_allennlp.commands.average_weights import AverageWeights
from xlt_allennlp.commands.compare_results import CompareResults
from xlt_allennlp.commands.evaluate_languages import EvaluateLanguages
from xlt_allennlp.commands.grid_search import GridSearch
from xlt_allennlp.commands.langid_layers import LangidLayers
from xlt_allennlp.commands.layer_similarity import LayerSimilarityCommand
from xlt_allennlp.commands.print_config import PrintConfig
from xlt_allennlp.commands.subword_overlap import SubwordOverlap
from xlt_allennlp.common.rendered_config import print_config
from xlt_allennlp.evaluation.languages import evaluate_languages
from xlt_allennlp.grid.search import grid_search
from xlt_allennlp.results.comparison import compare_results

__all__ = [
    "AverageWeights",
    "CompareResults",
    "EvaluateLanguages",
    "GridSearch",
    "LangidLayers",
    "LayerSimilarityCommand",
    "PrintConfig",
    "SubwordOverlap",
    "compare_results",
    "evaluate_languages",
    "grid_search",
    "print_config",
]
