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
