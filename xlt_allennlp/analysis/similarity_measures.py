"""How similar an encoder's representations of translations are, layer by layer: linear CKA
(Kornblith et al. 2019; used across languages by Conneau, Wu et al. 2020) and top-1 translation
retrieval by cosine, plain and after subtracting each language's mean vector (Libovický et al.
2019)."""

from dataclasses import dataclass, field
from typing import Any

import torch

MEASURES = {
    "cka": "linear CKA",
    "retrieval": "top-1 retrieval accuracy",
    "retrieval_centered": "top-1 retrieval, language means subtracted",
}


def linear_cka(x: torch.Tensor, y: torch.Tensor) -> float:
    """Linear CKA of two representations `[n, d_x]`, `[n, d_y]` of the same n items:
    ||Yc^T Xc||_F^2 / (||Xc^T Xc||_F ||Yc^T Yc||_F) with column-centred Xc, Yc. 1 for identical
    inputs; invariant to orthogonal transformations, isotropic scaling and shifts of either
    side (so subtracting a language's mean changes nothing)."""
    x = x.double() - x.double().mean(dim=0)
    y = y.double() - y.double().mean(dim=0)
    cross = torch.linalg.matrix_norm(y.T @ x) ** 2
    norms = torch.linalg.matrix_norm(x.T @ x) * torch.linalg.matrix_norm(y.T @ y)
    return float(cross / norms) if norms > 0 else 0.0


def retrieval_accuracy(queries: torch.Tensor, candidates: torch.Tensor) -> float:
    """Share of queries (row i of `[n, d]`) whose most cosine-similar candidate is row i."""
    q = torch.nn.functional.normalize(queries.double(), dim=1)
    c = torch.nn.functional.normalize(candidates.double(), dim=1)
    nearest = (q @ c.T).argmax(dim=1)
    return float((nearest == torch.arange(len(q))).double().mean())


def centered(x: torch.Tensor) -> torch.Tensor:
    """`x` `[n, d]` less its mean vector (a language's centroid)."""
    return x - x.mean(dim=0, keepdim=True)


def layer_scores(source: torch.Tensor, target: torch.Tensor) -> dict[str, list[float]]:
    """Every measure at every layer for translations `[n, layers, d]` (row i of `target`
    translates row i of `source`); retrieval queries are the target sentences."""
    scores: dict[str, list[float]] = {measure: [] for measure in MEASURES}
    for layer in range(source.shape[1]):
        s, t = source[:, layer], target[:, layer]
        scores["cka"].append(linear_cka(s, t))
        scores["retrieval"].append(retrieval_accuracy(t, s))
        scores["retrieval_centered"].append(retrieval_accuracy(centered(t), centered(s)))
    return scores


@dataclass
class LayerSimilarity:
    """Per-layer similarity of each target language to the source language (layer 0 = the
    embeddings); `sentences[language]` is the number of translation pairs compared."""

    source_language: str
    scores: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    sentences: dict[str, int] = field(default_factory=dict)

    @property
    def num_layers(self) -> int:
        return len(next(iter(self.scores.values()))["cka"]) if self.scores else 0

    def averages(self) -> dict[str, list[float]]:
        """Each measure's mean over the target languages, per layer."""
        languages = list(self.scores)
        return {
            measure: [
                sum(self.scores[lang][measure][layer] for lang in languages) / len(languages)
                for layer in range(self.num_layers)
            ]
            for measure in MEASURES
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "source_language": self.source_language,
            "layers": self.num_layers,
            "measures": MEASURES,
            "languages": {
                lang: {"sentences": self.sentences[lang], **scores}
                for lang, scores in self.scores.items()
            },
            "average": self.averages(),
        }

    def markdown(self) -> str:
        header = "| language | n | " + " | ".join(str(i) for i in range(self.num_layers)) + " |"
        rule = "|---|---|" + "---|" * self.num_layers
        averages = self.averages()
        lines: list[str] = []
        for measure, title in MEASURES.items():
            lines += [
                f"{title}, {self.source_language} vs each language, by layer (0 = embeddings):"
            ]
            lines.append("")
            lines += [header, rule]
            for lang, scores in [*self.scores.items(), ("average", averages)]:
                n = str(self.sentences.get(lang, ""))
                cells = " | ".join(f"{value:.2f}" for value in scores[measure])
                lines.append(f"| {lang} | {n} | {cells} |")
            lines.append("")
        return "\n".join(lines).rstrip()
