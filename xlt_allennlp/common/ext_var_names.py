"""Which ext vars a Jsonnet config reads, and the given ones that look like mistyped names.

allennlp passes the whole environment to Jsonnet as ext vars, so `epoch=1 allennlp train
pos.jsonnet` (the config reads `epochs`) would silently train with the default. The names a
config reads are found in its text and the files it imports (`args.str('name', ...)`,
`args.json(...)`, `args.required(...)`, `std.extVar('name')`); a given name that is not read but
is close to one that is (or a known alias of it) gets one warning line.
"""

import difflib
import functools
import logging
import os
import re
from collections.abc import Iterable, Mapping

logger = logging.getLogger(__name__)

_READ = re.compile(
    r"""(?:\b\w+\.(?:str|json|required)|std\.extVar)\(\s*['"]([A-Za-z_]\w*)['"]"""
)
_IMPORT = re.compile(r"""\bimport\s+['"]([^'"]+)['"]""")

# Names users reach for from other tools (Hugging Face, PyTorch scripts) -> our ext var.
ALIASES: dict[str, str] = {
    "learning_rate": "lr",
    "learningrate": "lr",
    "encoder_lr": "lr",
    "epoch": "epochs",
    "num_epochs": "epochs",
    "n_epochs": "epochs",
    "num_train_epochs": "epochs",
    "max_epochs": "epochs",
    "bs": "batch_size",
    "batchsize": "batch_size",
    "train_batch_size": "batch_size",
    "lr_head": "head_lr",
    "head_learning_rate": "head_lr",
    "model": "encoder",
    "model_name": "encoder",
    "model_name_or_path": "encoder",
    "pretrained_model": "encoder",
    "transformer": "encoder",
    "train": "train_path",
    "train_file": "train_path",
    "train_data_path": "train_path",
    "dev": "dev_path",
    "dev_file": "dev_path",
    "validation_path": "dev_path",
    "validation_data_path": "dev_path",
    "valid_path": "dev_path",
    "test": "test_path",
    "test_file": "test_path",
    "test_data_path": "test_path",
    "gpu": "cuda_device",
    "device": "cuda_device",
    "cuda": "cuda_device",
    "freeze_layers": "freeze",
    "warmup": "warmup_ratio",
    "warmup_proportion": "warmup_ratio",
    "random_seed": "seed",
    "max_seq_length": "max_length",
    "max_len": "max_length",
}


@functools.cache
def _names_read_by_file(path: str) -> frozenset[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError:
        return frozenset()
    names = set(_READ.findall(text))
    for imported in _IMPORT.findall(text):
        imported_path = os.path.normpath(os.path.join(os.path.dirname(path), imported))
        names |= _names_read_by_file(imported_path)
    return frozenset(names)


def reads_package_ext_vars(config_path: str) -> bool:
    """Whether `config_path` (or a file it imports) reads `XLT_EXT_VARS`: the package's configs
    do, through `training_configs/lib/args.libsonnet`; any other config does not."""
    return "XLT_EXT_VARS" in _names_read_by_file(os.path.abspath(config_path))


def ext_vars_read_by(config_path: str) -> set[str]:
    """The ext var names `config_path` and the files it imports read (from their text), less
    `XLT_EXT_VARS` (all of them as one JSON object, see `xlt_allennlp.common.ext_vars`)."""
    return set(_names_read_by_file(os.path.abspath(config_path))) - {"XLT_EXT_VARS"}


def close_name(given: str, read: Iterable[str]) -> str | None:
    """The read name that `given` (not read itself) was probably meant to be, or None: a known
    alias, the same name in other case, or a name at most a small edit away. Names in upper case
    only count when their lower case is read (the environment is full of `PATH`, `LANG`, ...)."""
    read = set(read)
    if given in read:
        return None
    lowered = given.lower()
    if lowered in read:
        return lowered
    if given.isupper():
        return None
    alias = ALIASES.get(lowered)
    if alias in read:
        return alias
    matches = difflib.get_close_matches(lowered, sorted(read), n=1, cutoff=0.8)
    return matches[0] if matches else None


def mistyped_ext_vars(given: Iterable[str], read: Iterable[str]) -> list[tuple[str, str]]:
    """(given name, the read name it is close to), sorted by given name."""
    read = set(read)
    pairs = [(name, close_name(name, read)) for name in sorted(set(given))]
    return [(name, match) for name, match in pairs if match is not None]


_warned: set[tuple[str, str]] = set()


def warn_about_mistyped_ext_vars(config_path: str, ext_vars: Mapping[str, str]) -> None:
    """One WARNING line per given ext var (once per config and process) that `config_path`
    does not read but reads a close name of."""
    read = ext_vars_read_by(config_path)
    if not read:  # a plain JSON config (an archive's) reads none
        return
    config_name = os.path.basename(config_path)
    for given, meant in mistyped_ext_vars(ext_vars, read):
        if (config_path, given) in _warned:
            continue
        _warned.add((config_path, given))
        logger.warning(
            "ext var `%s` is not read by %s; did you mean `%s`? (it trains with `%s`'s default "
            "otherwise)",
            given,
            config_name,
            meant,
            meant,
        )
