"""The one place where a Hugging Face encoder is loaded and set up, for every model here."""

import contextlib
import logging
from typing import Any, Optional, Union

import torch
from allennlp.common import FromParams
from allennlp.common.checks import ConfigurationError
from allennlp.data.tokenizers import PretrainedTransformerTokenizer
from allennlp.modules.scalar_mix import ScalarMix

from xlt_allennlp.common.encoders import require_encoder
from xlt_allennlp.modules.encoder_families import (
    max_positions,
    pooler_arguments,
    reads_token_type_ids,
)
from xlt_allennlp.modules.freeze_layers import freeze_bottom_layers
from xlt_allennlp.modules.pretrained_weights import PretrainedSource, register_pretrained

logger = logging.getLogger(__name__)


class TransformerBackbone(torch.nn.Module, FromParams):
    """A pretrained encoder with the paper's fine-tuning strategies (Wu & Dredze 2019, §5.2).

    Base class of the package's transformer token embedders
    (`pretrained_transformer_first_subword`, `pretrained_transformer_sequence`), whose configs take
    these parameters directly:

    - loading as allennlp's `pretrained_transformer` embedder does (`cached_transformers`, so
      `override_weights_file`, `reinit_modules`, `load_weights`, `transformer_kwargs` behave as
      there), the embedding matrix resized to the tokenizer's vocabulary if they differ, and
      without a pooler (no model of ours uses it; unused parameters make DDP fail);
    - what differs between encoder families (which modules are layer 0 and each block, the
      position limit, token type ids, the pooler) comes from `encoder_families`;
    - `freeze_layers` (-1: none, the default; 0: the embedding layer; n: embeddings + the n lowest
      blocks) and `train_parameters: false` (the whole encoder frozen);
    - every encoder parameter registered with where its pretrained value comes from
      (`pretrained_weights`), for soft freezing (the `pretrained_anchor` regularizer);
    - a fully frozen encoder is a fixed feature extractor: it runs without autograd and in eval
      mode, so dropout is off and the features are the same at every epoch (`eval_mode`, default:
      whether it is fully frozen);
    - `last_layer_only: false`: a learned softmax-weighted, scaled mix of ALL hidden states, the
      embedding layer included (13 for a 12-layer encoder; allennlp's own mix leaves it out);
    - `layers`: which hidden states make the output, for fine-tuning and frozen encoders alike:
      `"last"` (the last layer) or `"mix:K"`, a learned softmax-weighted, scaled mix (allennlp's
      `ScalarMix`) of the last K hidden states, K from 1 to L + 1 (`"mix:13"` for a 12-layer
      encoder is the mix of all of them, the same as `last_layer_only: false`). Default (`None`):
      what `last_layer_only` says; `"mix:K"` with `last_layer_only: false` mixes the last K,
      and `"last"` with it is refused;
    - `max_positions`, the longest input the encoder can take (RoBERTa-style models lose two
      positions to their padding offset; ModernBERT takes 8192).

    `encode(input_ids, mask, type_ids)` is the one forward pass through the encoder.
    """

    # Older checkpoints lack the position-id buffer that newer transformers register.
    authorized_missing_keys = [r"position_ids$"]

    def __init__(
        self,
        model_name: str,
        *,
        train_parameters: bool = True,
        freeze_layers: int = -1,
        last_layer_only: bool = True,
        layers: Optional[str] = None,
        eval_mode: Optional[bool] = None,
        reinit_modules: Optional[Union[int, tuple[int, ...], tuple[str, ...]]] = None,
        override_weights_file: Optional[str] = None,
        override_weights_strip_prefix: Optional[str] = None,
        load_weights: bool = True,
        gradient_checkpointing: Optional[bool] = None,
        tokenizer_kwargs: Optional[dict[str, Any]] = None,
        transformer_kwargs: Optional[dict[str, Any]] = None,
    ) -> None:
        super().__init__()
        require_encoder(model_name)
        source = PretrainedSource(
            model_name,
            override_weights_file=override_weights_file,
            override_weights_strip_prefix=override_weights_strip_prefix,
            load_weights=load_weights,
            transformer_kwargs={**pooler_arguments(model_name), **(transformer_kwargs or {})},
        )
        self.transformer_model = source.load(make_copy=True, reinit_modules=reinit_modules)
        if gradient_checkpointing:
            # Non-reentrant: gradients also flow through blocks above frozen ones.
            self.transformer_model.gradient_checkpointing_enable(
                gradient_checkpointing_kwargs={"use_reentrant": False}
            )
        self.config = self.transformer_model.config
        self.tokenizer = PretrainedTransformerTokenizer(
            model_name, tokenizer_kwargs=tokenizer_kwargs
        )
        vocabulary_size = len(self.tokenizer.tokenizer)
        if self.transformer_model.get_input_embeddings().num_embeddings != vocabulary_size:
            self.transformer_model.resize_token_embeddings(vocabulary_size)
        if getattr(self.transformer_model, "pooler", None) is not None:
            self.transformer_model.pooler = None  # a checkpoint with pooler weights (see above)
        if not train_parameters:
            for parameter in self.transformer_model.parameters():
                parameter.requires_grad = False
        freeze_bottom_layers(self.transformer_model, freeze_layers)
        register_pretrained(self.transformer_model, source)
        self.eval_mode = not self.trains() if eval_mode is None else eval_mode
        if self.eval_mode:
            self.transformer_model.eval()
        # The number of last hidden states mixed (None: the last layer alone).
        self._mixed_layers = mixed_layers(layers, last_layer_only, self.config.num_hidden_layers)
        self._scalar_mix: Optional[ScalarMix] = None
        if self._mixed_layers is not None:
            self._scalar_mix = ScalarMix(self._mixed_layers)
        self.max_positions: Optional[int] = max_positions(self.config)
        self._reads_type_ids = reads_token_type_ids(self.transformer_model)
        self.output_dim: int = self.config.hidden_size

    @property
    def scalar_mix(self) -> Optional[ScalarMix]:
        return self._scalar_mix

    def get_output_dim(self) -> int:
        return self.output_dim

    def trains(self) -> bool:
        """Whether any encoder parameter is trained (read at every call: allennlp's trainer
        option `no_grad` may freeze parameters after the model is built)."""
        return any(parameter.requires_grad for parameter in self.transformer_model.parameters())

    def train(self, mode: bool = True) -> "TransformerBackbone":
        super().train(mode)
        if self.eval_mode:
            self.transformer_model.eval()
        return self

    def encode(
        self,
        input_ids: torch.Tensor,
        mask: torch.Tensor,
        type_ids: Optional[torch.Tensor] = None,
    ) -> torch.Tensor:
        """[batch, subwords] ids, mask and optional token type ids -> [batch, subwords, dim]:
        the last layer, or the learned mix of the last K hidden states (`layers`)."""
        if self.max_positions is not None and input_ids.size(1) > self.max_positions:
            raise ValueError(
                f"{input_ids.size(1)} subwords do not fit the encoder ({self.max_positions} "
                "positions); truncate them in the dataset reader (`max_length`)"
            )
        inputs = {"input_ids": input_ids, "attention_mask": mask.long()}
        # As allennlp does: all-zero type ids are left out (some models have no type embeddings);
        # a model without type embeddings (mDeBERTa, ModernBERT) tells a pair by its separator.
        if self._reads_type_ids and type_ids is not None and bool(type_ids.max() > 0):
            if type_ids.max() >= getattr(self.config, "type_vocab_size", 0):
                raise ValueError("Found type ids too large for the chosen transformer model.")
            inputs["token_type_ids"] = type_ids
        frozen = contextlib.nullcontext() if self.trains() else torch.no_grad()
        with frozen:
            output = self.transformer_model(
                **inputs, output_hidden_states=self._scalar_mix is not None
            )
        if self._scalar_mix is None:
            return output.last_hidden_state
        assert self._mixed_layers is not None
        return self._scalar_mix(list(output.hidden_states[-self._mixed_layers :]), mask)


