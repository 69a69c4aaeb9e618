"""`allennlp print-config CONFIG`: the config as allennlp reads it, with the ext vars it read."""

import argparse
import json
import os
import sys

from allennlp.commands.subcommand import Subcommand
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


@Subcommand.register("print-config")
class PrintConfig(Subcommand):
    """Registered subcommand `allennlp print-config CONFIG [-o OVERRIDES]`.

    Renders a Jsonnet config with the ext vars of the environment (and `-o` overrides) applied,
    exactly as `allennlp train` reads it, and prints it as JSON on stdout; on stderr, which ext
    vars the config reads, with the values of those set and the names of those left at their
    defaults. Ext vars that look like mistyped names of read ones get a warning, as in `train`.

    ```
    lr=3e-5 allennlp print-config training_configs/pos.jsonnet > pos.json
    ```
    """

    def add_subparser(self, parser: argparse._SubParsersAction) -> argparse.ArgumentParser:
        description = (
            "Print a config as allennlp reads it (ext vars applied) and the ext vars it reads."
        )
        subparser = parser.add_parser(self.name, description=description, help=description)
        subparser.add_argument("config", help="a training config (.jsonnet or .json)")
        subparser.add_argument("-o", "--overrides", default="", help="allennlp overrides (JSON)")
        subparser.set_defaults(func=lambda args: print_config(args.config, args.overrides))
        return subparser
