"""Which pretrained tensor each encoder parameter started from (for soft freezing, L2-SP).

`TransformerBackbone` registers every parameter of its encoder here: the encoder's name or path
(and how it was loaded), the parameter's name in the pretrained model and its layer (0 = the
embeddings, i = block i, found by structure as for hard freezing). The pretrained value is looked
up again from that source when it is needed, never taken from the model itself, so a run resumed
with `allennlp train --recover` still compares with the pretrained weights, and nothing of this
is in the model's state dict or archive. The registry holds its parameters weakly.
"""

from dataclasses import dataclass, field
from typing import Any, Optional, Union

import torch
from allennlp.common import cached_transformers
from allennlp.common.checks import ConfigurationError
from torch.utils.weak import WeakIdKeyDictionary
from transformers import PreTrainedModel

from xlt_allennlp.modules.encoder_families import encoder_layout


@dataclass(frozen=True, eq=False)
class PretrainedSource:
    """How an encoder was loaded (the arguments of allennlp's `cached_transformers.get`)."""

    model_name: str
    override_weights_file: Optional[str] = None
    override_weights_strip_prefix: Optional[str] = None
    load_weights: bool = True
    transformer_kwargs: dict[str, Any] = field(default_factory=dict)

    def load(
        self,
        make_copy: bool,
        reinit_modules: Optional[Union[int, tuple[int, ...], tuple[str, ...]]] = None,
    ) -> PreTrainedModel:
        """The encoder, from allennlp's `cached_transformers` (loaded once per process, as
        allennlp's `pretrained_transformer` embedder loads it); `make_copy=False` returns the
        cached model itself, which must not be modified."""
        return cached_transformers.get(
            self.model_name,
            make_copy,
            override_weights_file=self.override_weights_file,
            override_weights_strip_prefix=self.override_weights_strip_prefix,
            reinit_modules=reinit_modules,
            load_weights=self.load_weights,
            **self.transformer_kwargs,
        )


@dataclass(frozen=True, eq=False)
class PretrainedSlot:
    """Where one encoder parameter comes from: `name` in the pretrained model of `source`, in
    layer `layer` (0 = embeddings, i = block i of `num_blocks`; None = neither)."""

    source: PretrainedSource
    name: str
    layer: Optional[int]
    num_blocks: int


_SLOTS: WeakIdKeyDictionary = WeakIdKeyDictionary()


def register_pretrained(transformer: torch.nn.Module, source: PretrainedSource) -> None:
    """Records where every parameter of `transformer` (a Hugging Face encoder) comes from."""
    layout = encoder_layout(transformer)
    layer_of = {
        id(p): layer for layer in range(len(layout.layers)) for p in layout.parameters(layer)
    }
    for name, parameter in transformer.named_parameters():
        _SLOTS[parameter] = PretrainedSlot(
            source, name, layer_of.get(id(parameter)), layout.num_blocks
        )


def pretrained_slot(parameter: torch.Tensor) -> Optional[PretrainedSlot]:
    """The slot of a registered encoder parameter; None for any other tensor."""
    return _SLOTS.get(parameter)


def pretrained_value(slot: PretrainedSlot) -> torch.Tensor:
    """The pretrained value of a parameter (as loaded, on the CPU; do not modify it).

    Loaded as `TransformerBackbone` loads the encoder (`PretrainedSource.load`, so an encoder
    already loaded in this process is not read again), with the same `override_weights_file`,
    but always the pretrained weights: `reinit_modules` is not applied. The random number
    generator is left as it was, so looking a value up never changes a run.
    """
    source = slot.source
    if not source.load_weights:
        raise ConfigurationError(
            f"the encoder {source.model_name} was built with load_weights=false: there are no "
            "pretrained weights to compare its parameters with (drop load_weights or the anchor)"
        )
    with torch.random.fork_rng(devices=[]):
        pretrained = source.load(make_copy=False)  # read, never modified
    try:
        return pretrained.get_parameter(slot.name).detach()
    except AttributeError:
        raise ConfigurationError(
            f"the pretrained encoder {source.model_name} has no parameter {slot.name}"
        ) from None


def aligned_to(parameter: torch.Tensor, pretrained: torch.Tensor) -> torch.Tensor:
    """`pretrained` cut to the rows it shares with `parameter`: all of them, except for an
    embedding matrix resized to the tokenizer's vocabulary (then only the rows both have; rows
    added by the resize have no pretrained value). Any other difference in shape is an error."""
    if parameter.shape == pretrained.shape:
        return pretrained
    if parameter.dim() == pretrained.dim() == 2 and parameter.size(1) == pretrained.size(1):
        return pretrained[: parameter.size(0)]
    raise ConfigurationError(
        f"a parameter of shape {list(parameter.shape)} does not match its pretrained value of "
        f"shape {list(pretrained.shape)}"
    )


def offset_from_pretrained(parameter: torch.Tensor, pretrained: torch.Tensor) -> torch.Tensor:
    """θ − θ₀ over the rows of `pretrained` (from `aligned_to`, on the parameter's device)."""
    if parameter.shape != pretrained.shape:
        parameter = parameter[: pretrained.size(0)]
    return parameter - pretrained
