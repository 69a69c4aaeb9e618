"""Per-language evaluation of trained models (`allennlp evaluate-languages`): the inputs named by
language, the evaluation loop, and predictions written from the same forward passes."""

from xlt_allennlp.evaluation.languages import (
    LanguageLoaders,
    LanguagesNotEvaluated,
    evaluate_languages,
    language_of,
    parse_inputs,
)
from xlt_allennlp.evaluation.predictions import evaluate_and_predict

__all__ = [
    "LanguageLoaders",
    "LanguagesNotEvaluated",
    "evaluate_and_predict",
    "evaluate_languages",
    "language_of",
    "parse_inputs",
]
