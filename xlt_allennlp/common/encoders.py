"""A clear error when an encoder name can be neither found locally nor downloaded."""

import functools
import os

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
            f"(`huggingface-cli download {model_name}`)"
        ) from error
