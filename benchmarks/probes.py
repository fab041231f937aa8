"""Measurements that need a fresh process: memory, the app's overhead and key latency.

Run as ``python -m benchmarks.probes MODE [options]``; prints one JSON object. The parent
(``benchmarks.app_bench``) runs each probe with a timeout, so that a hang or a crash in the
app becomes a note in the report rather than a stuck benchmark.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import statistics
import sys
import threading
import time

#: terminal size for the headless app: a common full-screen terminal
APP_SIZE = (120, 40)
PRESET = "spiral"  # the default preset: what a user sees first


def rss_mib() -> float:
    """This process's resident set size in MiB (from /proc/self/statm)."""
    with open("/proc/self/statm", encoding="utf-8") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _config(preset: str, **changes):
    """A preset with changes, validated."""
    from tui_backprop.training import load_preset

    return load_preset(preset).replace(**changes)


def probe_memory(steps: int, preset: str) -> dict:
    """Train ``steps`` mini-batch steps at the default report cadence, sampling RSS."""
    from tui_backprop.data import load_dataset
    from tui_backprop.training import Trainer

    config = _config(preset)
    dataset = load_dataset(config.dataset, **config.dataset_options)
    per_epoch = math.ceil(len(dataset.X_train) / config.batch_size)
    config = config.replace(epochs=math.ceil(steps / per_epoch))
    samples: list[tuple[int, float]] = []
    trainer: Trainer | None = None
    warm = min(10_000, steps // 10)

    def listener(snapshot) -> None:
        """Sample RSS at every snapshot; stop at the step budget."""
        samples.append((snapshot.step, rss_mib()))
        if snapshot.step >= steps and trainer is not None:
            trainer.stop()

    trainer = Trainer(config, dataset, listener=listener)
    started = time.perf_counter()
    trainer.run()
    seconds = time.perf_counter() - started
    after_warm = [rss for step, rss in samples if step >= warm] or [rss_mib()]
    return {
        "preset": preset,
        "sizes": config.sizes,
        "steps": trainer.step_count,
        "seconds": seconds,
        "snapshots": len(samples),
        "rss_start": samples[0][1] if samples else rss_mib(),
        "rss_after_warmup": after_warm[0],
        "rss_peak": max(rss for _, rss in samples),
        "rss_end": samples[-1][1],
    }


def _headless_rate(config, dataset, seconds: float) -> float:
    """Samples/s of ``Trainer.run`` in this thread, stopped after ``seconds``."""
    from tui_backprop.training import Trainer

    trainer = Trainer(config, dataset, listener=lambda snapshot: None)
    marks: list[tuple[float, int]] = []

    def watch() -> None:
        """Mark the samples seen after a warm-up and at the end, then stop the run."""
        time.sleep(0.5)
        marks.append((time.perf_counter(), trainer.samples_seen))
        time.sleep(seconds)
        marks.append((time.perf_counter(), trainer.samples_seen))
        trainer.stop()

    watcher = threading.Thread(target=watch)
    watcher.start()
    trainer.run()
    watcher.join()
    (t0, s0), (t1, s1) = marks
    return (s1 - s0) / (t1 - t0)


async def _app_rate(config, seconds: float) -> dict:
    """Samples/s of the trainer inside the headless app with panels updating, and frames."""
    from tui_backprop.app import BackpropApp

    app = BackpropApp(config=config)
    frames: list[float] = []
    original = app._display

    def display(screen, renderable) -> None:
        """Count every composed frame."""
        if renderable is not None:
            frames.append(time.perf_counter())
        original(screen, renderable)

    app._display = display
    async with app.run_test(size=APP_SIZE) as pilot:
        while app.trainer is None:
            await pilot.pause(0.05)
        await pilot.press("space")
        while app.trainer.samples_seen == 0:
            await pilot.pause(0.01)
        await asyncio.sleep(0.5)
        t0, s0, f0 = time.perf_counter(), app.trainer.samples_seen, len(frames)
        await asyncio.sleep(seconds)
        t1, s1, f1 = time.perf_counter(), app.trainer.samples_seen, len(frames)
        shown = app.main.status.snapshot
        app.exit()
    return {
        "rate": (s1 - s0) / (t1 - t0),
        "frames_per_second": (f1 - f0) / (t1 - t0),
        "shown_step": shown.step if shown is not None else 0,
    }


def probe_ui_overhead(seconds: float, rounds: int, preset: str = PRESET) -> dict:
    """The trainer's samples/s in the app (at its "max" pace) against headless, interleaved
    over rounds."""
    from tui_backprop.data import load_dataset

    # a pace above the app's fastest step is "max" (headless ignores pace)
    config = _config(preset, epochs=1_000_000, max_steps_per_second=1e6)
    dataset = load_dataset(config.dataset, **config.dataset_options)
    headless, in_app, fps = [], [], []
    for _ in range(rounds):
        headless.append(_headless_rate(config, dataset, seconds))
        result = asyncio.run(_app_rate(config, seconds))
        in_app.append(result["rate"])
        fps.append(result["frames_per_second"])
    ratios = [a / h for a, h in zip(in_app, headless)]
    return {
        "preset": preset,
        "headless": statistics.median(headless),
        "app": statistics.median(in_app),
        "overhead": 1.0 - statistics.median(ratios),
        "frames_per_second": statistics.median(fps),
    }


def _send_key(app, key: str, char: str) -> None:
    """Deliver a key as a terminal driver does (``Pilot.press`` also waits for idle)."""
    from textual import events

    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)


