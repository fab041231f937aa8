"""The command palette: ctrl+p, type part of a preset's name, Enter loads it.

``ClosingOncePalette`` is Textual's palette made to close once: Enter pressed twice
before it has gone ran its dismissal twice, popping the main screen from under it
(``ScreenStackError: Can't pop screen``; a five-line plain Textual app does the same).
A search still on its way when the palette closes ends quietly: it found the palette's
list gone (``NoMatches: 'CommandList'``). And typed fast (a paste, a terminal's queue),
nothing is lost: the presets are read to the end even when the palette cancels the
search waiting for them (``PresetCommands.startup``), and an Enter that comes before the
search's hits is kept and given to them (Textual dropped it, or gave it to the previous
query's list).
"""

from __future__ import annotations

import asyncio
from functools import partial

from textual import events, on, work
from textual.await_complete import AwaitComplete
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.css.query import NoMatches
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.worker import get_current_worker

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
        """Read the presets once per palette opening, in a thread (it reads files).

        Each key typed cancels the search before it, and a search waiting for this startup
        cancels it too: the provider then stayed empty ("No matches found") for the whole
        opening whenever keys came faster than the 10–20 ms read. So the read is shielded,
        and a cancel only makes this wait again for its result.
        """
        reading = asyncio.ensure_future(asyncio.to_thread(_presets))
        while True:
            try:
                self._presets = await asyncio.shield(reading)
                return
            except asyncio.CancelledError:
                if reading.cancelled():  # the read itself was stopped (the app is closing)
                    raise

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
        self._early_enters = 0  # Enters typed before the hits of the search on its way

    def _searching(self) -> bool:
        """True while a search of this palette is waiting to start or running."""
        return any(
            worker.node is self
            and worker.group == self._GATHER_COMMANDS_GROUP
            and not worker.is_finished
            for worker in self.workers
        )

    @on(Input.Submitted)
    def _keep_an_early_enter(self, event: Input.Submitted) -> None:
        """Enter while a search runs: keep it for the search's hits. Textual's handler
        would act on the list as it is: empty (the Enter is lost) or the previous query's
        (the Enter picks a command the user has typed past)."""
        if self._selected_command is None and self._searching():
            event.prevent_default()
            event.stop()
            self._early_enters += 1

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
        """Textual's search, ending quietly when the palette has closed under it; then the
        Enters kept while it ran, each as if pressed now (the first picks the top hit)."""
        try:
            await CommandPalette._gather_commands.__wrapped__(self, search_value)
        except NoMatches:
            if not (self._closing_once or not self.is_attached):
                raise  # the list is missing from an open palette: a real bug
            return
        if get_current_worker().is_cancelled or self._closing_once:
            return  # a newer search gives the kept Enters their hits
        enters, self._early_enters = self._early_enters, 0
        for _ in range(enters):
            self._select_or_command()

    async def _watch__show_busy(self) -> None:
        """Textual's busy indicator, left alone once the palette closes (its list is gone)."""
        if not self._closing_once:
            await super()._watch__show_busy()
