"""What differs between encoder families, in one place.

Everything the package needs to know about an encoder's internals goes through here: which
modules make its layers (for freezing, soft freezing and the per-layer analyses), how many
positions it takes, whether it reads token type ids and whether it has a pooler to leave out.
The layout is found by structure, so a BERT-like family not named below works as long as its
blocks are one `ModuleList`; the tables name what structure cannot tell:

- BERT / mBERT, XLM-R, RoBERTa and byte-level BPE models: `embeddings` + `encoder.layer`;
  RoBERTa-style position ids start after the padding index (two positions fewer).
- DeBERTa-v2/v3 (mDeBERTa): relative positions; the relative position table
  (`encoder.rel_embeddings`, with its `encoder.LayerNorm`) is shared by every block and belongs
  to layer 0 with the embeddings; no token type embeddings (`type_vocab_size` 0).
- ModernBERT (mmBERT): `embeddings` + `layers`, rotary positions, pre-norm blocks whose output
  is normalised once after the last block (`final_norm`, which goes with the last block); no
  token type ids, no pooler.
"""

import inspect
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import torch
from allennlp.common.checks import ConfigurationError
from huggingface_hub import try_to_load_from_cache
from safetensors import safe_open
from transformers import AutoConfig
from transformers.models.auto.modeling_auto import MODEL_MAPPING

# model_type -> modules of the base model (dotted names) that belong to layer 0 besides its
# `embeddings`: position tables shared by every block.
LAYER_0_EXTRAS: dict[str, tuple[str, ...]] = {
    "deberta": ("encoder.rel_embeddings",),
    "deberta-v2": ("encoder.rel_embeddings", "encoder.LayerNorm"),
}
# model_type -> modules after the last block that go with it (a pre-norm model's final norm).
LAST_LAYER_EXTRAS: dict[str, tuple[str, ...]] = {
    "modernbert": ("final_norm",),
}
# Families whose position ids start after the padding index (`padding_idx + 1`).
PADDING_OFFSET_POSITIONS = frozenset(
    {"roberta", "xlm-roberta", "xlm-roberta-xl", "camembert", "data2vec-text", "xmod"}
)


@dataclass(frozen=True)
class EncoderLayout:
    """The layers of an encoder: `layers[0]` the embedding layer, `layers[i]` block i."""

    layers: tuple[tuple[torch.nn.Module, ...], ...]

    @property
    def num_blocks(self) -> int:
        return len(self.layers) - 1

    def parameters(self, layer: int) -> list[torch.nn.Parameter]:
        return [p for module in self.layers[layer] for p in module.parameters()]


def _submodule(base: torch.nn.Module, dotted: str) -> Optional[torch.nn.Module]:
    module: Any = base
    for name in dotted.split("."):
        module = getattr(module, name, None)
        if module is None:
            return None
    return module if isinstance(module, torch.nn.Module) else None


def encoder_layout(transformer: torch.nn.Module) -> EncoderLayout:
    """The layers of a Hugging Face encoder, found by structure and the family tables.

    The blocks are the `ModuleList` with `config.num_hidden_layers` entries (`encoder.layer`,
    `layers`, `transformer.layer`, ...), the embedding layer the base model's `embeddings` module
    (or the module holding the input embeddings) plus the family's layer-0 extras.
    """
    base = getattr(transformer, "base_model", transformer)
    config = base.config
    num_layers = config.num_hidden_layers
    blocks = next(
        (m for m in base.modules() if isinstance(m, torch.nn.ModuleList) and len(m) == num_layers),
        None,
    )
    if blocks is None:
        raise ConfigurationError(
            f"cannot find the {num_layers} transformer blocks of {type(base).__name__}"
        )
    embeddings = getattr(base, "embeddings", None)
    if embeddings is None:
        embeddings = base.get_input_embeddings()
    family = getattr(config, "model_type", "")

    def extras(table: dict[str, tuple[str, ...]]) -> tuple[torch.nn.Module, ...]:
        found = (_submodule(base, name) for name in table.get(family, ()))
        return tuple(module for module in found if module is not None)

    layer_0 = (embeddings, *extras(LAYER_0_EXTRAS))
    last = (blocks[-1], *extras(LAST_LAYER_EXTRAS))
    return EncoderLayout((layer_0, *((block,) for block in blocks[:-1]), last))


def max_positions(config: Any) -> Optional[int]:
    """The longest input (in subwords, special tokens included) the encoder takes."""
    positions = getattr(config, "max_position_embeddings", None)
    if positions is not None and getattr(config, "model_type", "") in PADDING_OFFSET_POSITIONS:
        positions -= 2  # position ids start after the padding index
    return positions


def reads_token_type_ids(transformer: torch.nn.Module) -> bool:
    """Whether the encoder has token type embeddings to feed (mDeBERTa and ModernBERT do not:
    the segment of a sentence pair is told by the separator alone)."""
    if getattr(transformer.config, "type_vocab_size", 0) <= 0:
        return False
    return "token_type_ids" in inspect.signature(transformer.forward).parameters


def without_pooler(model_class: type) -> dict[str, Any]:
    """`from_pretrained` arguments that build `model_class` without its pooler (none of the
    package's models uses it): `{"add_pooling_layer": False}` where the class has one."""
    if "add_pooling_layer" in inspect.signature(model_class.__init__).parameters:
        return {"add_pooling_layer": False}
    return {}


def pooler_arguments(model_name: str) -> dict[str, Any]:
    """`{"add_pooling_layer": False}` when the encoder's checkpoint has no pooler weights and
    its class can be built without one (a pooler would be built from random weights, and
    transformers would say they should be trained); else nothing: the pooler is loaded and then
    removed (building it without would make transformers report its weights as unexpected)."""
    if checkpoint_has_pooler(model_name) is not False:
        return {}
    config = AutoConfig.from_pretrained(model_name)
    model_class = MODEL_MAPPING.get(type(config), None)
    return without_pooler(model_class) if model_class is not None else {}


def checkpoint_has_pooler(model_name: str) -> Optional[bool]:
    """Whether the safetensors checkpoint of `model_name` (a local directory, or a hub name
    already in the local cache) has pooler weights; None when that cannot be told without
    loading it (a `pytorch_model.bin` checkpoint, a hub name not downloaded yet)."""

    def local_file(filename: str) -> Optional[Path]:
        if Path(model_name).is_dir():
            path = Path(model_name) / filename
            return path if path.is_file() else None
        cached = try_to_load_from_cache(model_name, filename)
        return Path(cached) if isinstance(cached, str) else None

    index = local_file("model.safetensors.index.json")
    if index is not None:
        keys = list(json.loads(index.read_text())["weight_map"])
    else:
        weights = local_file("model.safetensors")
        if weights is None:
            return None
        with safe_open(str(weights), framework="pt") as checkpoint:
            keys = list(checkpoint.keys())
    return any(".pooler." in f".{key}" for key in keys)
