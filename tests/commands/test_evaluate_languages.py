import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests import PROJECT_ROOT, UD_FIXTURES
from xlt_allennlp.commands.evaluate_languages import format_table, language_of, parse_inputs


def test_language_of_file_names() -> None:
    assert language_of("data/de_test.conllu") == "de"
    assert language_of("UD/de_gsd-ud-test.conllu") == "de"
    assert language_of("zh-hans_test.conllu") == "zh-hans"
    assert language_of("test.conllu") == "test"


def test_parse_inputs(tmp_path: Path) -> None:
    for name in ["de_test.conllu", "es_test.conllu"]:
        (tmp_path / name).write_text("x")
    pairs = parse_inputs([str(tmp_path / "*_test.conllu"), f"nl={tmp_path / 'de_test.conllu'}"])
    assert [language for language, _ in pairs] == ["de", "es", "nl"]
    with pytest.raises(FileNotFoundError, match="not found"):
        parse_inputs([str(tmp_path / "fr_test.conllu")])
    with pytest.raises(ValueError, match="given twice"):
        parse_inputs([str(tmp_path / "de_test.conllu"), str(tmp_path / "de_test.conllu")])


def test_format_table_average_leaves_out_source_language() -> None:
    table = format_table(
        {"en": {"accuracy": 0.9}, "de": {"accuracy": 0.5}, "es": {"accuracy": 0.7}},
        ["accuracy"],
        "en",
    )
    assert table.splitlines() == [
        "| language | accuracy |",
        "|---|---|",
        "| en | 90.0 |",
        "| de | 50.0 |",
        "| es | 70.0 |",
        "| avg (zero-shot) | 60.0 |",
    ]


def test_cli_prints_table_and_writes_json(pos_run: tuple[Path, dict], tmp_path: Path) -> None:
    archive = pos_run[0] / "model.tar.gz"
    output = tmp_path / "metrics.json"
    command = [
        sys.executable, "-m", "allennlp", "evaluate-languages", str(archive),
        str(UD_FIXTURES / "[a-q]*_test.conllu"), f"ru={UD_FIXTURES / 'ru_test.conllu'}",
        str(UD_FIXTURES / "zh_test.conllu"), "--output-file", str(output),
    ]  # fmt: skip
    result = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "| language | accuracy |" in result.stdout
    languages = ["ar", "de", "en", "es", "fr", "hi", "ru", "zh"]
    for language in [*languages, "avg (zero-shot)"]:
        assert f"| {language} |" in result.stdout
    results = json.loads(output.read_text())["results"]
    assert sorted(results) == languages
    assert results["en"]["accuracy"] >= 0.9
