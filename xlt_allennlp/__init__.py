"""xlt_allennlp: zero-shot cross-lingual transfer with multilingual encoders, for AllenNLP.

Importing the package applies the compatibility patches (`xlt_allennlp.compat`), lets Jsonnet
configs default their ext vars (`xlt_allennlp.common.ext_vars`) and registers every component
(dataset readers, token indexers/embedders, models, predictors, schedulers, trainer and the
commands), each under its own name. In the `allennlp` command-line process only, uncaught
configuration and input-file errors are printed as one line (`common.errors`).
"""

from xlt_allennlp import compat

compat.apply()

from xlt_allennlp import common  # noqa: E402

common.expose_ext_vars_to_jsonnet()
if common.running_allennlp_command():  # the command line only: a program keeps its own hook
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
