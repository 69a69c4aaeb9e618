"""The paper's analyses (section 5.3-5.4) and per-layer cross-lingual similarity.

Importing the package registers the analyses' dataset reader (`wili`) and model
(`langid_probe`). Each analysis that a command runs lives in the module named as the command
(`langid_layers`, `layer_similarity`, `subword_overlap`: the function of that name, called by
`xlt_allennlp.commands.<name>`); its measures, tables and figures sit beside it in modules
named for what they are (`similarity_measures`, `overlap_measures`, `langid_report`, ...).
"""

from xlt_allennlp.analysis import (
    langid_layers,
    langid_probe,
    layer_features,
    layer_similarity,
    subword_overlap,
    wili,
)

__all__ = [
    "langid_layers",
    "langid_probe",
    "layer_features",
    "layer_similarity",
    "subword_overlap",
    "wili",
]
