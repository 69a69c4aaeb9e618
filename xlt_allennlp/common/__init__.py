"""Shared infrastructure: config ext vars, one-line configuration errors, encoder loading checks."""

from xlt_allennlp.common.errors import (
    ConfigError,
    report_config_errors_in_one_line,
    running_allennlp_command,
)
from xlt_allennlp.common.ext_vars import EXT_VARS_KEY, expose_ext_vars_to_jsonnet

__all__ = [
    "EXT_VARS_KEY",
    "ConfigError",
    "expose_ext_vars_to_jsonnet",
    "report_config_errors_in_one_line",
    "running_allennlp_command",
]
