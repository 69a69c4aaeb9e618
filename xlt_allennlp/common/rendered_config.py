"""The config as allennlp reads it, with the ext vars it read (`allennlp print-config`)."""

import json
import os
import sys

from allennlp.common import Params

from xlt_allennlp.common.ext_var_names import ext_vars_read_by


def ext_var_summary(config: str, environment: dict[str, str] | None = None) -> str:
    """One line per ext var `config` reads: `name=value` for the ones set (non-empty, as
    `training_configs/lib/args.libsonnet` counts them), then the names left at their default."""
    environment = dict(os.environ if environment is None else environment)
    read = sorted(ext_vars_read_by(config))
    given = [name for name in read if environment.get(name, "") != ""]
    lines = [f"// ext vars read by {config}: {len(read)}, {len(given)} set"]
    lines += [f"//   {name}={environment[name]}" for name in given]
    defaults = [name for name in read if name not in given]
    if defaults:
        lines.append("//   at their defaults: " + ", ".join(defaults))
    return "\n".join(lines)


def print_config(config: str, overrides: str = "") -> dict:
    """Prints the ext var summary (stderr) and the rendered config as JSON (stdout): what
    `allennlp train` would build, the recipe's optimizer, schedule and sampler included."""
    rendered = Params.from_file(config, overrides).as_dict(quiet=True)
    print(ext_var_summary(config), file=sys.stderr, flush=True)
    print(json.dumps(rendered, indent=2, ensure_ascii=False), flush=True)
    return rendered
