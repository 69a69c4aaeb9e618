"""The hidden size of a Hugging Face encoder, read from its config (Jsonnet cannot know it)."""

from typing import Optional

from allennlp.common.checks import ConfigurationError
from transformers import AutoConfig

from xlt_allennlp.common.encoders import require_encoder


def transformer_hidden_size(model_name: str) -> int:
    """`hidden_size` of the encoder `model_name` (a local path or a hub name).

    Reads only `config.json`: a local directory needs nothing else, a hub name is found in the
    Hugging Face cache when offline (`HF_HUB_OFFLINE=1`), as for the encoder itself.
    """
    require_encoder(model_name)
    return int(AutoConfig.from_pretrained(model_name).hidden_size)


def embedding_dim_from(
    embedding_dim: Optional[int], model_name: Optional[str], hidden_size_multiple: int
) -> int:
    """`embedding_dim` if given, else `hidden_size_multiple` x the hidden size of `model_name`."""
    if (embedding_dim is None) == (model_name is None):
        raise ConfigurationError("give exactly one of embedding_dim and model_name")
    if embedding_dim is not None:
        return embedding_dim
    return hidden_size_multiple * transformer_hidden_size(model_name)  # type: ignore[arg-type]
