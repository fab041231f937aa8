"""The memory count: parameters and bytes, sizes as people write them, the limit's sources."""

from __future__ import annotations

import pytest

from tui_backprop.training import memory


def test_the_count_follows_the_stated_formula():
    """P = Σ (n_in + 1)·n_out; bytes = s·(5P + 5·m·N + 3·EVAL_ROWS·W)."""
    need = memory.need([784, 30, 10], itemsize=8, batch_size=10)
    assert need.parameters == 785 * 30 + 31 * 10
    neurons, widest = 784 + 30 + 10, 784
    expected = 8 * (5 * need.parameters + 5 * 10 * neurons + 3 * memory.EVAL_ROWS * widest)
    assert need.bytes == expected


@pytest.mark.parametrize(
    ("text", "size"),
    [("16G", 16 << 30), ("500M", 500 << 20), ("1.5g", 3 << 29), ("2GiB", 2 << 30), ("123", 123)],
)
def test_sizes_as_people_write_them(text, size):
    """16G, 500M, 1.5g, 2GiB and plain bytes."""
    assert memory.parse_size(text) == size


@pytest.mark.parametrize("text", ["", "lots", "-1G", "0", "1e9", "10X"])
def test_what_is_not_a_size(text):
    """Anything else is a ValueError that quotes it."""
    with pytest.raises(ValueError, match="is not a size"):
        memory.parse_size(text)


def test_the_limit_comes_from_the_option_the_environment_or_the_machine(monkeypatch):
    """--max-memory beats TUI_BACKPROP_MAX_MEMORY, which beats half the available memory."""
    monkeypatch.delenv(memory.ENV_VAR, raising=False)
    monkeypatch.setattr(memory, "available_bytes", lambda: 8 << 30)
    assert memory.limit() == (4 << 30, "half the available memory")
    monkeypatch.setenv(memory.ENV_VAR, "2G")
    assert memory.limit() == (2 << 30, memory.ENV_VAR)
    memory.set_limit(1 << 30)
    try:
        assert memory.limit() == (1 << 30, "--max-memory")
    finally:
        memory.set_limit(None)
    monkeypatch.setenv(memory.ENV_VAR, "plenty")
    with pytest.raises(ValueError, match="TUI_BACKPROP_MAX_MEMORY: 'plenty' is not a size"):
        memory.check_environment()