def mixed_layers(layers: Optional[str], last_layer_only: bool, num_layers: int) -> Optional[int]:
    """How many of the last hidden states (`num_layers` blocks + the embedding layer) `layers`
    mixes: None for `"last"`, K for `"mix:K"`; with `layers=None`, `last_layer_only` decides
    (False: all of them)."""
    if layers is None:
        return None if last_layer_only else num_layers + 1
    if layers == "last":
        if not last_layer_only:
            raise ConfigurationError(
                'layers="last" contradicts last_layer_only=false (a mix of all hidden states): '
                "give one of them"
            )
        return None
    count = layers[len("mix:") :] if layers.startswith("mix:") else ""
    if not count.isdigit() or not 1 <= int(count) <= num_layers + 1:
        raise ConfigurationError(
            f'layers must be "last" or "mix:K" with K from 1 to {num_layers + 1} (the '
            f"encoder's {num_layers} blocks + its embedding layer); got {layers!r}"
        )
    return int(count)


def rename_state_dict_keys(
    state_dict: dict[str, torch.Tensor], prefix: str, renames: dict[str, str]
) -> None:
    """Renames, in place, keys under `prefix` that start with an old name (for archives written
    before a module's attributes were renamed)."""
    for key in [key for key in state_dict if key.startswith(prefix)]:
        for old, new in renames.items():
            if key.startswith(prefix + old):
                state_dict[prefix + new + key[len(prefix + old) :]] = state_dict.pop(key)
                break
