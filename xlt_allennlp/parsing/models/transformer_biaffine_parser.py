"""Biaffine dependency parser on a multilingual transformer (Wu & Dredze 2019, section 4.5)."""

import logging
from typing import Any, Optional

import numpy
import torch
from allennlp.common.checks import ConfigurationError
from allennlp.data import TextFieldTensors, Vocabulary
from allennlp.models import Model
from allennlp.modules import Embedding, FeedForward, Seq2SeqEncoder, TextFieldEmbedder
from allennlp.modules.seq2seq_encoders import PassThroughEncoder
from allennlp.nn import InitializerApplicator
from allennlp.nn.util import get_text_field_mask
from allennlp.training.metrics import AttachmentScores
from allennlp_models.structured_prediction.models.biaffine_dependency_parser import (
    BiaffineDependencyParser,
)

from xlt_allennlp.parsing.tree_decoding import single_root_mst

logger = logging.getLogger(__name__)


@Model.register("transformer_biaffine_parser")
class TransformerBiaffineParser(BiaffineDependencyParser):
    """allennlp-models' Dozat & Manning `biaffine_parser` with a transformer as the encoder.

    Registered as a `Model` with name "transformer_biaffine_parser". The words are embedded by the
    text field embedder (normally `pretrained_transformer_first_subword`: the first subword of
    each word, non-first subwords never reach the parser, any sentence length through the sliding
    window); the `encoder` defaults to a pass-through (the transformer replaces Dozat & Manning's
    LSTM) and can be a BiLSTM for the feature-based mode. `pos_tag_embedding` (namespace `pos`)
    concatenates the gold UPOS embedding to the word vectors before the `encoder`: the paper's
    "Z+POS" parser.

    What it changes in the allennlp-models parser, and why:

    - Metrics exclude words whose gold UPOS is in `ignore_pos_in_metrics` (PUNCT and SYM, the
      paper's definition; allennlp-models uses a mixed PTB/UD list); with
      `report_unexcluded_scores` the scores over all words are reported too (`UAS_all`,
      `LAS_all`, the CoNLL 2018 shared-task definition). Input without UPOS is scored on all
      words.
    - MST decoding uses the root-attachment scores (the allennlp-models decoder zeroes them and
      so picks the root word from the other arcs only) and returns exactly one root per
      sentence (`xlt_allennlp.parsing.tree_decoding.single_root_mst`).
    - `pos_tags` are optional unless the model embeds them.
    - MST decoding scores the relations of every word pair with the tag bilinear factored as
      two matrix products (`pairwise_relation_logits`): the same logits as allennlp-models'
      `tag_bilinear` on n x n expanded copies, in O(n L d (d + n)) instead of O(n^2 L d^2)
      time and without the [n, n, d] copies (23 s -> 0.4 s for a 600-word sentence); the
      relations of given heads (loss, greedy decoding) likewise (`aligned_relation_logits`),
      as `torch.bilinear` is slow on the CPU.

    ```jsonnet
    "model": {"type": "transformer_biaffine_parser",
              "text_field_embedder": {"token_embedders": {"tokens": {
                  "type": "pretrained_transformer_first_subword",
                  "model_name": "bert-base-multilingual-cased", "max_length": 512}}},
              "arc_representation_dim": 500, "tag_representation_dim": 100, "dropout": 0.33,
              "pos_tag_embedding": {"embedding_dim": 100, "vocab_namespace": "pos"}}
    ```

    # Parameters

    vocab : `Vocabulary`
        The vocabulary; it must hold relation labels (namespace `head_tags`).
    text_field_embedder : `TextFieldEmbedder`
        Embeds the `words` field: one vector per word.
    tag_representation_dim : `int`
        The output size of the MLPs used for relation prediction.
    arc_representation_dim : `int`
        The output size of the MLPs used for head (arc) prediction.
    encoder : `Seq2SeqEncoder`, optional (default = `None`)
        Runs over the word vectors (with the UPOS embeddings, if any) before the MLPs. `None`: a
        pass-through of the embedder's (plus `pos_tag_embedding`'s) output size.
    tag_feedforward : `FeedForward`, optional (default = `None`)
        The network that makes the relation representations (one for heads, a copy for
        dependents); `None`: one layer with ELU.
    arc_feedforward : `FeedForward`, optional (default = `None`)
        The network that makes the arc representations (one for heads, a copy for dependents);
        `None`: one layer with ELU.
    pos_tag_embedding : `Embedding`, optional (default = `None`)
        Embeds the gold UPOS tags (`pos_tags`, namespace `pos`), which every input then needs.
    use_mst_decoding_for_validation : `bool`, optional (default = `True`)
        Decode with the maximum spanning tree during validation and prediction (greedy during
        training); `False`: greedy decoding always.
    dropout : `float`, optional (default = `0.0`)
        Variational dropout on the encoder's output and on the MLPs' outputs.
    input_dropout : `float`, optional (default = `0.0`)
        Dropout on the word vectors entering the encoder.
    ignore_pos_in_metrics : `List[str]`, optional (default = `None`)
        UPOS tags whose words the attachment scores leave out; `None`: PUNCT and SYM.
    report_unexcluded_scores : `bool`, optional (default = `False`)
        Also report the scores over all words (`UAS_all`, `LAS_all`, ...).
    initializer : `InitializerApplicator`, optional (default = `None`)
        Applied to the model's parameters once it is built; `None`: nothing is re-initialized.
    """

    default_predictor = "transformer_biaffine_parser"

    def __init__(
        self,
        vocab: Vocabulary,
        text_field_embedder: TextFieldEmbedder,
        tag_representation_dim: int,
        arc_representation_dim: int,
        encoder: Optional[Seq2SeqEncoder] = None,
        tag_feedforward: Optional[FeedForward] = None,
        arc_feedforward: Optional[FeedForward] = None,
        pos_tag_embedding: Optional[Embedding] = None,
        use_mst_decoding_for_validation: bool = True,
        dropout: float = 0.0,
        input_dropout: float = 0.0,
        ignore_pos_in_metrics: Optional[list[str]] = None,
        report_unexcluded_scores: bool = False,
        initializer: Optional[InitializerApplicator] = None,
        **kwargs: Any,
    ) -> None:
        if encoder is None:
            input_dim = text_field_embedder.get_output_dim()
            if pos_tag_embedding is not None:
                input_dim += pos_tag_embedding.get_output_dim()
            encoder = PassThroughEncoder(input_dim)
        super().__init__(
            vocab,
            text_field_embedder,
            encoder,
            tag_representation_dim,
            arc_representation_dim,
            tag_feedforward=tag_feedforward,
            arc_feedforward=arc_feedforward,
            pos_tag_embedding=pos_tag_embedding,
            use_mst_decoding_for_validation=use_mst_decoding_for_validation,
            dropout=dropout,
            input_dropout=input_dropout,
            initializer=initializer or InitializerApplicator(),
            **kwargs,
        )
        if vocab.get_vocab_size("head_tags") == 0:
            raise ConfigurationError("the vocabulary has no relation labels (namespace head_tags)")
        if ignore_pos_in_metrics is None:
            ignore_pos_in_metrics = ["PUNCT", "SYM"]
        pos_vocab = vocab.get_token_to_index_vocabulary("pos")
        self._pos_to_ignore = {pos_vocab[tag] for tag in ignore_pos_in_metrics if tag in pos_vocab}
        self._unexcluded_scores = AttachmentScores() if report_unexcluded_scores else None

    def forward(  # type: ignore[override]
        self,
        words: TextFieldTensors,
        pos_tags: Optional[torch.LongTensor] = None,
        metadata: Optional[list[dict[str, Any]]] = None,
        head_tags: Optional[torch.LongTensor] = None,
        head_indices: Optional[torch.LongTensor] = None,
    ) -> dict[str, Any]:
        embedded = self.text_field_embedder(words)
        if self._pos_tag_embedding is not None:
            if pos_tags is None:
                raise ConfigurationError(
                    "this parser embeds gold UPOS tags (Z+POS) but the input has none: give "
                    "CoNLL-U with the UPOS column filled, or JSON with a 'pos' list"
                )
            embedded = torch.cat([embedded, self._pos_tag_embedding(pos_tags)], dim=-1)
        mask = get_text_field_mask(words)
        heads, tags, mask_with_root, arc_nll, tag_nll = self._parse(
            embedded, mask, head_tags, head_indices
        )
        output: dict[str, Any] = {
            "heads": heads,
            "head_tags": tags,
            "arc_loss": arc_nll,
            "tag_loss": tag_nll,
            "loss": arc_nll + tag_nll,
            "mask": mask_with_root,
        }
        if metadata is not None:
            output["words"] = [item["words"] for item in metadata]
            output["pos"] = [item.get("pos") for item in metadata]
        if head_indices is not None and head_tags is not None:
            scored = (heads[:, 1:], tags[:, 1:], head_indices, head_tags)
            eval_mask = mask if pos_tags is None else self._get_mask_for_eval(mask, pos_tags)
            self._attachment_scores(*scored, eval_mask)
            if self._unexcluded_scores is not None:
                self._unexcluded_scores(*scored, mask)
        return output

    def _mst_decode(
        self,
        head_tag_representation: torch.Tensor,
        child_tag_representation: torch.Tensor,
        attended_arcs: torch.Tensor,
        mask: torch.BoolTensor,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        # allennlp-models' _mst_decode with the relation logits computed by
        # pairwise_relation_logits (the rest as there).
        lengths = mask.data.sum(dim=1).long().cpu().numpy()
        relation_logits = pairwise_relation_logits(
            self.tag_bilinear, head_tag_representation, child_tag_representation
        )
        normalized_relation_logits = torch.log_softmax(relation_logits, dim=3).permute(0, 3, 1, 2)
        minus_mask = ~mask * -1e8
        attended_arcs = attended_arcs + minus_mask.unsqueeze(2) + minus_mask.unsqueeze(1)
        normalized_arc_logits = torch.log_softmax(attended_arcs, dim=2).transpose(1, 2)
        batch_energy = torch.exp(normalized_arc_logits.unsqueeze(1) + normalized_relation_logits)
        return self._run_mst_decoding(batch_energy, lengths)

    @staticmethod
    def _run_mst_decoding(
        batch_energy: torch.Tensor, lengths: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        # batch_energy[b, label, head, child] = P(arc head -> child) * P(label | arc).
        heads = []
        head_tags = []
        for energy, length in zip(batch_energy.detach().cpu(), lengths, strict=True):
            scores, tag_ids = energy.max(dim=0)
            weights = torch.log(scores.double().clamp(min=1e-300)).numpy()
            instance_heads = single_root_mst(weights, int(length))
            padded = numpy.zeros(energy.size(-1), dtype=numpy.int64)
            padded[: len(instance_heads)] = instance_heads
            instance_tags = tag_ids[padded, torch.arange(energy.size(-1))].numpy()
            instance_tags[0] = 0
            heads.append(padded)
            head_tags.append(instance_tags)
        return (
            torch.from_numpy(numpy.stack(heads)).to(batch_energy.device),
            torch.from_numpy(numpy.stack(head_tags)).to(batch_energy.device),
        )

    def _get_head_tags(
        self,
        head_tag_representation: torch.Tensor,
        child_tag_representation: torch.Tensor,
        head_indices: torch.Tensor,
    ) -> torch.Tensor:
        # allennlp-models' _get_head_tags (relation logits of each word and its given head) with
        # the bilinear as two products (aligned_relation_logits): torch.bilinear is several times
        # slower on the CPU, above all its backward pass.
        batch = torch.arange(head_indices.size(0), device=head_indices.device).unsqueeze(1)
        heads = head_tag_representation[batch, head_indices]
        return aligned_relation_logits(self.tag_bilinear, heads, child_tag_representation)

    def get_metrics(self, reset: bool = False) -> dict[str, float]:
        metrics = self._attachment_scores.get_metric(reset)
        if self._unexcluded_scores is not None:
            for name, value in self._unexcluded_scores.get_metric(reset).items():
                metrics[f"{name}_all"] = value
        return metrics


def pairwise_relation_logits(
    bilinear: torch.nn.Bilinear, heads: torch.Tensor, children: torch.Tensor
) -> torch.Tensor:
    """`bilinear(heads[b, h], children[b, c])` for every pair: [batch, n, n, labels].

    `heads`, `children`: [batch, n, d]. Equal (up to float rounding) to applying the
    `torch.nn.Bilinear` to the two tensors expanded to [batch, n, n, d], but as
    `(heads W_l) children^T` per label l: no [n, n, d] copies, and d times less arithmetic.
    """
    projected = torch.einsum("bhi,lij->bhlj", heads, bilinear.weight)
    logits = torch.einsum("bhlj,bcj->bhcl", projected, children)
    return logits if bilinear.bias is None else logits + bilinear.bias


def aligned_relation_logits(
    bilinear: torch.nn.Bilinear, heads: torch.Tensor, children: torch.Tensor
) -> torch.Tensor:
    """`bilinear(heads, children)` ([batch, n, d] each -> [batch, n, labels]) as
    `(heads W_l) . children` per label l: the same values and gradients as `torch.nn.Bilinear`."""
    projected = torch.einsum("bni,lij->bnlj", heads, bilinear.weight)
    logits = torch.einsum("bnlj,bnj->bnl", projected, children)
    return logits if bilinear.bias is None else logits + bilinear.bias
