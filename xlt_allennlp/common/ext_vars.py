"""Ext vars with defaults, and required ones, for the Jsonnet configs.

Jsonnet's `std.extVar` fails on an unset variable and cannot test for one, so a config could not
run without every variable set. allennlp passes the environment (and any explicit `ext_vars`) to
Jsonnet; `expose_ext_vars_to_jsonnet` adds one more ext var, `XLT_EXT_VARS`, holding all of them
as a JSON object, which `training_configs/lib/args.libsonnet` reads with `std.objectHas` (for
`args.str`/`args.json` with defaults and `args.required`).
"""

import json
import re
from typing import Any

from xlt_allennlp.common.encoders import absolute_encoder_paths
from xlt_allennlp.common.errors import ConfigError
from xlt_allennlp.common.ext_var_names import (
    reads_package_ext_vars,
    warn_about_mistyped_ext_vars,
)

EXT_VARS_KEY = "XLT_EXT_VARS"
# What `args.required` raises in Jsonnet: `XLT_MISSING_EXT_VAR <name>: <hint>`.
_MISSING = re.compile(r"XLT_MISSING_EXT_VAR (\w+): ([^\n]*)")


def jsonnet_error_message(error: RuntimeError) -> str:
    """One line from a Jsonnet error: its message (a failed `assert` of a config says what to
    change) and where it was raised, without the stack of Jsonnet frames."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    message = lines[0].removeprefix("RUNTIME ERROR: ") if lines else "Jsonnet error"
    location = lines[1].split("\t")[0] if len(lines) > 1 else ""
    return f"{message} (at {location})" if location else message


def expose_ext_vars_to_jsonnet() -> None:
    """Wraps allennlp's Jsonnet evaluation, for the configs that read `XLT_EXT_VARS` only (a
    config that does not, such as allennlp-models', is evaluated by allennlp's function as it
    is): adds `XLT_EXT_VARS`, turns the error of a missing
    required ext var, and any other Jsonnet error (a config's `assert` on its ext vars, a syntax
    error), into a one-line `ConfigError` instead of a Jsonnet stack trace, warns about given
    ext vars that look like mistyped names the config reads (`warn_about_mistyped_ext_vars`),
    and makes local encoder paths absolute (`absolute_encoder_paths`)."""
    import allennlp.common.params as allennlp_params

    original = allennlp_params.evaluate_file
    if getattr(original, "_xlt_ext_vars", False):
        return

    def evaluate_file(filename: str, **kwargs: Any) -> str:
        if not reads_package_ext_vars(filename):  # not one of ours: allennlp's own behaviour
            return original(filename, **kwargs)
        ext_vars = dict(kwargs.pop("ext_vars", None) or {})
        ext_vars.setdefault(EXT_VARS_KEY, json.dumps(ext_vars))
        warn_about_mistyped_ext_vars(filename, ext_vars)
        try:
            return absolute_encoder_paths(original(filename, ext_vars=ext_vars, **kwargs))
        except RuntimeError as error:
            missing = _MISSING.search(str(error))
            if missing is not None:
                name, hint = missing.groups()
                raise ConfigError(f"{filename} needs the ext var {name}: {hint}") from None
            raise ConfigError(f"{filename}: {jsonnet_error_message(error)}") from None

    evaluate_file._xlt_ext_vars = True  # type: ignore[attr-defined]
    allennlp_params.evaluate_file = evaluate_file
