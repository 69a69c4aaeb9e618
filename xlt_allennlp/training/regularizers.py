"""Soft freezing: an L2 penalty that pulls the bottom layers of the encoder toward their
pretrained values (L2-SP, Li et al. 2018), next to the hard freezing of `freeze_layers`."""

from typing import Optional

import torch
from allennlp.common.checks import ConfigurationError
from allennlp.nn.regularizers import Regularizer
from torch.utils.weak import WeakIdKeyDictionary

from xlt_allennlp.modules.pretrained_weights import (
    PretrainedSlot,
    aligned_to,
    offset_from_pretrained,
    pretrained_slot,
    pretrained_value,
)


@Regularizer.register("pretrained_anchor")
class PretrainedAnchor(Regularizer):
    """Soft freezing: an L2 penalty pulling encoder parameters toward their pretrained values.

    Registered as a `Regularizer` with name "pretrained_anchor". It is for the `regularizer` key of
    any model whose encoder is a `TransformerBackbone` (every model of this package). The penalty is
    `strength_l / 2 · ||θ − θ₀||²` for every encoder parameter θ it is applied to, θ₀ being the
    parameter's PRETRAINED value and `strength_l = strength · depth_decay^l` in layer l. allennlp's
    `RegularizerApplicator` hands it the trainable parameters its regex matches; the penalty is
    added to the training loss and reported as `reg_loss` in the training metrics.

    The layers are those of hard freezing (`freeze_layers` of the embedders): layer 0 is the
    embedding layer, layer i the i-th transformer block, found by structure whatever the
    encoder's parameter names; `freeze_layers: n` anchors layers 0..n and leaves the others
    free (penalty 0), `null` anchors every parameter matched (a parameter of the encoder outside
    the embeddings and blocks counts as layer n_blocks + 1). θ₀ is looked up from the encoder's
    name or path as the embedder loaded it (`xlt_allennlp.modules.pretrained_weights`), never
    taken from the model, so it is the same in a run resumed with `--recover`; it is kept here,
    on the parameter's device and dtype, not in the model's state dict (archives hold no copy).
    A matched tensor that is not a parameter of such an encoder is an error.

    ```jsonnet
    "regularizer": {"regexes": [
      ["transformer_model\\\\.", {"type": "pretrained_anchor", "strength": 1.0, "freeze_layers": 3}]
    ]}
    ```

    The task configs write this for `freeze=3 freeze_mode=soft freeze_strength=1.0`.

    # Parameters

    strength : `float`, optional (default = `1.0`)
        The penalty's weight at layer 0 (the embeddings), >= 0.
    freeze_layers : `int`, optional (default = `None`)
        Anchor the embeddings and blocks 1..n only (0 <= n <= number of blocks); `None`: all.
    depth_decay : `float`, optional (default = `1.0`)
        The strength is multiplied by this for every layer up, >= 0 (1.0: the same in every
        layer).
    """

    def __init__(
        self,
        strength: float = 1.0,
        freeze_layers: Optional[int] = None,
        depth_decay: float = 1.0,
    ) -> None:
        if strength < 0 or depth_decay < 0:
            raise ConfigurationError(
                f"pretrained_anchor: strength and depth_decay must be >= 0, got {strength} and "
                f"{depth_decay}"
            )
        if freeze_layers is not None and freeze_layers < 0:
            raise ConfigurationError(
                f"pretrained_anchor: freeze_layers must be >= 0 (0 = the embeddings) or null "
                f"(all layers), got {freeze_layers}"
            )
        self.strength = strength
        self.freeze_layers = freeze_layers
        self.depth_decay = depth_decay
        self._anchors: WeakIdKeyDictionary = WeakIdKeyDictionary()

    def layer_strength(self, slot: PretrainedSlot) -> Optional[float]:
        """The strength for a parameter in `slot`'s layer; None where it is not anchored."""
        if self.freeze_layers is not None:
            if self.freeze_layers > slot.num_blocks:
                raise ConfigurationError(
                    f"pretrained_anchor: freeze_layers must be between 0 and {slot.num_blocks} "
                    f"(the blocks of {slot.source.model_name}), got {self.freeze_layers}"
                )
            if slot.layer is None or slot.layer > self.freeze_layers:
                return None
        layer = slot.num_blocks + 1 if slot.layer is None else slot.layer
        return self.strength * self.depth_decay**layer

    def anchor(self, parameter: torch.Tensor, slot: PretrainedSlot) -> torch.Tensor:
        """θ₀ of `parameter`, on its device and in its dtype (looked up once, then kept)."""
        anchor = self._anchors.get(parameter)
        if anchor is None or anchor.device != parameter.device or anchor.dtype != parameter.dtype:
            pretrained = aligned_to(parameter, pretrained_value(slot))
            anchor = pretrained.to(device=parameter.device, dtype=parameter.dtype, copy=True)
            self._anchors[parameter] = anchor
        return anchor

    def __call__(self, parameter: torch.Tensor) -> torch.Tensor:
        slot = pretrained_slot(parameter)
        if slot is None:
            raise ConfigurationError(
                f"pretrained_anchor: its regex matched a parameter of shape {list(parameter.shape)}"
                " that is not a weight of a pretrained encoder of this package; match the "
                "encoder's parameters only, e.g. 'transformer_model\\.'"
            )
        strength = self.layer_strength(slot)
        if strength is None:
            return parameter.new_zeros(())
        offset = offset_from_pretrained(parameter, self.anchor(parameter, slot))
        return 0.5 * strength * offset.pow(2).sum()
