"""Encoder names and paths: a clear error when one can be neither found locally nor downloaded,
and local paths made absolute so that archives load from any working directory."""

import functools
import json
import os
from typing import Any

from transformers import AutoConfig

from xlt_allennlp.common.errors import ConfigError


@functools.cache
def require_encoder(model_name: str) -> None:
    """Raises a one-line `ConfigError` if `model_name` is not a local directory and its
    `config.json` cannot be found in the Hugging Face cache or on the hub (offline runs:
    `HF_HUB_OFFLINE=1`). Called before anything of ours loads a tokenizer or an encoder."""
    if os.path.isdir(model_name):
        return
    try:
        AutoConfig.from_pretrained(model_name)
    except (OSError, ValueError) as error:
        offline = os.environ.get("HF_HUB_OFFLINE", "0") not in ("0", "", "false")
        where = "the Hugging Face cache (HF_HUB_OFFLINE is set)" if offline else "the hub"
        raise ConfigError(
            f"cannot load the encoder {model_name!r}: it is not a local directory and was not "
            f"found in {where}. Pass a local path (encoder=/path/to/model, a directory with "
            f"config.json, the weights and the tokenizer files), or download it once online "
            f"(`hf download {model_name}`)"
        ) from error


def absolute_encoder_paths(config_json: str) -> str:
    """The evaluated config with every `model_name` that is a relative path to an existing local
    directory made absolute (hub names and absolute paths are kept as they are).

    Applied to every config allennlp loads (with `XLT_EXT_VARS`, see `ext_vars.py`), so the
    `config.json` in a model archive names the encoder by an absolute path: an archive trained
    with `encoder=../e5-small` loads, predicts and evaluates from any working directory. (An
    archive whose local encoder directory was moved or deleted stops with `require_encoder`'s
    one-line error naming the path.)"""

    def visit(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                key: os.path.abspath(item)
                if key == "model_name"
                and isinstance(item, str)
                and not os.path.isabs(item)
                and os.path.isdir(item)
                else visit(item)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [visit(item) for item in value]
        return value

    config = json.loads(config_json)
    resolved = visit(config)
    return config_json if resolved == config else json.dumps(resolved, indent=4)
