"""The label inventories of the five tasks: each written once, here.

The readers give these to their label fields (`all_labels`), so a model's label namespace holds
exactly these labels, in this order, whatever the English training data contains: a zero-shot
language that uses a tag English lacks is scored as an error, not a crash, and archives trained
on different files agree on label indices. The configs carry no label lists.
"""

# The 17 universal part-of-speech tags of UD v2.
UPOS_TAGS = (
    "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN",
    "PUNCT", "SCONJ", "SYM", "VERB", "X",
)  # fmt: skip
# UD v1's name for CCONJ: accepted in input files (UD v1.4 treebanks, the paper's POS data), but
# not a label of the model.
UD_V1_UPOS = ("CONJ",)
# What a UPOS column may hold when validated (both UD readers check against this one set).
ACCEPTED_UPOS = frozenset(UPOS_TAGS + UD_V1_UPOS)


def upos_v2(tag: str) -> str:
    """A UPOS tag under its UD v2 name (`CONJ` -> `CCONJ`)."""
    return "CCONJ" if tag == "CONJ" else tag


# The 37 universal dependency relations of UD v2 (without language-specific subtypes).
UD_RELATIONS = (
    "acl", "advcl", "advmod", "amod", "appos", "aux", "case", "cc", "ccomp", "clf", "compound",
    "conj", "cop", "csubj", "dep", "det", "discourse", "dislocated", "expl", "fixed", "flat",
    "goeswith", "iobj", "list", "mark", "nmod", "nsubj", "nummod", "obj", "obl", "orphan",
    "parataxis", "punct", "reparandum", "root", "vocative", "xcomp",
)  # fmt: skip

# CoNLL 2002/2003 entity types (the Chinese NER reader maps its NR/NS/NT onto the first three).
CONLL_ENTITY_TYPES = ("PER", "LOC", "ORG", "MISC")

MLDOC_LABELS = ("CCAT", "ECAT", "GCAT", "MCAT")
NLI_LABELS = ("entailment", "neutral", "contradiction")


def bio_labels(entity_types: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """`O`, then `B-X` for every type, then `I-X` for every type."""
    return ("O", *(f"B-{t}" for t in entity_types), *(f"I-{t}" for t in entity_types))
