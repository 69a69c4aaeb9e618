"""`allennlp average-weights ARCHIVE... --output-file OUT.tar.gz`: a uniform model soup."""

import argparse

from allennlp.commands.subcommand import Subcommand

from xlt_allennlp.training.weight_averaging import average_archives


@Subcommand.register("average-weights")
class AverageWeights(Subcommand):
    """`allennlp average-weights`: one archive whose weights average those of several archives.

    Registered as a `Subcommand` with name "average-weights". The weights are the uniform
    average of the given archives' (Wortsman et al. 2022's uniform soup): models of one config
    fine-tuned from the same initialisation, e.g. the points of a grid with one seed, or
    checkpoints of one run. No target-language data is used. The archives must share the model
    configuration and the vocabulary.

    # Usage

    ```
    allennlp average-weights ARCHIVE [ARCHIVE ...] --output-file OUT.tar.gz
    ```

    - `ARCHIVE ...`: the `model.tar.gz` files of one config.
    - `--output-file OUT.tar.gz` (required): the averaged archive.

    ```
    allennlp average-weights runs/grid/lr=2e-05*/model.tar.gz runs/grid/lr=3e-05*/model.tar.gz \\
        --output-file runs/soup/model.tar.gz
    ```
    """

    def add_subparser(self, parser: argparse._SubParsersAction) -> argparse.ArgumentParser:
        description = "Average the weights of archives of one config into one archive."
        subparser = parser.add_parser(self.name, description=description, help=description)
        subparser.add_argument("archives", nargs="+", help="model.tar.gz files of one config")
        subparser.add_argument("--output-file", required=True, help="the averaged archive")
        subparser.set_defaults(func=_from_args)
        return subparser


def _from_args(args: argparse.Namespace) -> str:
    path = average_archives(args.archives, args.output_file)
    print(f"average-weights: wrote {path} (the mean of {len(args.archives)} archives)")
    return path
