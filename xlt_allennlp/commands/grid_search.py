"""`allennlp grid-search`: the paper's hyper-parameter search with selection on the source dev
set (the library: `xlt_allennlp.grid`)."""

import argparse

from allennlp.commands.subcommand import Subcommand

from xlt_allennlp.evaluation.languages import metric_list
from xlt_allennlp.grid.points import parse_grid, parse_seeds, parse_shard
from xlt_allennlp.grid.search import GridSearchResult, grid_search


@Subcommand.register("grid-search")
class GridSearch(Subcommand):
    """`allennlp grid-search`: trains a config at every point of a grid and selects on source dev.

    Registered as a `Subcommand` with name "grid-search". Trains the config at every point of a
    grid of ext vars (default: the paper's lr {2e-5, 3e-5, 5e-5} x batch_size {16, 32} x epochs
    {3, 4}; `--grid` JSON or a JSON/Jsonnet file replaces it; `--seeds 1,2,3` repeats each point
    per seed), each in `DIR/<settings>/`, and selects by the source dev score
    (`best_validation_<metric>`, the config's validation metric; with seeds the mean). Writes
    `DIR/grid.json` and `DIR/grid.md`. `--evaluate FILE ...` then evaluates every point on the
    target languages (each point's `languages.json`), writes the selected model(s)' table to
    `DIR/selected_languages.json` (.csv, .md) and the selection report to `DIR/selection.json`
    (.csv, .md, .png): per language, the source-dev choice beside the oracle (the settings best
    on `--target-dev LANG=PATH ...` files; without them the best on the test file itself, marked
    as an upper bound), the grid's spread, and the rank correlation between source dev and target
    scores; `--soup` adds the uniform weight average of each seed's points. Rerunning skips
    finished points, resumes partial ones and retries failed ones. `--shard K/N` trains every
    N-th point from the K-th: N copies split the grid; copies sharing DIR never train one point
    at once.

    # Usage

    ```
    allennlp grid-search CONFIG -s DIR [--grid GRID] [--seeds 1,2,3] [--shard K/N]
        [--claim-timeout SECONDS] [-o OVERRIDES] [--evaluate FILE ...]
        [--target-dev LANG=PATH ...] [--soup] [--metrics M1,M2] [--source-language en]
        [--cuda-device N]
    ```

    - `CONFIG`: the training config (`.jsonnet`).
    - `-s`, `--serialization-dir DIR` (required): the grid directory.
    - `--grid`: ext vars and their values, as JSON (`'{"lr": [2e-5, 3e-5], "freeze": ["none",
      3]}'`) or a JSON/Jsonnet file.
    - `--seeds`: train every point once per seed.
    - `--shard K/N`: train every N-th point from the K-th.
    - `--claim-timeout` (default 3600): seconds after which a point's claim that nobody
      refreshes is taken over.
    - `-o`, `--overrides`: allennlp overrides (JSON).
    - `--evaluate FILE ...`: target-language files, as for `evaluate-languages`: every point is
      evaluated once the grid is finished.
    - `--target-dev LANG=PATH ...`: target dev files, for the selection report's oracle only
      (never for selection).
    - `--soup`: also average the weights of each seed's points and report the soup.
    - `--metrics`, `--source-language` (default `en`), `--cuda-device` (default -1): as for
      `evaluate-languages`, for `--evaluate`.

    ```
    allennlp grid-search training_configs/pos.jsonnet -s runs/pos-grid --shard 0/2
    ```
    """

    def add_subparser(self, parser: argparse._SubParsersAction) -> argparse.ArgumentParser:
        description = "Grid search over ext vars with selection on the source dev set."
        subparser = parser.add_parser(self.name, description=description, help=description)
        subparser.add_argument("config", help="the training config (.jsonnet)")
        subparser.add_argument("-s", "--serialization-dir", required=True, help="grid directory")
        subparser.add_argument(
            "--grid",
            help='ext vars and values, JSON (\'{"lr": [2e-5, 3e-5], "freeze": ["none", 3]}\') '
            "or a JSON/Jsonnet file; replaces the paper's lr x batch_size x epochs grid",
        )
        subparser.add_argument("--seeds", help="train every point once per seed, e.g. 1,2,3")
        subparser.add_argument("--shard", help="K/N: train every N-th point from the K-th")
        subparser.add_argument(
            "--claim-timeout",
            type=float,
            default=3600.0,
            help="seconds after which a claim nobody refreshes is taken over (default: 3600)",
        )
        subparser.add_argument("-o", "--overrides", default="", help="allennlp overrides (JSON)")
        subparser.add_argument(
            "--evaluate", nargs="+", metavar="FILE", help="target-language files, as for "
            "evaluate-languages: evaluate every point once the grid is finished",
        )  # fmt: skip
        subparser.add_argument(
            "--target-dev", nargs="+", metavar="LANG=PATH", help="target dev files, for the "
            "selection report's oracle only (never for selection)",
        )  # fmt: skip
        subparser.add_argument(
            "--soup", action="store_true", help="also average the weights of each seed's "
            "points (a uniform model soup) and report it",
        )  # fmt: skip
        subparser.add_argument("--metrics", type=metric_list)
        subparser.add_argument("--source-language", default="en")
        subparser.add_argument("--cuda-device", type=int, default=-1, help="for --evaluate")
        subparser.set_defaults(func=_from_args)
        return subparser


def _from_args(args: argparse.Namespace) -> GridSearchResult:
    return grid_search(
        args.config,
        args.serialization_dir,
        grid=parse_grid(args.grid),
        seeds=parse_seeds(args.seeds),
        shard=parse_shard(args.shard),
        claim_timeout=args.claim_timeout,
        overrides=args.overrides,
        evaluate=args.evaluate,
        target_dev=args.target_dev,
        soups=args.soup,
        metrics=args.metrics,
        source_language=args.source_language or None,
        cuda_device=args.cuda_device,
    )
