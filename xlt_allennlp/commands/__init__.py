from xlt_allennlp.commands.evaluate_languages import EvaluateLanguages, evaluate_languages

__all__ = ["EvaluateLanguages", "evaluate_languages"]
