"""The paper's analyses (section 5.3-5.4) and per-layer cross-lingual similarity.

Each analysis registers its dataset readers, models and `allennlp` subcommands on import.
"""

from xlt_allennlp.analysis import (
    langid_layers,
    langid_probe,
    layer_features,
    layer_similarity_command,
    subword_overlap_command,
    wili,
)

__all__ = [
    "langid_layers",
    "langid_probe",
    "layer_features",
    "layer_similarity_command",
    "subword_overlap_command",
    "wili",
]
