"""Subword-level transformer embedder for sentence (pair) tasks: layer freezing, full mix."""

from typing import Any, Optional, Union

import torch
from allennlp.modules.scalar_mix import ScalarMix
from allennlp.modules.token_embedders import PretrainedTransformerEmbedder, TokenEmbedder

from xlt_allennlp.modules.freeze_layers import no_grad_if_frozen, prepare_transformer


@TokenEmbedder.register("pretrained_transformer_sequence")
class PretrainedTransformerSequenceEmbedder(PretrainedTransformerEmbedder):
    """One vector per subword (special tokens included) of a text or text pair.

    Registered as `"pretrained_transformer_sequence"`; use it with allennlp's
    `pretrained_transformer` indexer (the `mldoc` and `xnli` readers build one). It subclasses
    allennlp's `pretrained_transformer` embedder to keep its loading options (`train_parameters`,
    `reinit_modules`, `override_weights_file` ...), token type ids and eval-mode handling, and adds
    what the paper's variants need:

    - `freeze_layers` (paper section 5.2), as in `pretrained_transformer_first_subword`: -1 (the
      default) fine-tunes everything, 0 freezes the embedding layer, n the embeddings and the n
      lowest blocks;
    - `last_layer_only: false`: a learned softmax-weighted, scaled mix of ALL hidden states, the
      embedding layer included (13 for a 12-layer encoder; allennlp's own mix leaves layer 0
      out), for the feature-based mode;
    - a fully frozen encoder (`train_parameters: false`) runs in eval mode and without autograd
      (`eval_mode`, default: whether the encoder is fully frozen).

    The encoder's pooler is removed: the classifier pools the sequence itself ([CLS] of the last
    layer by default), and an unused pooler would leave parameters without gradients, which
    distributed training (DDP) fails on. Inputs must fit the encoder: the readers truncate to
    `max_length` (this embedder does not fold long inputs).

    ```jsonnet
    "token_embedders": {"tokens": {"type": "pretrained_transformer_sequence",
                                   "model_name": "bert-base-multilingual-cased",
                                   "freeze_layers": 6}}
    ```
    """

    def __init__(
        self,
        model_name: str,
        *,
        train_parameters: bool = True,
        freeze_layers: int = -1,
        last_layer_only: bool = True,
        eval_mode: Optional[bool] = None,
        reinit_modules: Optional[Union[int, tuple[int, ...], tuple[str, ...]]] = None,
        override_weights_file: Optional[str] = None,
        override_weights_strip_prefix: Optional[str] = None,
        load_weights: bool = True,
        gradient_checkpointing: Optional[bool] = None,
        tokenizer_kwargs: Optional[dict[str, Any]] = None,
        transformer_kwargs: Optional[dict[str, Any]] = None,
    ) -> None:
        super().__init__(
            model_name,
            train_parameters=train_parameters,
            last_layer_only=True,
            override_weights_file=override_weights_file,
            override_weights_strip_prefix=override_weights_strip_prefix,
            reinit_modules=reinit_modules,
            load_weights=load_weights,
            gradient_checkpointing=gradient_checkpointing,
            tokenizer_kwargs=tokenizer_kwargs,
            transformer_kwargs=transformer_kwargs,
        )
        prepare_transformer(self, freeze_layers, eval_mode)
        if not last_layer_only:
            self._scalar_mix = ScalarMix(self.config.num_hidden_layers + 1)
        position_limit = getattr(self.config, "max_position_embeddings", None)
        if position_limit is not None and self.config.model_type in ("roberta", "xlm-roberta"):
            position_limit -= 2  # RoBERTa-style position ids start after the padding index
        self._position_limit: Optional[int] = position_limit

    @property
    def scalar_mix(self) -> Optional[ScalarMix]:
        return self._scalar_mix

    def forward(  # type: ignore[override]
        self,
        token_ids: torch.LongTensor,
        mask: torch.BoolTensor,
        type_ids: Optional[torch.LongTensor] = None,
        segment_concat_mask: Optional[torch.BoolTensor] = None,
    ) -> torch.Tensor:
        """`token_ids`, `mask`, `type_ids`: [batch, subwords] -> [batch, subwords, output_dim]."""
        if self._position_limit is not None and token_ids.size(1) > self._position_limit:
            raise ValueError(
                f"{token_ids.size(1)} subwords do not fit the encoder ({self._position_limit} "
                "positions); truncate them in the dataset reader (`max_length`)"
            )
        inputs = {"input_ids": token_ids, "attention_mask": mask.long()}
        # As allennlp does: all-zero type ids are left out (some models have no type embeddings).
        if type_ids is not None and bool(type_ids.max() > 0):
            if type_ids.max() >= self._number_of_token_type_embeddings():
                raise ValueError("Found type ids too large for the chosen transformer model.")
            inputs["token_type_ids"] = type_ids
        with no_grad_if_frozen(self.transformer_model):
            output = self.transformer_model(
                **inputs, output_hidden_states=self._scalar_mix is not None
            )
        if self._scalar_mix is None:
            return output.last_hidden_state
        return self._scalar_mix(list(output.hidden_states), mask)
