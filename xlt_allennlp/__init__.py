"""xlt_allennlp: zero-shot cross-lingual transfer with multilingual encoders, for AllenNLP.

Importing the package applies the compatibility patches (`xlt_allennlp.compat`) and registers
every component (dataset readers, token indexers/embedders, models, predictors, schedulers and
the `evaluate-languages` command).
"""

from xlt_allennlp import compat

compat.apply()

from xlt_allennlp import common  # noqa: E402

common.expose_ext_vars_to_jsonnet()
common.report_config_errors_in_one_line()

from xlt_allennlp import (  # noqa: E402
    analysis,
    classification,
    commands,
    data,
    modules,
    parsing,
    tagging,
    training,
)

__all__ = [
    "analysis",
    "classification",
    "commands",
    "common",
    "compat",
    "data",
    "modules",
    "parsing",
    "tagging",
    "training",
]
