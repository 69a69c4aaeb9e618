"""The tables and the figure of `allennlp langid-layers`: JSON, Markdown and a line plot PNG."""

import json
import os
from collections import Counter
from typing import Any

from xlt_allennlp.common.plotting import pyplot

LayerResult = dict[str, Any]


def per_language_accuracy(gold: list[str], predicted: list[str]) -> dict[str, float]:
    """Accuracy of each gold language (sorted)."""
    totals, right = (
        Counter(gold),
        Counter(g for g, p in zip(gold, predicted, strict=True) if g == p),
    )
    return {language: right[language] / totals[language] for language in sorted(totals)}


def confused_pairs(gold: list[str], predicted: list[str], top: int = 10) -> list[dict[str, Any]]:
    """The `top` most frequent (gold, predicted) errors, most frequent first (ties by name)."""
    errors = Counter((g, p) for g, p in zip(gold, predicted, strict=True) if g != p)
    ranked = sorted(errors.items(), key=lambda item: (-item[1], item[0]))[:top]
    return [{"gold": g, "predicted": p, "count": count} for (g, p), count in ranked]


def write_reports(report: dict[str, Any], directory: str) -> dict[str, str]:
    """Writes `langid_layers.json`, `.md` and `.png` into `directory`; returns their paths."""
    os.makedirs(directory, exist_ok=True)
    paths = {kind: os.path.join(directory, f"langid_layers.{kind}") for kind in ("json", "md")}
    with open(paths["json"], "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    with open(paths["md"], "w", encoding="utf-8") as handle:
        handle.write(markdown(report))
    paths["png"] = os.path.join(directory, "langid_layers.png")
    plot_layers(report, paths["png"])
    return paths


def markdown(report: dict[str, Any]) -> str:
    """Accuracy per layer, per-language accuracy per layer and the best layer's confusions."""
    layers: dict[str, LayerResult] = report["layers"]
    split = report["evaluation_split"]
    lines = [
        f"# Language-ID probe per layer: {report['encoder']}",
        "",
        f"{report['data']['train']['paragraphs']} training paragraphs, "
        f"{report['data']['dev']['paragraphs']} dev, accuracy on {split} "
        f"({report['data'][split]['paragraphs']} paragraphs, "
        f"{report['data'][split]['languages']} languages).",
        "",
        f"| layer | dev accuracy | {split} accuracy | epochs |",
        "|---|---|---|---|",
    ]
    for layer, result in layers.items():
        lines.append(
            f"| {layer} | {100 * result['dev_accuracy']:.1f} | {100 * result['accuracy']:.1f} "
            f"| {result['epochs']} |"
        )
    lines += ["", f"## Accuracy per language ({split})", ""]
    lines += ["| language | " + " | ".join(layers) + " |", "|---" * (len(layers) + 1) + "|"]
    languages = next(iter(layers.values()))["per_language"] if layers else {}
    for language in languages:
        cells = [f"{100 * r['per_language'][language]:.0f}" for r in layers.values()]
        lines.append(f"| {language} | " + " | ".join(cells) + " |")
    best = report["best_layer"]
    lines += ["", f"## Most confused pairs at layer {best} (best on dev)", ""]
    lines += ["| gold | predicted | count |", "|---|---|---|"]
    lines += [
        f"| {e['gold']} | {e['predicted']} | {e['count']} |" for e in layers[best]["confused"]
    ]
    return "\n".join(lines) + "\n"


def plot_layers(report: dict[str, Any], path: str) -> None:
    """Figure 2 of the paper: layer on x, language-ID accuracy on y."""
    plt = pyplot()

    layers = [int(layer) for layer in report["layers"]]
    scores = [100 * result["accuracy"] for result in report["layers"].values()]
    figure, axes = plt.subplots(figsize=(6, 4))
    axes.plot(layers, scores, marker="o", label=report["evaluation_split"])
    axes.set_xlabel("layer (0 = embeddings)")
    axes.set_ylabel("language-ID accuracy (%)")
    axes.set_xticks(layers)
    axes.set_title(f"Language-ID probe: {os.path.basename(report['encoder'].rstrip('/'))}")
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
