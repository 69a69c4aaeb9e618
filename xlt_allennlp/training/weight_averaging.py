"""Uniform weight averaging of archives of one config (a "model soup", Wortsman et al. 2022):
the points of a grid fine-tuned from the same initialisation, or several checkpoints of a run.

Target-free: no target-language data decides anything. Averaging models fine-tuned from
different random initialisations of the task head (different seeds) is not meaningful; the grid
search averages the points of each seed separately.
"""

import filecmp
import json
import os
import shutil
import tarfile
import tempfile

import torch
from allennlp.models.archival import CONFIG_NAME, archive_model

from xlt_allennlp.common.errors import ConfigError

WEIGHTS = "weights.th"  # the weights file inside an allennlp archive (`archival._WEIGHTS_NAME`)


def average_state_dicts(states: list[dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """The element-wise mean of floating-point tensors (summed in float64, cast back to each
    tensor's dtype: the mean of identical tensors is the tensor itself); other tensors (integer
    buffers) must be equal in every state and are kept. Every state needs the same names and
    shapes."""
    if not states:
        raise ValueError("nothing to average")
    first = states[0]
    for index, state in enumerate(states[1:], start=2):
        if state.keys() != first.keys():
            different = sorted(set(state) ^ set(first))[:5]
            raise ConfigError(f"model {index} has other parameters than model 1: {different}")
        for name, tensor in state.items():
            if tensor.shape != first[name].shape:
                raise ConfigError(
                    f"{name}: shape {tuple(tensor.shape)} in model {index}, "
                    f"{tuple(first[name].shape)} in model 1"
                )
    averaged: dict[str, torch.Tensor] = {}
    for name, tensor in first.items():
        if tensor.is_floating_point():
            total = sum(state[name].to(torch.float64) for state in states)
            averaged[name] = (total / len(states)).to(tensor.dtype)  # type: ignore[union-attr]
        elif all(torch.equal(state[name], tensor) for state in states):
            averaged[name] = tensor
        else:
            raise ConfigError(f"{name}: a non-float tensor that differs between the models")
    return averaged


def _extract(archive: str, directory: str) -> None:
    with tarfile.open(archive, "r:gz") as handle:
        handle.extractall(directory, filter="data")


def _same_vocabulary(left: str, right: str) -> bool:
    comparison = filecmp.dircmp(left, right)
    if comparison.left_only or comparison.right_only or comparison.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(left, right, comparison.common_files, shallow=False)
    return not mismatch and not errors


def average_archives(archives: list[str], output_file: str) -> str:
    """Writes `output_file`, an archive with the configuration and vocabulary of the first of
    `archives` and the uniform average of all their weights; returns its path. The archives must
    have the same model configuration and vocabulary (a one-line error otherwise)."""
    if len(archives) < 2:
        raise ConfigError(f"average-weights needs at least two archives, got {len(archives)}")
    with tempfile.TemporaryDirectory() as work:
        directories = []
        for index, archive in enumerate(archives):
            if not os.path.isfile(archive):
                raise ConfigError(f"average-weights: no archive {archive}")
            directory = os.path.join(work, str(index))
            _extract(archive, directory)
            directories.append(directory)
        models = []
        for archive, directory in zip(archives, directories, strict=True):
            with open(os.path.join(directory, CONFIG_NAME), encoding="utf-8") as handle:
                models.append(json.load(handle).get("model"))
            if not _same_vocabulary(
                os.path.join(directories[0], "vocabulary"), os.path.join(directory, "vocabulary")
            ):
                raise ConfigError(f"{archive} has another vocabulary than {archives[0]}")
            if models[-1] != models[0]:
                raise ConfigError(f"{archive} has another model configuration than {archives[0]}")
        states = [
            torch.load(os.path.join(directory, WEIGHTS), map_location="cpu", weights_only=True)
            for directory in directories
        ]
        torch.save(average_state_dicts(states), os.path.join(work, WEIGHTS))
        shutil.copy(os.path.join(directories[0], CONFIG_NAME), os.path.join(work, CONFIG_NAME))
        shutil.copytree(
            os.path.join(directories[0], "vocabulary"), os.path.join(work, "vocabulary")
        )
        if os.path.exists(os.path.join(directories[0], "meta.json")):
            shutil.copy(os.path.join(directories[0], "meta.json"), os.path.join(work, "meta.json"))
        os.makedirs(os.path.dirname(os.path.abspath(output_file)), exist_ok=True)
        return archive_model(work, weights=WEIGHTS, archive_path=output_file)
