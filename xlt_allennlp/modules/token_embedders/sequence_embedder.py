"""Subword-level transformer embedder for sentence (pair) tasks."""

from typing import Optional

import torch
from allennlp.modules.token_embedders import TokenEmbedder

from xlt_allennlp.modules.transformer_backbone import TransformerBackbone


@TokenEmbedder.register("pretrained_transformer_sequence")
class PretrainedTransformerSequenceEmbedder(TransformerBackbone, TokenEmbedder):
    """One vector per subword (special tokens included) of a text or text pair.

    Registered as a `TokenEmbedder` with name "pretrained_transformer_sequence". Use it with
    allennlp's `pretrained_transformer` indexer (the `mldoc` and `xnli` readers build one). It is
    the encoder set-up of `xlt_allennlp.modules.transformer_backbone.TransformerBackbone` (loading,
    `freeze_layers`, `train_parameters`, the frozen feature-extractor mode, `last_layer_only:
    false` for the mix of all hidden states including the embedding layer), with token type ids;
    the classifier pools its output ([CLS] of the last layer by default). Inputs must fit the
    encoder: the readers truncate to `max_length` (this embedder does not fold long inputs).

    ```jsonnet
    "token_embedders": {"tokens": {"type": "pretrained_transformer_sequence",
                                   "model_name": "bert-base-multilingual-cased",
                                   "freeze_layers": 6}}
    ```

    # Parameters

    model_name : `str`
        A Hugging Face encoder name or local path; the same as the reader's.
    train_parameters : `bool`, optional (default = `True`)
        `False` freezes the whole encoder (a fixed feature extractor).
    freeze_layers : `int`, optional (default = `-1`)
        Hard freezing of the bottom of the encoder: -1 freezes nothing, 0 the embedding layer, n
        the embeddings and the n lowest blocks (n up to the number of blocks).
    last_layer_only : `bool`, optional (default = `True`)
        `False`: the output is a learned softmax-weighted, scaled mix of ALL hidden states, the
        embedding layer included (13 for a 12-layer encoder; allennlp's own mix leaves it out):
        the feature-based mode's.
    layers : `str`, optional (default = `None`)
        Which hidden states make the output: `"last"` (the last layer, the paper's) or `"mix:K"`,
        a learned softmax-weighted, scaled mix (allennlp's `ScalarMix`) of the last K hidden
        states, K from 1 to L + 1 (the blocks and the embedding layer), trained with the model
        whether the encoder is fine-tuned or frozen. `None`: what `last_layer_only` says.
        `"mix:K"` with `last_layer_only: false` mixes the last K; `"last"` with it is an error.
    eval_mode : `bool`, optional (default = `None`)
        Keep the encoder in eval mode (no dropout) while training. `None`: exactly when no
        encoder parameter is trained. A fully frozen encoder also runs without autograd.
    reinit_modules : `Union[int, Tuple[int, ...], Tuple[str, ...]]`, optional (default = `None`)
        Re-initialize modules after loading, as allennlp's `pretrained_transformer` embedder does:
        an int re-initializes the last that many blocks, a tuple of ints the blocks with those
        indices, a tuple of strings the modules whose names match those regexes.
    override_weights_file : `str`, optional (default = `None`)
        A PyTorch state dict (`torch.save`) loaded over the Hugging Face weights.
    override_weights_strip_prefix : `str`, optional (default = `None`)
        A prefix removed from the keys of `override_weights_file`.
    load_weights : `bool`, optional (default = `True`)
        `False` builds the encoder from its config without loading pretrained weights (e.g. when
        loading an archive, which holds all weights).
    gradient_checkpointing : `bool`, optional (default = `None`)
        `True` recomputes each encoder block's activations in the backward pass instead of
        keeping them (transformers' `gradient_checkpointing_enable`): less memory for long
        inputs, about a third more compute. Same gradients.
    tokenizer_kwargs : `Dict[str, Any]`, optional (default = `None`)
        Extra arguments for `AutoTokenizer.from_pretrained`; the tokenizer's vocabulary size sets
        the size of the encoder's embedding matrix (resized if they differ).
    transformer_kwargs : `Dict[str, Any]`, optional (default = `None`)
        Extra arguments for `AutoModel.from_pretrained`.
    """

    def forward(  # type: ignore[override]
        self,
        token_ids: torch.LongTensor,
        mask: torch.BoolTensor,
        type_ids: Optional[torch.LongTensor] = None,
    ) -> torch.Tensor:
        """`token_ids`, `mask`, `type_ids`: [batch, subwords] -> [batch, subwords, output_dim]."""
        return self.encode(token_ids, mask, type_ids)
