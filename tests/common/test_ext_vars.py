from pathlib import Path

import pytest
from allennlp.common import Params

from tests import PROJECT_ROOT
from xlt_allennlp.common import ConfigError


def test_jsonnet_ext_vars_with_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "c.jsonnet"
    config.write_text(
        f"local args = import '{PROJECT_ROOT}/training_configs/lib/args.libsonnet';\n"
        "{lr: args.json('lr', 5e-5), encoder: args.str('encoder', 'mbert'),"
        " layers: args.json('layers', [1])}\n"
    )
    monkeypatch.delenv("lr", raising=False)
    monkeypatch.delenv("encoder", raising=False)
    monkeypatch.delenv("layers", raising=False)
    assert Params.from_file(str(config)).as_dict() == {
        "lr": 5e-5,
        "encoder": "mbert",
        "layers": [1],
    }
    monkeypatch.setenv("lr", "3e-5")  # from the environment
    params = Params.from_file(str(config), ext_vars={"layers": "[0, 3]"})  # or explicit
    assert params.as_dict() == {"lr": 3e-5, "encoder": "mbert", "layers": [0, 3]}


def test_required_ext_var_missing_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "c.jsonnet"
    config.write_text(
        f"local args = import '{PROJECT_ROOT}/training_configs/lib/args.libsonnet';\n"
        "{path: args.required('data_path_x', 'the data, e.g. data_path_x=a.txt')}\n"
    )
    with pytest.raises(ConfigError) as error:
        Params.from_file(str(config))
    assert str(error.value) == (
        f"{config} needs the ext var data_path_x: the data, e.g. data_path_x=a.txt"
    )
    assert Params.from_file(str(config), ext_vars={"data_path_x": "b.txt"})["path"] == "b.txt"
