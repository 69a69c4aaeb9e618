"""What the README promises, as a user sees it from the real `allennlp` command: a new interpreter
(allennlp builds its command line before it imports plugins, so in-process calls can differ),
run from the repository root (`.allennlp_plugins`) and from a directory without it
(`--include-package xlt_allennlp` for allennlp's own commands; the package's own commands need
allennlp's global plugins file there, `~/.allennlp/plugins`)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import FIXTURE_CONFIGS, PROJECT_ROOT, UD_FIXTURES
from xlt_allennlp.data.conllu import read_conllu

INCLUDE = ("--include-package", "xlt_allennlp")
PLACES = ["repository root", "elsewhere"]


def run_allennlp(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    environment = {**os.environ, **(env or {})}
    command = [sys.executable, "-m", "allennlp", *args]
    return subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True)


def place(where: str, tmp_path: Path) -> tuple[Path, tuple[str, ...]]:
    """The working directory and the extra arguments a user gives there."""
    if where == "repository root":
        return PROJECT_ROOT, ()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    assert not (elsewhere / ".allennlp_plugins").exists()
    return elsewhere, INCLUDE


def assert_one_line_error(result: subprocess.CompletedProcess, expected: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and expected in errors[0], result.stderr[-3000:]


def broken_conllu(tmp_path: Path) -> tuple[Path, int]:
    """English dev with a word line in the middle that has 9 columns; the file and the line."""
    lines = (UD_FIXTURES / "en_dev.conllu").read_text(encoding="utf-8").split("\n")
    bad_line = len(lines) // 2
    while not lines[bad_line - 1][:1].isdigit():
        bad_line += 1
    lines[bad_line - 1] = lines[bad_line - 1].replace("\t", " ", 1)
    source = tmp_path / "broken.conllu"
    source.write_text("\n".join(lines), encoding="utf-8")
    return source, bad_line


@pytest.mark.parametrize("where", PLACES)
def test_predict_output_that_looks_complete_is_complete(
    pos_run: tuple[Path, dict], tmp_path: Path, where: str
) -> None:
    # README "Reliability": bad input in the middle stops with file and line, before anything
    # is written.
    cwd, extra = place(where, tmp_path)
    source, bad_line = broken_conllu(tmp_path)
    output = tmp_path / "out.conllu"
    result = run_allennlp(
        "predict", str(pos_run[0] / "model.tar.gz"), str(source), "--use-dataset-reader",
        "--silent", "--output-file", str(output), "--batch-size", "4", *extra, cwd=cwd,
    )  # fmt: skip
    assert_one_line_error(result, f"{source}:{bad_line}: expected 10 tab-separated")
    assert not output.exists() or output.read_text(encoding="utf-8") == ""


def test_predict_needs_no_gold_and_names_bad_json_lines(
    pos_run: tuple[Path, dict], tmp_path: Path
) -> None:
    # README "Reliability": prediction never needs gold annotation (UPOS of another tag set,
    # `_`), one sentence out per sentence in; a JSON line that is not JSON is named.
    cwd, extra = place("elsewhere", tmp_path)
    archive = str(pos_run[0] / "model.tar.gz")
    foreign = tmp_path / "foreign_tags.conllu"
    text = (UD_FIXTURES / "de_test.conllu").read_text(encoding="utf-8")
    foreign.write_text(text.replace("\tNOUN\t", "\tPRT\t").replace("\tVERB\t", "\t_\t"))
    output = tmp_path / "de.pred.conllu"
    result = run_allennlp(
        "predict", archive, str(foreign), "--use-dataset-reader", "--silent",
        "--output-file", str(output), *extra, cwd=cwd,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(list(read_conllu(str(output)))) == len(list(read_conllu(str(foreign))))

    rows = [json.dumps({"words": ["the", "dog"]})] * 3 + ['{"words": ["a"', ""]
    jsonl = tmp_path / "broken.jsonl"
    jsonl.write_text("\n".join(rows), encoding="utf-8")
    result = run_allennlp(
        "predict", archive, str(jsonl), "--silent", "--output-file", str(tmp_path / "j.json"),
        *extra, cwd=cwd,
    )  # fmt: skip
    assert_one_line_error(result, "JSON input 4 (non-blank line 4): not valid JSON")


def test_evaluate_reports_a_bad_file_in_one_line(
    pos_run: tuple[Path, dict], tmp_path: Path
) -> None:
    source, bad_line = broken_conllu(tmp_path)
    result = run_allennlp(
        "evaluate", str(pos_run[0] / "model.tar.gz"), str(source), cwd=PROJECT_ROOT
    )
    assert_one_line_error(result, f"{source}:{bad_line}: expected 10 tab-separated")


def test_parser_scores_are_the_same_with_predictions_dir(
    parsing_run: tuple[Path, dict], tmp_path: Path
) -> None:
    # evaluate-languages shows UAS and LAS by default; writing the predictions changes nothing.
    # Elsewhere, the package's own command is found through allennlp's global plugins file.
    home = tmp_path / "home"
    (home / ".allennlp").mkdir(parents=True)
    (home / ".allennlp" / "plugins").write_text("xlt_allennlp\n")
    cwd, _ = place("elsewhere", tmp_path)
    archive = str(parsing_run[0] / "model.tar.gz")
    files = [str(UD_FIXTURES / "de_test.conllu"), str(UD_FIXTURES / "es_test.conllu")]
    tables = []
    for extra in [(), ("--predictions-dir", str(tmp_path / "predictions"))]:
        result = run_allennlp(
            "evaluate-languages", archive, *files, *extra, cwd=cwd, env={"HOME": str(home)}
        )
        assert result.returncode == 0, result.stderr[-3000:]
        table = [line for line in result.stdout.splitlines() if line.startswith("| ")]
        assert table[0] == "| language | UAS | LAS |"
        tables.append(table)
    assert tables[0] == tables[1]
    scores = [float(cell) for row in tables[0][1:] for cell in row.strip("| ").split(" | ")[1:]]
    assert all(score > 0 for score in scores)
    assert sorted(path.name for path in (tmp_path / "predictions").iterdir()) == [
        "de_test.conllu",
        "es_test.conllu",
    ]


def test_own_commands_need_a_plugins_file_outside_the_repository(tmp_path: Path) -> None:
    # The documented limit: allennlp builds its command list before `--include-package` is
    # read, so elsewhere the package's commands are found through ~/.allennlp/plugins only.
    cwd, extra = place("elsewhere", tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    result = run_allennlp("evaluate-languages", "--help", *extra, cwd=cwd,
                          env={"HOME": str(home)})  # fmt: skip
    assert result.returncode != 0 and "invalid choice: 'evaluate-languages'" in result.stderr
    (home / ".allennlp").mkdir()
    (home / ".allennlp" / "plugins").write_text("xlt_allennlp\n")
    result = run_allennlp("evaluate-languages", "--help", cwd=cwd, env={"HOME": str(home)})
    assert result.returncode == 0 and "--predictions-dir" in result.stdout


def test_a_mistyped_ext_var_is_named(tmp_path: Path) -> None:
    # `epoch=1` (the config reads `epochs`): one warning line at config load.
    result = run_allennlp(
        "train", str(FIXTURE_CONFIGS / "pos.jsonnet"), "-s", str(tmp_path / "run"), "--dry-run",
        cwd=PROJECT_ROOT,
        env={"encoder": "fixtures/encoders/tiny-mbert", "epoch": "1", "learning_rate": "3e-5"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    output = result.stdout + result.stderr
    assert "ext var `epoch` is not read by pos.jsonnet; did you mean `epochs`?" in output
    assert "ext var `learning_rate` is not read by pos.jsonnet; did you mean `lr`?" in output
    assert "ext var `encoder`" not in output


def test_paper_true_trains_the_papers_recipe_and_an_explicit_ext_var_wins(tmp_path: Path) -> None:
    cwd, extra = place("elsewhere", tmp_path)
    result = run_allennlp(
        "train", str(PROJECT_ROOT / "training_configs" / "pos.jsonnet"), "-s",
        str(tmp_path / "run"), "--dry-run", *extra, cwd=cwd,
        env={"encoder": str(PROJECT_ROOT / "fixtures/encoders/tiny-xlmr"), "paper": "true",
             "layers": "mix:2", "train_path": str(UD_FIXTURES / "en_train.conllu"),
             "dev_path": str(UD_FIXTURES / "en_dev.conllu")},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    tokens = config["model"]["text_field_embedder"]["token_embedders"]["tokens"]
    assert tokens["layers"] == "mix:2" and "subword_pooling" not in tokens  # first subword
    assert config["dataset_reader"]["token_indexers"]["tokens"]["space_markers"] == "first"
    groups = config["trainer"]["optimizer"]["parameter_groups"]
    assert [settings for _, settings in groups] == [{"weight_decay": 0.0}]  # one lr
