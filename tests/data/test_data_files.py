from pathlib import Path

import pytest

from tests import UD_FIXTURES
from xlt_allennlp.data.data_files import data_files
from xlt_allennlp.tagging.dataset_readers import UdPosReader


def test_one_several_or_glob_patterns(tmp_path: Path) -> None:
    for name in ["en_train.conllu", "de_train.conllu", "fr_train.conllu"]:
        (tmp_path / name).write_text("x")
    assert data_files(str(tmp_path / "en_train.conllu")) == [str(tmp_path / "en_train.conllu")]
    en, fr = str(tmp_path / "en_train.conllu"), str(tmp_path / "fr_train.conllu")
    assert data_files(f"{en}, {fr}") == [en, fr]
    assert data_files(str(tmp_path / "*_train.conllu")) == [
        str(tmp_path / f"{language}_train.conllu") for language in ("de", "en", "fr")
    ]
    with pytest.raises(FileNotFoundError, match="no file matches"):
        data_files(f"{tmp_path / 'en_train.conllu'},{tmp_path / 'xx*.conllu'}")


def test_multi_source_training_data_reads_every_file_in_order() -> None:
    reader = UdPosReader()
    sources = [UD_FIXTURES / "en_dev.conllu", UD_FIXTURES / "de_test.conllu"]
    alone = [[t.text for t in i["tokens"]] for s in sources for i in reader.read(str(s))]
    together = reader.read(",".join(str(s) for s in sources))
    assert [[t.text for t in i["tokens"]] for i in together] == alone
