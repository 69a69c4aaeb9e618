"""Sentence (pair) classifier on a transformer: MLDoc and XNLI (paper sections 4.1 and 4.2)."""

from typing import Any, Optional

import torch
from allennlp.common.checks import ConfigurationError
from allennlp.data import TextFieldTensors, Vocabulary
from allennlp.models import Model
from allennlp.modules import Seq2SeqEncoder, Seq2VecEncoder, TextFieldEmbedder
from allennlp.modules.seq2vec_encoders import ClsPooler
from allennlp.nn import InitializerApplicator, util
from allennlp.training.metrics import CategoricalAccuracy, FBetaMeasure


@Model.register("transformer_classifier")
class TransformerClassifier(Model):
    """Text (pair) classifier: embedder, [seq2seq encoder], seq2vec encoder, linear, softmax.

    Registered as a `Model` with name "transformer_classifier". The default is the paper's head for
    MLDoc and XNLI: the vector of the first token ([CLS], or `<s>` for XLM-R) of the encoder's last
    layer, a fresh linear layer and a softmax (`seq2vec_encoder` defaults to allennlp's
    `cls_pooler`). The optional `seq2seq_encoder` and another `seq2vec_encoder` (e.g. a BiLSTM and
    max pooling over time, for the feature-based mode) are set from the config. Reports `accuracy`
    and, with `per_label_f1`, `f1-<label>` per label. Output: `logits`, `probs`; human readable
    `label` and `probabilities` (label -> probability).

    allennlp-models' `basic_classifier` is close, but has no per-label F1, no default pooler and
    decodes the input tokens for every prediction.

    ```jsonnet
    "model": {"type": "transformer_classifier",
              "text_field_embedder": {"token_embedders": {"tokens": {
                  "type": "pretrained_transformer_sequence",
                  "model_name": "bert-base-multilingual-cased"}}},
              "dropout": 0.1}
    ```

    # Parameters

    vocab : `Vocabulary`
        The vocabulary; the classes are its `label_namespace`.
    text_field_embedder : `TextFieldEmbedder`
        Embeds the `tokens` field (one vector per subword).
    seq2seq_encoder : `Seq2SeqEncoder`, optional (default = `None`)
        Runs over the embedded sequence before pooling; its input size must be the embedder's
        output size. `None`: none.
    seq2vec_encoder : `Seq2VecEncoder`, optional (default = `None`)
        Pools the sequence into one vector; its input size must match the sequence. `None`:
        allennlp's `cls_pooler` (the first token's vector).
    dropout : `float`, optional (default = `0.1`)
        Dropout on the pooled vector, before the linear layer.
    label_namespace : `str`, optional (default = `"labels"`)
        The vocabulary namespace of the labels; it must hold at least one label.
    per_label_f1 : `bool`, optional (default = `True`)
        Also report the F1 of every label (`f1-<label>`).
    initializer : `InitializerApplicator`, optional (default = `None`)
        Applied to the model's parameters once it is built; `None`: nothing is re-initialized.
    """

    default_predictor = "transformer_classifier"

    def __init__(
        self,
        vocab: Vocabulary,
        text_field_embedder: TextFieldEmbedder,
        seq2seq_encoder: Optional[Seq2SeqEncoder] = None,
        seq2vec_encoder: Optional[Seq2VecEncoder] = None,
        dropout: float = 0.1,
        label_namespace: str = "labels",
        per_label_f1: bool = True,
        initializer: Optional[InitializerApplicator] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(vocab, **kwargs)
        self.text_field_embedder = text_field_embedder
        self.seq2seq_encoder = seq2seq_encoder
        sequence_dim = (
            seq2seq_encoder.get_output_dim()
            if seq2seq_encoder is not None
            else text_field_embedder.get_output_dim()
        )
        if seq2seq_encoder is not None:
            _check_dims("seq2seq_encoder", seq2seq_encoder, text_field_embedder.get_output_dim())
        self.seq2vec_encoder = seq2vec_encoder or ClsPooler(sequence_dim)
        _check_dims("seq2vec_encoder", self.seq2vec_encoder, sequence_dim)
        self.label_namespace = label_namespace
        self.num_labels = vocab.get_vocab_size(label_namespace)
        if self.num_labels == 0:
            raise ConfigurationError(
                f"the vocabulary has no labels in namespace {label_namespace!r}"
            )
        self.labels = [
            vocab.get_token_from_index(index, label_namespace) for index in range(self.num_labels)
        ]
        self.dropout = torch.nn.Dropout(dropout)
        self.classification_layer = torch.nn.Linear(
            self.seq2vec_encoder.get_output_dim(), self.num_labels
        )
        self.accuracy = CategoricalAccuracy()
        self.per_label_f1 = per_label_f1
        self.f1 = FBetaMeasure()  # per label (average=None)
        self._f1_has_data = False
        if initializer is not None:
            initializer(self)

    def forward(  # type: ignore[override]
        self,
        tokens: TextFieldTensors,
        label: Optional[torch.LongTensor] = None,
        metadata: Optional[list[dict[str, Any]]] = None,
    ) -> dict[str, torch.Tensor]:
        mask = util.get_text_field_mask(tokens)
        embedded = self.text_field_embedder(tokens)
        if self.seq2seq_encoder is not None:
            embedded = self.seq2seq_encoder(embedded, mask=mask)
        pooled = self.seq2vec_encoder(embedded, mask=mask)
        logits = self.classification_layer(self.dropout(pooled))
        output: dict[str, Any] = {"logits": logits, "probs": torch.softmax(logits, dim=-1)}
        if label is not None:
            output["loss"] = torch.nn.functional.cross_entropy(logits, label.long().view(-1))
            self.accuracy(logits, label)
            if self.per_label_f1:
                self.f1(logits, label)
                self._f1_has_data = True
        return output

    def make_output_human_readable(
        self, output_dict: dict[str, torch.Tensor]
    ) -> dict[str, torch.Tensor]:
        probs = output_dict["probs"].detach().cpu()
        output_dict["label"] = [self.labels[index] for index in probs.argmax(dim=-1).tolist()]
        output_dict["probabilities"] = [  # type: ignore[assignment]
            dict(zip(self.labels, row, strict=True)) for row in probs.tolist()
        ]
        return output_dict

    def get_metrics(self, reset: bool = False) -> dict[str, float]:
        metrics = {"accuracy": self.accuracy.get_metric(reset)}
        if self.per_label_f1 and self._f1_has_data:
            scores = self.f1.get_metric(reset)["fscore"]
            metrics.update(
                {f"f1-{label}": score for label, score in zip(self.labels, scores, strict=True)}
            )
        if reset:
            self.f1.reset()
            self._f1_has_data = False
        return metrics


def _check_dims(name: str, module: Any, expected: int) -> None:
    if module.get_input_dim() != expected:
        raise ConfigurationError(
            f"{name} takes {module.get_input_dim()}-dimensional inputs, but gets {expected}"
        )
