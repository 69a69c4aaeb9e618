"""The paper's analyses (section 5.3-5.4) and per-layer cross-lingual similarity.

Each analysis registers its dataset readers, models and `allennlp` subcommands on import.
"""
