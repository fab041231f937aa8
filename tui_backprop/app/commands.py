"""The command palette's presets: ctrl+p, type part of a name, Enter loads it."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui_backprop.training import ConfigError, load_preset, preset_names


def _presets() -> list[tuple[str, str]]:
    """Every shipped preset with its description ('' when the file has a problem)."""
    found = []
    for name in preset_names():
        try:
            found.append((name, load_preset(name).description))
        except ConfigError:
            found.append((name, "(this preset has an error: choose it to see why)"))
    return found


class PresetCommands(Provider):
    """Offers 'preset: NAME' for every shipped preset."""

    async def startup(self) -> None:
        """Read the presets once per palette opening, in a thread (it reads files)."""
        worker = self.app.run_worker(_presets, thread=True)
        self._presets = await worker.wait()

    def _load(self, name: str) -> None:
        """Ask the app to open a preset."""
        self.app.open_preset(name)  # type: ignore[attr-defined]

    async def discover(self) -> Hits:
        """List every preset when nothing is typed yet."""
        for name, description in self._presets:
            yield DiscoveryHit(f"preset: {name}", partial(self._load, name), help=description)

    async def search(self, query: str) -> Hits:
        """Presets whose name matches what is typed."""
        matcher = self.matcher(query)
        for name, description in self._presets:
            command = f"preset: {name}"
            score = matcher.match(command)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(command), partial(self._load, name), help=description
                )
