from xlt_allennlp.commands.average_weights import AverageWeights
from xlt_allennlp.commands.compare_results import CompareResults, compare_results
from xlt_allennlp.commands.evaluate_languages import EvaluateLanguages, evaluate_languages
from xlt_allennlp.commands.grid_search import GridSearch, grid_search
from xlt_allennlp.commands.print_config import PrintConfig, print_config

__all__ = [
    "AverageWeights",
    "CompareResults",
    "EvaluateLanguages",
    "GridSearch",
    "PrintConfig",
    "compare_results",
    "evaluate_languages",
    "grid_search",
    "print_config",
]
