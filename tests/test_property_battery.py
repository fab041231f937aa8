"""Property-based battery (issue 13, Deliver 2): random presets, --set strings, model files and
CSV bytes give a valid result or our one-line error, never another exception.

Bounded for `make test`; `TUI_BACKPROP_FUZZ_EXAMPLES=2000 .venv/bin/pytest
tests/test_property_battery.py` runs more.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import numpy as np
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_backprop.data import DatasetError, load_dataset
from tui_backprop.training import ConfigError, RunConfig, apply_overrides, from_dict
from tui_backprop.training.config import FIELDS, load
from tui_backprop.training.model_io import FORMAT, ModelFileError, load_model

EXAMPLES = int(os.environ.get("TUI_BACKPROP_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, -1, 1e-310, 1e308, 2**63, 0.5, 3]),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=20))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
keys = st.one_of(st.sampled_from(sorted(FIELDS)), st.text(max_size=12))
presets = st.dictionaries(keys, values, max_size=8)


def _clean(value):
    """TOML has no null: drop Nones the way a TOML file cannot hold them."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_clean(v) for v in value if v is not None]
    return value


@FUZZ
@given(presets)
def test_random_preset_dictionaries(data):
    """from_dict: a RunConfig or a ConfigError with a one-line message."""
    try:
        config = from_dict(data)
    except ConfigError as error:
        assert str(error) and "\n" not in str(error)
    else:
        assert isinstance(config, RunConfig)


@FUZZ
@given(presets)
def test_random_preset_files(data):
    """The same dictionaries written as TOML files and loaded as presets."""
    try:
        text = tomli_w.dumps(_clean(data))
    except (TypeError, ValueError):
        return  # not representable in TOML (such as a float nan key): not a file to test
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.toml"
        path.write_text(text, encoding="utf-8")
        try:
            load(path)
        except ConfigError as error:
            assert str(error).startswith(str(path))


@FUZZ
@given(
    st.lists(st.one_of(st.text(max_size=30), keys.map(lambda k: k + "=")), max_size=4), st.data()
)
def test_random_set_strings(items, data):
    """apply_overrides on any strings: a RunConfig or a ConfigError."""
    items = [
        item + data.draw(st.text(max_size=15)) if item.endswith("=") else item for item in items
    ]
    base = from_dict({"dataset": "xor", "sizes": [2, 4, 1]})
    try:
        apply_overrides(base, items)
    except ConfigError as error:
        assert str(error)


dtypes = st.sampled_from(["<f8", "<f4", "<i8", "<c16", "<U3", "|b1", ">f8", "<f2"])
shapes = st.lists(st.integers(0, 5), min_size=0, max_size=3).map(tuple)
member_names = st.sampled_from(
    ["format", "config", "w0", "b0", "w1", "b1", "input_mean", "input_std", "x", "w9"]
)
configs = st.sampled_from(
    [
        'dataset = "xor"\nsizes = [2, 3, 1]\n',
        'dataset = "xor"\nsizes = [2, 3, 1]\ndtype = "float32"\n',
        "sizes = [2, 100000, 100000, 1]\n",
        "sizes = [[[[\n",
        "",
        'dataset = "digits"\nsizes = [64, 3, 10]\n',
    ]
)


@st.composite
def npz_contents(draw):
    """A dict of arrays for np.savez: a plausible model with random members changed."""
    arrays = {}
    if draw(st.booleans()):
        arrays["format"] = np.array(draw(st.sampled_from([FORMAT, "other", ""])))
    if draw(st.booleans()):
        arrays["config"] = np.array(draw(configs))
    if draw(st.booleans()):  # the layers of [2, 3, 1], right or wrong
        arrays |= {"w0": np.ones((3, 2)), "b0": np.ones(3), "w1": np.ones((1, 3)), "b1": np.ones(1)}
    for name in draw(st.lists(member_names, max_size=4)):
        shape, dtype = draw(shapes), np.dtype(draw(dtypes))
        fill = draw(st.sampled_from([0.0, 1.0, np.nan, np.inf, -1.0]))
        if dtype.kind in "fc":
            arrays[name] = np.full(shape, fill, dtype=dtype)
        else:
            arrays[name] = np.zeros(shape, dtype=dtype)
    return arrays


@FUZZ
@given(npz_contents(), st.binary(max_size=64), st.booleans())
def test_random_model_files(arrays, noise, damage):
    """load_model on random .npz contents (and damaged bytes): a network or ModelFileError."""
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    data = buffer.getvalue()
    if damage and len(data) > 100:
        at = len(data) // 2
        data = data[:at] + noise + data[at + len(noise) :]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.npz"
        path.write_bytes(data)
        try:
            config, net = load_model(path)
        except ModelFileError as error:
            assert str(error).startswith(str(path)) and "\n" not in str(error)
        else:
            assert all(np.isfinite(w).all() for w in net.weights)
            assert net.sizes == config.sizes


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_as_a_model_file(data):
    """Any bytes at all: ModelFileError (or, by chance, a model)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.npz"
        path.write_bytes(data)
        try:
            load_model(path)
        except ModelFileError as error:
            assert str(path) in str(error)


cells = st.one_of(
    st.sampled_from(["0", "1", "-1.5", "1e308", "-1e308", "nan", "inf", "", "a", '"', "x y"]),
    st.text(max_size=6),
)
rows = st.lists(st.lists(cells, min_size=1, max_size=4), min_size=0, max_size=12)


@FUZZ
@given(rows, st.sampled_from([",", ";", "\t"]), st.booleans(), st.binary(max_size=20))
def test_random_csv_files(table, sep, header, junk):
    """load_dataset('csv') on random tables and bytes: a Dataset or a DatasetError."""
    text = "\n".join(sep.join(row) for row in table)
    if header:
        text = "a,b,label\n" + text
    data = text.encode("utf-8", "surrogatepass") if junk == b"" else text.encode() + junk
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(data)
        try:
            dataset = load_dataset("csv", path=str(path))
        except (DatasetError, ConfigError) as error:
            assert str(error)
        else:
            assert np.isfinite(dataset.X_train).all()
