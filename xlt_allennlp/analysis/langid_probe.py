"""The language-identification probe of one encoder layer (Wu & Dredze 2019, section 5.3)."""

from typing import Any, Optional

import torch
from allennlp.common.checks import ConfigurationError
from allennlp.data import TextFieldTensors, Vocabulary
from allennlp.models import Model
from allennlp.nn import InitializerApplicator
from allennlp.training.metrics import CategoricalAccuracy
from transformers import AutoConfig

from xlt_allennlp.analysis.layer_features import hidden_state_means
from xlt_allennlp.modules.transformer_backbone import TransformerBackbone


def resolve_layer(layer: int, num_layers: int) -> int:
    """`layer` in 0 (embeddings) .. `num_layers`; negative counts from the top (-1 = last)."""
    resolved = layer + num_layers + 1 if layer < 0 else layer
    if not 0 <= resolved <= num_layers:
        raise ConfigurationError(
            f"layer {layer} does not exist: the encoder has layers 0 (embeddings) to {num_layers}"
        )
    return resolved


@Model.register("langid_probe")
class LanguageIdProbe(Model):
    """Linear softmax language-ID classifier on one layer of a frozen encoder.

    Registered as a `Model` with name "langid_probe". The encoder (`model_name`, loaded by the
    package's `TransformerBackbone`) is frozen and runs in eval mode without autograd; the input's
    representation is the mean over its non-padding subwords (special tokens included) of the
    hidden states of layer `layer`, the same vector `mean_layer_features` caches; a linear layer
    and a softmax give the language. Reports `accuracy`. Output: `logits`, `probs`, and `label`
    (decoded). With `precomputed_features: true` the model holds no encoder and its input is
    those vectors themselves (`features`, [batch, hidden]): how `allennlp langid-layers` trains
    the probe of every layer with allennlp's trainer on cached features.

    ```jsonnet
    "model": {"type": "langid_probe", "model_name": "bert-base-multilingual-cased", "layer": 6}
    ```

    # Parameters

    vocab : `Vocabulary`
        The vocabulary; the languages are its `label_namespace`.
    model_name : `str`
        The Hugging Face encoder (name or local path) whose hidden states are probed.
    layer : `int`, optional (default = `-1`)
        The probed layer: 0 = the embedding layer, ..., L = the last block; negative values count
        from the top (-1 = the last).
    label_namespace : `str`, optional (default = `"labels"`)
        The vocabulary namespace of the language labels.
    initializer : `InitializerApplicator`, optional (default = `None`)
        Applied to the model's parameters once it is built; `None`: nothing is re-initialized.
    precomputed_features : `bool`, optional (default = `False`)
        Take the layer's mean vectors as input (`features`) instead of `tokens`; the encoder is
        not loaded (only its config, for the sizes).
    """

    def __init__(
        self,
        vocab: Vocabulary,
        model_name: str,
        layer: int = -1,
        label_namespace: str = "labels",
        initializer: Optional[InitializerApplicator] = None,
        precomputed_features: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(vocab, **kwargs)
        self.backbone: Optional[TransformerBackbone] = None
        if precomputed_features:
            config = AutoConfig.from_pretrained(model_name)
        else:
            self.backbone = TransformerBackbone(model_name, train_parameters=False)
            config = self.backbone.config
        self.layer = resolve_layer(layer, config.num_hidden_layers)
        self._label_namespace = label_namespace
        num_labels = vocab.get_vocab_size(label_namespace)
        self.classifier = torch.nn.Linear(config.hidden_size, num_labels)
        self.accuracy = CategoricalAccuracy()
        (initializer or InitializerApplicator())(self)

    def forward(  # type: ignore[override]
        self,
        tokens: Optional[TextFieldTensors] = None,
        label: Optional[torch.Tensor] = None,
        metadata: Optional[list[dict[str, Any]]] = None,
        features: Optional[torch.Tensor] = None,
    ) -> dict[str, torch.Tensor]:
        if self.backbone is None:
            if features is None:
                raise ConfigurationError("a langid_probe on precomputed features needs `features`")
        else:
            if tokens is None:
                raise ConfigurationError("a langid_probe on an encoder needs `tokens`")
            inputs = tokens["tokens"]
            features = hidden_state_means(
                self.backbone.transformer_model, inputs["token_ids"], inputs["mask"]
            )[:, self.layer]
        logits = self.classifier(features)
        output = {"logits": logits, "probs": torch.softmax(logits, dim=-1)}
        if label is not None:
            # A label the training data lacks is -100: no loss, always a wrong prediction.
            output["loss"] = torch.nn.functional.cross_entropy(logits, label.long().view(-1))
            self.accuracy(logits, label)
        return output

    def make_output_human_readable(
        self, output_dict: dict[str, torch.Tensor]
    ) -> dict[str, torch.Tensor]:
        indices = output_dict["probs"].argmax(dim=-1).tolist()
        output_dict["label"] = [  # type: ignore[assignment]
            self.vocab.get_token_from_index(index, self._label_namespace) for index in indices
        ]
        return output_dict

    def get_metrics(self, reset: bool = False) -> dict[str, float]:
        return {"accuracy": self.accuracy.get_metric(reset)}
