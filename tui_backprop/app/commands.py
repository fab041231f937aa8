"""The command palette: ctrl+p, type part of a preset's name, Enter loads it.

``ClosingOncePalette`` is Textual's palette made to close once: Enter pressed twice
before it has gone ran its dismissal twice, popping the main screen from under it
(``ScreenStackError: Can't pop screen``; a five-line plain Textual app does the same).
A search still on its way when the palette closes ends quietly: it found the palette's
list gone (``NoMatches: 'CommandList'``).
"""

from __future__ import annotations

from functools import partial

from textual import events, work
from textual.await_complete import AwaitComplete
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.css.query import NoMatches
from textual.message import Message
from textual.widgets import Input, OptionList

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


class ClosingOncePalette(CommandPalette):
    """The command palette, which ignores keys and choices once it has begun to close."""

    #: what a user sends: ignored while the palette closes
    _USER_INPUT = (events.Key, Input.Submitted, Input.Changed, OptionList.OptionSelected)

    def __init__(self, **kwargs: object) -> None:
        """The palette, open."""
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._closing_once = False

    def dismiss(self, result: object = None) -> AwaitComplete:
        """Close once; a second request (a second Enter already queued) does nothing."""
        if self._closing_once:
            return AwaitComplete.nothing()
        self._closing_once = True
        return super().dismiss(result)

    def check_message_enabled(self, message: Message) -> bool:
        """No key or choice reaches a palette that is closing (its list may be gone)."""
        if self._closing_once and isinstance(message, self._USER_INPUT):
            return False
        return super().check_message_enabled(message)

    @work(exclusive=True, group=CommandPalette._GATHER_COMMANDS_GROUP)
    async def _gather_commands(self, search_value: str) -> None:
        """Textual's search, ending quietly when the palette has closed under it."""
        try:
            await CommandPalette._gather_commands.__wrapped__(self, search_value)
        except NoMatches:
            if not (self._closing_once or not self.is_attached):
                raise  # the list is missing from an open palette: a real bug

    async def _watch__show_busy(self) -> None:
        """Textual's busy indicator, left alone once the palette closes (its list is gone)."""
        if not self._closing_once:
            await super()._watch__show_busy()
