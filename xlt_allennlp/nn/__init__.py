from xlt_allennlp.nn.tree_decoding import single_root_mst, tree_score

__all__ = ["single_root_mst", "tree_score"]
