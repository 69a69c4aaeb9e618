from xlt_allennlp.training.learning_rate_schedulers import LinearWithWarmupRatio

__all__ = ["LinearWithWarmupRatio"]
