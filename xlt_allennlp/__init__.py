"""xlt_allennlp: zero-shot cross-lingual transfer with multilingual encoders, for AllenNLP.

Importing the package applies the compatibility patches (`xlt_allennlp.compat`) and registers
every component (dataset readers, token indexers/embedders, models, predictors, schedulers and
the `evaluate-languages` command).
"""

from xlt_allennlp import compat

compat.apply()

from xlt_allennlp import (  # noqa: E402
    commands,
    data,
    dataset_readers,
    models,
    modules,
    predictors,
    training,
)

__version__ = "0.1.0"
__all__ = [
    "commands",
    "compat",
    "data",
    "dataset_readers",
    "models",
    "modules",
    "predictors",
    "training",
]
