"""Word-level tagger on top of a (multilingual) transformer's first-subword vectors."""

from typing import Any, Optional

import torch
from allennlp.data import TextFieldTensors, Vocabulary
from allennlp.models import Model
from allennlp.modules import (
    ConditionalRandomField,
    Seq2SeqEncoder,
    TextFieldEmbedder,
    TimeDistributed,
)
from allennlp.modules.conditional_random_field import allowed_transitions
from allennlp.nn import InitializerApplicator, util
from allennlp.training.metrics import CategoricalAccuracy, SpanBasedF1Measure

from xlt_allennlp.tagging.bio import to_valid_bio


@Model.register("first_subword_tagger")
class FirstSubwordTagger(Model):
    """Linear + softmax over each word's first-subword vector (Wu & Dredze 2019, 4.3 and 4.4).

    Registered as a `Model` with name "first_subword_tagger". The word-level vectors come from the
    text field embedder (normally `pretrained_transformer_first_subword`, which masks non-first
    subwords by never selecting them); an optional `encoder` (e.g. a BiLSTM for the feature-based
    mode) runs between the embedder and the output layer. Always reports token `accuracy`.

    For NER set `label_encoding: "BIO"`: entity-level span precision/recall/F1 (overall and per
    type, conlleval's definition) are reported, and predicted tag sequences are repaired into
    valid BIO (an `I-X` that does not continue an `X` span starts one). `use_crf: true` adds
    allennlp's `ConditionalRandomField` and Viterbi decoding; its loss is the negative
    log-likelihood per word, so learning rates stay comparable with the softmax head.

    allennlp-models' `simple_tagger`/`crf_tagger` are close, but have no dropout before the
    output layer (simple) or no softmax head (crf), so one small model covers both here.

    ```jsonnet
    "model": {"type": "first_subword_tagger",
              "text_field_embedder": {"token_embedders": {"tokens": {
                  "type": "pretrained_transformer_first_subword",
                  "model_name": "bert-base-multilingual-cased"}}},
              "dropout": 0.1, "label_encoding": "BIO", "use_crf": false}
    ```

    # Parameters

    vocab : `Vocabulary`
        The vocabulary; the tags are its `label_namespace`.
    text_field_embedder : `TextFieldEmbedder`
        Embeds the `tokens` field: one vector per word.
    encoder : `Seq2SeqEncoder`, optional (default = `None`)
        Runs over the word vectors before the output layer; `None`: none.
    dropout : `float`, optional (default = `0.0`)
        Dropout on the vectors that enter the output layer.
    label_namespace : `str`, optional (default = `"labels"`)
        The vocabulary namespace of the tags; it must hold at least one label.
    label_encoding : `str`, optional (default = `None`)
        `"BIO"` for NER (span F1, BIO repair of the predictions, CRF constraints); `None` for
        tags without spans (POS).
    use_crf : `bool`, optional (default = `False`)
        Decode with a conditional random field (Viterbi) instead of a softmax per word.
    constrain_crf_decoding : `bool`, optional (default = `None`)
        With `use_crf`: allow only valid BIO transitions (needs `label_encoding: "BIO"`). `None`:
        true exactly when `label_encoding` is set.
    initializer : `InitializerApplicator`, optional (default = `None`)
        Applied to the model's parameters once it is built; `None`: nothing is re-initialized.
    """

    default_predictor = "first_subword_tagger"

    def __init__(
        self,
        vocab: Vocabulary,
        text_field_embedder: TextFieldEmbedder,
        encoder: Optional[Seq2SeqEncoder] = None,
        dropout: float = 0.0,
        label_namespace: str = "labels",
        label_encoding: Optional[str] = None,
        use_crf: bool = False,
        constrain_crf_decoding: Optional[bool] = None,
        initializer: Optional[InitializerApplicator] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(vocab, **kwargs)
        if label_encoding not in (None, "BIO"):
            raise ValueError(f"label_encoding must be null or 'BIO', not {label_encoding!r}")
        self.text_field_embedder = text_field_embedder
        self.encoder = encoder
        self.label_namespace = label_namespace
        self.label_encoding = label_encoding
        self.num_labels = vocab.get_vocab_size(label_namespace)
        if self.num_labels == 0:
            raise ValueError(f"the vocabulary has no labels in namespace {label_namespace!r}")
        input_dim = encoder.get_output_dim() if encoder else text_field_embedder.get_output_dim()
        self.dropout = torch.nn.Dropout(dropout)
        self.tag_projection_layer = TimeDistributed(torch.nn.Linear(input_dim, self.num_labels))
        self.crf: Optional[ConditionalRandomField] = None
        if use_crf:
            if constrain_crf_decoding is None:
                constrain_crf_decoding = label_encoding is not None
            constraints = None
            if constrain_crf_decoding:
                if label_encoding is None:
                    raise ValueError("constrain_crf_decoding needs label_encoding: 'BIO'")
                labels = vocab.get_index_to_token_vocabulary(label_namespace)
                constraints = allowed_transitions(label_encoding, labels)
            self.crf = ConditionalRandomField(self.num_labels, constraints)
        self.metrics: dict[str, Any] = {"accuracy": CategoricalAccuracy()}
        if label_encoding is not None:
            self.metrics["span_f1"] = SpanBasedF1Measure(
                vocab, tag_namespace=label_namespace, label_encoding=label_encoding
            )
        if initializer is not None:
            initializer(self)

    def forward(  # type: ignore[override]
        self,
        tokens: TextFieldTensors,
        tags: Optional[torch.LongTensor] = None,
        metadata: Optional[list[dict[str, Any]]] = None,
    ) -> dict[str, torch.Tensor]:
        mask = util.get_text_field_mask(tokens)
        embedded = self.text_field_embedder(tokens)
        if self.encoder is not None:
            embedded = self.encoder(embedded, mask)
        logits = self.tag_projection_layer(self.dropout(embedded))
        output: dict[str, Any] = {"logits": logits, "mask": mask}
        if self.crf is None:
            scores = torch.softmax(logits, dim=-1)
        else:
            # One-hot scores of the Viterbi path, so metrics see the decoded sequence.
            paths = self.crf.viterbi_tags(logits, mask)
            scores = torch.zeros_like(logits)
            for row, (path, _) in enumerate(paths):
                scores[row, torch.arange(len(path)), torch.as_tensor(path, dtype=torch.long)] = 1
        output["class_probabilities"] = scores
        if tags is not None:
            if self.crf is None:
                output["loss"] = util.sequence_cross_entropy_with_logits(logits, tags, mask)
            else:
                log_likelihood = self.crf(logits, tags, mask)
                output["loss"] = -log_likelihood / mask.sum().clamp(min=1)
            for metric in self.metrics.values():
                metric(scores, tags, mask)
        if metadata is not None:
            output["words"] = [item["words"] for item in metadata]
        return output

    def make_output_human_readable(
        self, output_dict: dict[str, torch.Tensor]
    ) -> dict[str, torch.Tensor]:
        predictions = output_dict["class_probabilities"].argmax(dim=-1).cpu().tolist()
        lengths = output_dict["mask"].sum(dim=-1).cpu().tolist()
        all_tags = []
        for row, length in zip(predictions, lengths, strict=True):
            tags = [
                self.vocab.get_token_from_index(index, namespace=self.label_namespace)
                for index in row[:length]
            ]
            all_tags.append(to_valid_bio(tags) if self.label_encoding == "BIO" else tags)
        output_dict["tags"] = all_tags
        return output_dict

    def get_metrics(self, reset: bool = False) -> dict[str, float]:
        metrics = {"accuracy": self.metrics["accuracy"].get_metric(reset)}
        if "span_f1" in self.metrics:
            metrics.update(self.metrics["span_f1"].get_metric(reset))
        return metrics