async def _latency(samples: int) -> dict:
    """Key press to screen update while training: η changes shown in the status bar."""
    from tui_backprop.app import BackpropApp

    config = _config(PRESET, epochs=1_000_000, max_steps_per_second=1e6)  # max pace
    app = BackpropApp(config=config)
    frames: list[tuple[float, float]] = []
    original = app._display

    def display(screen, renderable) -> None:
        """Record when each frame is composed and which η the app held then."""
        if renderable is not None:
            frames.append((time.perf_counter(), app.config.eta))
        original(screen, renderable)

    app._display = display
    latencies = []
    rng = random.Random(0)
    async with app.run_test(size=APP_SIZE) as pilot:
        while app.trainer is None:
            await pilot.pause(0.05)
        await pilot.press("space")
        while app.trainer.samples_seen == 0:
            await pilot.pause(0.01)
        await asyncio.sleep(0.5)
        for i in range(samples):
            key, char = ("plus", "+") if i % 2 == 0 else ("minus", "-")
            before = app.config.eta
            pressed = time.perf_counter()
            _send_key(app, key, char)
            deadline = pressed + 5.0
            shown = None
            while shown is None and time.perf_counter() < deadline:
                shown = next(
                    (t for t, eta in frames if t >= pressed and eta != before),
                    None,
                )
                if shown is None:
                    await asyncio.sleep(0.001)
            if shown is not None:
                latencies.append(shown - pressed)
            await asyncio.sleep(rng.uniform(0.1, 0.3))
        training = app.trainer.samples_seen
        app.exit()
    ordered = sorted(latencies)
    return {
        "samples": len(latencies),
        "p50": statistics.median(ordered) if ordered else None,
        "p95": ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
        if ordered
        else None,
        "max": ordered[-1] if ordered else None,
        "trained_samples": training,
    }


def main(argv: list[str] | None = None) -> int:
    """Run one probe and print its JSON result."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.probes")
    parser.add_argument("mode", choices=("memory", "ui-overhead", "ui-latency"))
    parser.add_argument("--steps", type=int, default=1_000_000)
    parser.add_argument("--preset", default="xor")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--app-preset", default=PRESET, help="ui-overhead: the preset")
    args = parser.parse_args(argv)
    if args.mode == "memory":
        result = probe_memory(args.steps, args.preset)
    elif args.mode == "ui-overhead":
        result = probe_ui_overhead(args.seconds, args.rounds, args.app_preset)
    else:
        result = asyncio.run(_latency(args.samples))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
