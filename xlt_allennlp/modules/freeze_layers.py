"""Freezing the bottom layers of a Hugging Face encoder (Wu & Dredze 2019, section 5.2)."""

import logging

import torch
from allennlp.common.checks import ConfigurationError

logger = logging.getLogger(__name__)


def embeddings_and_blocks(
    transformer: torch.nn.Module,
) -> tuple[torch.nn.Module, torch.nn.ModuleList]:
    """The embedding module and the list of transformer blocks of an encoder, found by structure.

    Works whatever the parameter names (`bert.encoder.layer`, `roberta.encoder.layer`,
    `distilbert.transformer.layer`, ...): the blocks are the `ModuleList` with
    `config.num_hidden_layers` entries, the embeddings the base model's `embeddings` module (or
    the module holding the input embeddings).
    """
    base = getattr(transformer, "base_model", transformer)
    num_layers = base.config.num_hidden_layers
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
    return embeddings, blocks


def freeze_bottom_layers(transformer: torch.nn.Module, num_layers: int) -> tuple[int, int]:
    """Freezes the embedding layer (layer 0) and blocks 1..`num_layers` of an encoder.

    `num_layers` = -1 freezes nothing, 0 the embeddings only, n the embeddings and the n lowest
    blocks (n up to the number of blocks). Frozen parameters get `requires_grad = False`, so
    allennlp's trainer never hands them to the optimizer: no gradient, no optimizer state, no
    weight decay. Returns the numbers of frozen and trainable encoder parameters (also logged).
    """
    embeddings, blocks = embeddings_and_blocks(transformer)
    if not -1 <= num_layers <= len(blocks):
        raise ConfigurationError(
            f"freeze_layers must be between -1 (none) and {len(blocks)}, got {num_layers}"
        )
    if num_layers >= 0:
        for module in [embeddings, *blocks[:num_layers]]:
            for parameter in module.parameters():
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
