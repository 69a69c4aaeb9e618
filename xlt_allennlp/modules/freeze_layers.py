"""Freezing the bottom layers of a Hugging Face encoder (Wu & Dredze 2019, section 5.2)."""

import logging

import torch
from allennlp.common.checks import ConfigurationError

from xlt_allennlp.modules.encoder_families import encoder_layout

logger = logging.getLogger(__name__)


def freeze_bottom_layers(transformer: torch.nn.Module, num_layers: int) -> tuple[int, int]:
    """Freezes the embedding layer (layer 0) and blocks 1..`num_layers` of an encoder.

    `num_layers` = -1 freezes nothing, 0 the embedding layer only, n the embedding layer and the
    n lowest blocks (n up to the number of blocks); the layers are the family's
    (`encoder_families.encoder_layout`: a relative position table is in layer 0, a final norm
    in the last block). Frozen parameters get `requires_grad = False`, so
    allennlp's trainer never hands them to the optimizer: no gradient, no optimizer state, no
    weight decay. Returns the numbers of frozen and trainable encoder parameters (also logged).
    """
    layout = encoder_layout(transformer)
    if not -1 <= num_layers <= layout.num_blocks:
        raise ConfigurationError(
            f"freeze_layers must be between -1 (none) and {layout.num_blocks}, got {num_layers}"
        )
    for layer in range(num_layers + 1):
        for parameter in layout.parameters(layer):
            parameter.requires_grad = False
    frozen = sum(p.numel() for p in transformer.parameters() if not p.requires_grad)
    trainable = sum(p.numel() for p in transformer.parameters() if p.requires_grad)
    if num_layers >= 0:
        logger.info(
            "Froze the encoder's embeddings and blocks 1..%d: %d parameters frozen, %d trainable",
            num_layers,
            frozen,
            trainable,
        )
    return frozen, trainable
