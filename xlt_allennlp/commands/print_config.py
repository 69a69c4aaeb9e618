"""`allennlp print-config CONFIG`: the config as allennlp reads it, with the ext vars it read
(the library: `xlt_allennlp.common.rendered_config`)."""

import argparse

from allennlp.commands.subcommand import Subcommand

from xlt_allennlp.common.rendered_config import print_config


@Subcommand.register("print-config")
class PrintConfig(Subcommand):
    """`allennlp print-config`: a config as `allennlp train` reads it, and the ext vars it reads.

    Registered as a `Subcommand` with name "print-config". Renders a Jsonnet config with the ext
    vars of the environment (and `-o` overrides) applied, exactly as `allennlp train` reads it,
    and prints it as JSON on stdout; on stderr, which ext vars the config reads, with the values
    of those set and the names of those left at their defaults. Ext vars that look like mistyped
    names of read ones get a warning, as in `train`.

    # Usage

    ```
    allennlp print-config CONFIG [-o OVERRIDES]
    ```

    - `CONFIG`: a training config (`.jsonnet` or `.json`).
    - `-o`, `--overrides`: allennlp overrides (JSON).

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
