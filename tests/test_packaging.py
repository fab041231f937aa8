"""pyproject.toml: the SPDX licence form (no setuptools deprecation warning on install) and
the optional Dask extra that `sweep --executor dask://...` names."""

from __future__ import annotations

import tomllib
from pathlib import Path

PYPROJECT = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())


def test_the_licence_is_an_spdx_expression_with_a_setuptools_that_reads_it() -> None:
    """license = "MIT" (PEP 639), not the deprecated table form; setuptools ≥ 77 reads it."""
    assert PYPROJECT["project"]["license"] == "MIT"
    assert "setuptools>=77" in PYPROJECT["build-system"]["requires"]
    assert not any("License ::" in c for c in PYPROJECT["project"].get("classifiers", []))


def test_the_distributed_extra_exists_and_the_tests_install_it() -> None:
    """pip install 'tui-backprop[distributed]' brings Dask's executor; the tests use it too."""
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert any(req.startswith("distributed") for req in extras["distributed"])
    assert any(req.startswith("distributed") for req in extras["test"])


def test_an_editable_install_is_a_plain_path_entry() -> None:
    """package-dir {"" = "."}: `make`'s `pip install -e` adds the project folder to sys.path
    instead of a meta path finder, for which setuptools prints a BuildBackendWarning."""
    assert PYPROJECT["tool"]["setuptools"]["package-dir"] == {"": "."}
