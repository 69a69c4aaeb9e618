"""Heatmaps of `layer-similarity`: languages x layers, one panel per measure."""

from xlt_allennlp.analysis.similarity_measures import MEASURES, LayerSimilarity
from xlt_allennlp.common.plotting import pyplot


def plot_layer_similarity(similarity: LayerSimilarity, path: str) -> str:
    """Writes the heatmap PNG (values on a fixed 0-1 scale, written in the cells); returns
    `path`."""
    plt = pyplot()
    import numpy as np

    languages = list(similarity.scores)
    layers = similarity.num_layers
    width = max(4.0, 0.45 * layers + 1.5)
    height = max(2.0, 0.35 * len(languages) + 1.4)
    figure, axes = plt.subplots(1, len(MEASURES), figsize=(width * len(MEASURES), height))
    for axis, (measure, title) in zip(axes, MEASURES.items(), strict=True):
        values = np.array([similarity.scores[lang][measure] for lang in languages])
        image = axis.imshow(values, vmin=0.0, vmax=1.0, cmap="viridis", aspect="auto")
        for (row, column), value in np.ndenumerate(values):
            color = "black" if value > 0.6 else "white"
            axis.text(column, row, f"{value:.2f}", ha="center", va="center", fontsize=6, c=color)
        axis.set_xticks(range(layers), [str(layer) for layer in range(layers)])
        axis.set_yticks(range(len(languages)), languages)
        axis.set_xlabel("layer (0 = embeddings)")
        axis.set_title(title, fontsize=9)
    figure.colorbar(image, ax=list(axes), shrink=0.8)
    figure.suptitle(f"Similarity to {similarity.source_language} translations, per layer")
    figure.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(figure)
    return path
