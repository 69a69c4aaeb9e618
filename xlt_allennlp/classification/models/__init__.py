from xlt_allennlp.classification.models.transformer_classifier import TransformerClassifier

__all__ = ["TransformerClassifier"]
