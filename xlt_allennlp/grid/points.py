"""The points of `allennlp grid-search`: the grid, its points in a fixed order, each point's
directory name and ext vars, and `--seeds` / `--shard` parsing.

A grid maps ext var names to lists of values; its points are every combination, in the order the
grid lists names and values (the first name varies slowest), each repeated once per seed (seeds
innermost). A point's ext vars are its values as text (strings as they are, other JSON values as
JSON: `3e-05`, `true`, `[0, 1]`), read by the config like any ext var; ext vars outside the grid
keep the values the config (or the environment) gives them.
"""

import hashlib
import itertools
import json
import os
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from allennlp.common import Params

from xlt_allennlp.common.errors import ConfigError

# Wu & Dredze (2019), section 5: 12 points.
DEFAULT_GRID: dict[str, list[Any]] = {
    "lr": [2e-5, 3e-5, 5e-5],
    "batch_size": [16, 32],
    "epochs": [3, 4],
}
SEED = "seed"  # the ext var `--seeds` sets (training_configs/lib/recipe.libsonnet)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MAX_NAME = 200  # directory names longer than this are shortened (file systems allow 255 bytes)


def ext_var_text(value: Any) -> str:
    """A grid value as an ext var: a string unchanged, anything else as JSON (`3e-05`, `16`)."""
    return value if isinstance(value, str) else json.dumps(value)


def directory_name(values: dict[str, Any]) -> str:
    """`lr=3e-05,batch_size=32,epochs=4,seed=13`: the values in order, characters a path cannot
    hold (`/`, spaces) %-escaped; a very long name is cut and ends in a hash of the whole."""
    name = ",".join(f"{key}={ext_var_text(value)}" for key, value in values.items())
    name = quote(name, safe="=,.+-_@:[]") or "default"
    if len(name) > _MAX_NAME:
        name = name[: _MAX_NAME - 13] + "~" + hashlib.sha1(name.encode()).hexdigest()[:12]
    return name


@dataclass(frozen=True)
class Point:
    """One training run of the grid: its grid settings (in grid order) and its seed."""

    settings: tuple[tuple[str, Any], ...]
    seed: int | None = None

    def values(self) -> dict[str, Any]:
        """Every ext var the point sets, the seed last."""
        values = dict(self.settings)
        if self.seed is not None:
            values[SEED] = self.seed
        return values

    @property
    def name(self) -> str:
        """The point's directory name (under the grid's directory)."""
        return directory_name(self.values())

    @property
    def group(self) -> str:
        """The name of its settings without the seed: the points of one group differ by seed."""
        return directory_name(dict(self.settings))

    def ext_vars(self) -> dict[str, str]:
        return {key: ext_var_text(value) for key, value in self.values().items()}


def grid_points(grid: dict[str, list[Any]], seeds: list[int] | None = None) -> list[Point]:
    """Every combination of the grid's values, in grid order, each once per seed."""
    if seeds and SEED in grid:
        raise ConfigError(f"the grid sets {SEED!r} and --seeds is given: use one of the two")
    names = list(grid)
    combinations = itertools.product(*(grid[name] for name in names))
    return [
        Point(tuple(zip(names, values, strict=True)), seed)
        for values in combinations
        for seed in (seeds or [None])
    ]


def shard_points(points: list[Point], shard: tuple[int, int]) -> list[Point]:
    """`--shard K/N`: every N-th point from the K-th (0-based), so N copies split the grid."""
    index, count = shard
    return points[index::count]


def parse_grid(text: str | None) -> dict[str, list[Any]]:
    """`--grid`: a JSON object (`'{"lr": [2e-5, 3e-5]}'`) or a JSON/Jsonnet file holding one;
    None gives the paper's grid. A single value stands for a list of one."""
    if text is None:
        return dict(DEFAULT_GRID)
    if text.lstrip().startswith("{"):
        try:
            grid = json.loads(text)
        except json.JSONDecodeError as error:
            raise ConfigError(f"--grid is not valid JSON: {error}") from None
    elif os.path.isfile(text):
        try:
            grid = Params.from_file(text).as_dict(quiet=True)
        except RuntimeError as error:  # a Jsonnet error
            raise ConfigError(f"--grid {text}: {str(error).splitlines()[0]}") from None
    else:
        raise ConfigError(f"--grid {text!r} is neither a JSON object nor an existing file")
    return check_grid(grid, text)


def check_grid(grid: Any, source: str = "") -> dict[str, list[Any]]:
    """The grid with every value a list of distinct values; a one-line error otherwise."""
    if not isinstance(grid, dict) or not grid:
        where = f"--grid {source}" if source else "the grid"
        raise ConfigError(f"{where}: expected a non-empty object of ext var: [values]")
    checked: dict[str, list[Any]] = {}
    for name, values in grid.items():
        if not _NAME.match(name):
            raise ConfigError(f"--grid: {name!r} is not an ext var name (letters, digits, _)")
        values = values if isinstance(values, list) else [values]
        texts = [ext_var_text(value) for value in values]
        if not values or len(set(texts)) < len(texts):
            raise ConfigError(f"--grid: {name!r} needs one or more distinct values, not {values}")
        checked[name] = values
    return checked


def parse_seeds(text: str | None) -> list[int] | None:
    """`--seeds 1,2,3` -> [1, 2, 3]."""
    if not text:
        return None
    try:
        seeds = [int(seed) for seed in text.split(",") if seed.strip()]
    except ValueError:
        raise ConfigError(f"--seeds {text!r}: expected integers separated by commas") from None
    if not seeds or len(set(seeds)) < len(seeds):
        raise ConfigError(f"--seeds {text!r}: expected distinct integers, e.g. 1,2,3")
    return seeds


def parse_shard(text: str | None) -> tuple[int, int]:
    """`--shard K/N` -> (K, N), 0 <= K < N; None -> (0, 1), the whole grid."""
    if not text:
        return (0, 1)
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match or not int(match.group(1)) < int(match.group(2)):
        raise ConfigError(f"--shard {text!r}: expected K/N with 0 <= K < N, e.g. 0/4")
    return int(match.group(1)), int(match.group(2))
