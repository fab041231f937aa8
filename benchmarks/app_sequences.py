"""Random key sequences against the app, with resizes: does it crash, answer, clean up?

    python benchmarks/app_sequences.py --sequences 200 --seed 1     # JSON lines, one each
    PYTHONPATH=../old-checkout python benchmarks/app_sequences.py   # another checkout's app

Each sequence opens a fresh app (xor or spiral, paced, so the Pilot's wait for an idle
CPU ends), at a random size from 40×12 to 220×60, and sends random keys from every key
the app binds, field editing, the command palette and quick repeats (Enter twice, Escape
then q), with resizes between them. Afterwards it checks that the app still answers (a
key opens the help screen, or the app has quit), quits, and counts the threads left
running. It imports only ``BackpropApp`` and the training configuration, so it runs
against any checkout (issue 13's battery); ``tests/app/test_random_keys.py`` runs a few.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import threading
from dataclasses import asdict, dataclass

#: keys the app binds, keys a field or list takes, and the palette's
KEYS = [
    *"nrvigwlde0123456789-x",
    "space",
    "plus",
    "minus",
    "escape",
    "question_mark",
    "left_square_bracket",
    "right_square_bracket",
    "tab",
    "shift+tab",
    "enter",
    "backspace",
    "up",
    "down",
    "left",
    "right",
    "ctrl+p",
]
#: bursts that once crashed or mistyped: Enter twice at once, Escapes then q, a palette
#: search opened and closed as its results arrive
BURSTS = [
    ["ctrl+p", *"digits", "enter", "enter"],
    ["ctrl+p", *"preset", "escape"],
    ["ctrl+p", "enter", "enter"],
    ["e", *"2-9", "enter", "escape"],
]
#: how a sequence may end: quitting from a field (the terminal's alt+q or escapes then q)
QUITS = [["e", "escape", "escape", "q"], ["e", "alt+q"], ["q"]]
#: pauses between keys, in seconds: a fast typist, and time for a worker to answer
DELAYS = (0.0, 0.0, 0.01, 0.05, 0.2)
SIZES = ((40, 12), (220, 60))
PRESETS = ("xor", "spiral")


@dataclass
class Outcome:
    """What one sequence did to the app."""

    index: int
    keys: list[str]
    crashed: str = ""  # the exception's type and message
    answered: bool = False  # the app still opened its help screen (or had quit)
    quit: bool = False
    workers_left: int = 0  # the app's workers not finished a moment after it exited
    threads_left: int = 0


def random_keys(rng: random.Random, length: int) -> list[str]:
    """A sequence of keys, bursts and resizes ('resize:W×H')."""
    keys: list[str] = []
    while len(keys) < length:
        roll = rng.random()
        if roll < 0.1:
            (w0, h0), (w1, h1) = SIZES
            keys.append(f"resize:{rng.randint(w0, w1)}x{rng.randint(h0, h1)}")
        elif roll < 0.17:
            keys.extend(rng.choice(BURSTS))
        else:
            keys.append(rng.choice(KEYS))
    if rng.random() < 0.25:
        keys.extend(rng.choice(QUITS))
    return keys


def _config(preset: str):
    """A preset paced for the Pilot: 50 steps a second, an epoch count it never reaches."""
    from tui_backprop.training import apply_overrides, load_preset

    overrides = ["max_steps_per_second=50", "epochs=100000"]
    return apply_overrides(load_preset(preset), overrides)


async def run_sequence(
    index: int, keys: list[str], preset: str, size: tuple[int, int], delays: list[float]
) -> Outcome:
    """Send ``keys`` to a fresh app, each after its delay, as a terminal would (without the
    Pilot's wait for an idle CPU between keys); the outcome (a crash is caught)."""
    from textual import events
    from textual.keys import key_to_character

    from tui_backprop.app import BackpropApp

    outcome = Outcome(index, keys)
    app = BackpropApp(preset=preset, config=_config(preset))
    try:
        async with app.run_test(size=size) as pilot:
            for key, delay in zip(keys, delays):
                if app.return_code is not None:
                    break
                if key.startswith("resize:"):
                    width, height = map(int, key.removeprefix("resize:").split("x"))
                    await pilot.resize_terminal(width, height)
                else:
                    app.post_message(events.Key(key, key_to_character(key)))
                await asyncio.sleep(delay)
            await pilot.pause()
            outcome.quit = app.return_code is not None
            if not outcome.quit:
                await _answers(app, pilot, outcome)
                app.exit()
    except Exception as error:  # what the battery counts: any crash
        outcome.crashed = f"{type(error).__name__}: {error}"[:300]
    for _ in range(50):  # a trainer finishes its mini-batch after it is told to stop
        outcome.workers_left = sum(not worker.is_finished for worker in list(app.workers))
        if not outcome.workers_left:
            break
        await asyncio.sleep(0.1)
    return outcome


async def _answers(app, pilot, outcome: Outcome) -> None:
    """Leave any field or dialog, then ask for the help screen: the app must show it."""
    for _ in range(4):
        if len(app.screen_stack) == 1 and app.focused is None:
            break
        await pilot.press("escape")
        app.screen.set_focus(None)
    await pilot.press("question_mark")
    await pilot.pause()
    outcome.answered = type(app.screen).__name__ == "HelpScreen"


def threads_running() -> int:
    """Threads other than this one still alive (the loop's executor is shut down)."""
    return sum(t.is_alive() for t in threading.enumerate() if t is not threading.main_thread())


def sequence(index: int, seed: int, length: int):
    """The coroutine of sequence ``index`` (its keys, delays, preset and size drawn from
    the seed), ready to run in an event loop."""
    rng = random.Random(seed * 100_003 + index)
    keys = random_keys(rng, length)
    (w0, h0), (w1, h1) = SIZES
    size = (rng.randint(w0, w1), rng.randint(h0, h1))
    delays = [rng.choice(DELAYS) for _ in keys]
    return run_sequence(index, keys, rng.choice(PRESETS), size, delays)


def run(sequences: int, seed: int, length: int, start: int = 0):
    """Yield the outcome of each sequence, each in its own event loop."""
    for index in range(start, start + sequences):
        outcome = asyncio.run(sequence(index, seed, length))
        for _ in range(50):  # a trainer thread finishes its step after quit
            if not threads_running():
                break
            threading.Event().wait(0.1)
        outcome.threads_left = threads_running()
        yield outcome


def main() -> int:
    """Print one JSON line per sequence."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sequences", type=int, default=20)
    parser.add_argument("--start", type=int, default=0, help="index of the first sequence")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--length", type=int, default=30, help="keys per sequence")
    args = parser.parse_args()
    for outcome in run(args.sequences, args.seed, args.length, args.start):
        print(json.dumps(asdict(outcome)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
