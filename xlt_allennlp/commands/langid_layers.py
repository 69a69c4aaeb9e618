"""`allennlp langid-layers`: the language-ID probe of every encoder layer, paper Figure 2 (the
library: `xlt_allennlp.analysis.langid_layers`)."""

import argparse
from typing import Any

from allennlp.commands.subcommand import Subcommand

from xlt_allennlp.analysis.langid_layers import langid_layers


@Subcommand.register("langid-layers")
class LangidLayers(Subcommand):
    """`allennlp langid-layers`: language-ID probe accuracy for every layer of an encoder.

    Registered as a `Subcommand` with name "langid-layers". The language-ID probe (`langid_probe`:
    mean-pooled hidden states of one layer, linear softmax, the feature-based recipe) for every
    layer of the config's encoder, or the listed ones, on the config's `wili` reader and data
    paths (ext vars as for `allennlp train`). Each paragraph goes through the encoder once; all
    layers' mean vectors are cached on disk by encoder identity, max subwords and texts, so a
    second call reuses them. Writes `DIR/langid_layers.json` (accuracy, dev accuracy,
    per-language accuracy and most-confused pairs per layer; data sizes, dev hold-out seed and
    size, recipe), `.md` and `.png`.

    # Usage

    ```
    allennlp langid-layers CONFIG -s DIR [--layers all|0,6,12] [--cache-dir DIR]
        [--cuda-device N] [-o OVERRIDES]
    ```

    - `CONFIG`: a language-ID config (`training_configs/langid.jsonnet`).
    - `-s`, `--serialization-dir DIR` (required): the output folder.
    - `--layers` (default `all`): `all`, or the comma-separated layers to probe.
    - `--cache-dir`: the feature cache folder (default `$XLT_FEATURE_CACHE` or
      `~/.cache/xlt_allennlp/layer_features`).
    - `--cuda-device` (default -1, the CPU): the device to run on.
    - `-o`, `--overrides`: allennlp overrides (JSON) of the config.
    """

    def add_subparser(self, parser: argparse._SubParsersAction) -> argparse.ArgumentParser:
        description = "Language-ID probe accuracy per encoder layer (features cached)."
        subparser = parser.add_parser(self.name, description=description, help=description)
        subparser.add_argument(
            "config_file", help="a langid config (training_configs/langid.jsonnet)"
        )
        subparser.add_argument("-s", "--serialization-dir", required=True, help="output folder")
        subparser.add_argument("--layers", default="all", help="`all` (default) or e.g. 0,6,12")
        subparser.add_argument("--cache-dir", default=None, help="feature cache folder")
        subparser.add_argument("--cuda-device", type=int, default=-1)
        subparser.add_argument("-o", "--overrides", type=str, default="")
        subparser.set_defaults(func=_from_args)
        return subparser


def _from_args(args: argparse.Namespace) -> dict[str, Any]:
    return langid_layers(
        args.config_file,
        args.serialization_dir,
        layers=args.layers,
        overrides=args.overrides,
        cache_dir=args.cache_dir,
        cuda_device=args.cuda_device,
    )
