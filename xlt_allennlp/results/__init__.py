"""Result tables: one model per language (`languages`), means and spreads over seeds (`seeds`),
strategies against a baseline (`comparison`, with its figures) and the model selection report
(`selection_report`). Figures import matplotlib only when drawn."""

from xlt_allennlp.results.comparison import Comparison, compare_results
from xlt_allennlp.results.languages import LanguageResults, write_table_files
from xlt_allennlp.results.seeds import SeedResults
from xlt_allennlp.results.selection_report import SelectionReport, SettingsScores

__all__ = [
    "Comparison",
    "LanguageResults",
    "SeedResults",
    "SelectionReport",
    "SettingsScores",
    "compare_results",
    "write_table_files",
]
