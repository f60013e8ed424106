"""The built wheel, installed non-editable into a fresh venv, runs the demo from outside the repository.

This is what a user of ``pip install storytrace`` gets: only the files the wheel carries. Every
file beside the modules in src/storytrace must be in it (the pair model once was left out, and
only ``storytrace eval`` reads it, so the demo alone would not notice).

Offline: the wheel is built without build isolation, and the new venv sees this interpreter's
site-packages through a ``.pth`` file, so storytrace's dependencies resolve without an index while
storytrace itself can only come from the wheel (the venv's own site-packages comes first on the path).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import site
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.packaging  # alone: pytest -m packaging
# the SPDX string in project.license needs it (pyproject.toml's build-system says the same)
SETUPTOOLS_MIN = (77,)


def _needs_tools() -> None:
    for module in ("venv", "pip", "setuptools"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} is not available to {sys.executable}")
    version = tuple(int(part) for part in metadata.version("setuptools").split(".")[:1])
    if version < SETUPTOOLS_MIN:
        pytest.skip(
            f"setuptools {metadata.version('setuptools')} cannot build this project offline; `make setup` installs the locked one"
        )


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything that would let the repository's own src/ be imported."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV"}}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env.update(extra)
    return env


def _run(args: list[str | Path], cwd: Path, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed:\n{done.stdout}\n{done.stderr}"
    return done


def _build_wheel(tmp: Path, env: dict[str, str]) -> Path:
    # a copy of the sources, so the build leaves no build/ or egg-info in the working tree
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(REPO / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    wheels = tmp / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", wheels, source], tmp, env)
    (wheel,) = wheels.glob("storytrace-*.whl")
    return wheel


def _fresh_venv(tmp: Path, env: dict[str, str]) -> Path:
    """A venv without pip of its own; this interpreter's site-packages (pip included) come after its own."""
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], tmp, env)
    python = venv / "bin" / "python"
    own = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp, env).stdout.strip()
    # every site-packages this interpreter reads, those it reads through .pth files included
    ours = dict.fromkeys(
        entry for entry in [*site.getsitepackages(), *sys.path] if Path(entry).name in {"site-packages", "dist-packages"}
    )
    (Path(own) / "zz_parent_site_packages.pth").write_text("".join(f"{path}\n" for path in ours), encoding="utf-8")
    return venv


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _needs_tools()
    tmp = tmp_path_factory.mktemp("wheel")
    return _build_wheel(tmp, _clean_env())


def test_wheel_carries_every_data_file_of_the_package(wheel: Path) -> None:
    package = REPO / "src"
    data_files = {
        path.relative_to(package).as_posix()
        for path in (package / "storytrace").rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
    }
    assert "storytrace/align/pair_model.json" in data_files  # the set is read from the tree, not empty
    with zipfile.ZipFile(wheel) as archive:
        carried = set(archive.namelist())
    assert sorted(data_files - carried) == []


def test_built_wheel_runs_the_demo_in_a_fresh_venv(tmp_path: Path, wheel: Path) -> None:
    work = tmp_path / "outside"  # not under the repository: nothing can be imported from its src/
    work.mkdir()
    env = _clean_env(STORYTRACE_CACHE=str(tmp_path / "cache"))

    venv = _fresh_venv(tmp_path, env)
    python = venv / "bin" / "python"
    _run([python, "-m", "pip", "install", "--no-deps", "--no-index", "-q", wheel], work, env)

    imported = _run([python, "-c", "import storytrace; print(storytrace.__file__)"], work, env).stdout.strip()
    assert Path(imported).resolve().is_relative_to(venv.resolve()), f"storytrace imported from {imported}, not the new venv"
    assert not Path(imported).resolve().is_relative_to(REPO)

    out = work / "demo"
    _run([venv / "bin" / "storytrace", "demo", "--out", out], work, env, timeout=180)

    trace = json.loads((out / "trace.json").read_text(encoding="utf-8"))
    articles = {article["id"] for article in trace["articles"]}
    edges = [edge for story in trace["stories"] for edge in story["edges"]]
    assert trace["stories"] and edges, "the demo traced no story with derivation edges"
    # the pair model and the encoder ran: every edge links two traced reports and has a coverage
    assert all(edge["source"] in articles and edge["derived"] in articles and 0 < edge["coverage"] <= 1 for edge in edges)
    assert (out / "trace.md").exists() and (out / "trace.html").exists()
