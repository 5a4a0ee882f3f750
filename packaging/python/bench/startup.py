"""Startup benchmark (cargo xtask dist --bench): from `Simulator()` to the first answered request
(`GET /_sim`), with the wheel's release binary. Prints one JSON line of milliseconds."""

from __future__ import annotations

import json
import statistics
import sys
import time

from pesapal_sim import Simulator


def main(rounds: int) -> None:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        sim = Simulator().start()
        sim.info()
        samples.append((time.perf_counter() - started) * 1000)
        sim.stop()
    samples.sort()
    print(json.dumps({
        "runner": f"Python {sys.version.split()[0]}",
        "rounds": rounds,
        "median_ms": round(statistics.median(samples), 1),
        "p90_ms": round(samples[int(0.9 * (rounds - 1))], 1),
        "min_ms": round(samples[0], 1),
        "max_ms": round(samples[-1], 1),
    }))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
