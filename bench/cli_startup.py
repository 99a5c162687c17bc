"""Benchmark: how quickly the staff command line answers.

Run from the repo root: `python -m bench.cli_startup [--runs N]`. Times, as separate processes
and interleaved so that a busy machine slows all of them alike: `python -c pass` (the
interpreter alone), `sll --help`, and `sll lop ds` on a scratch SQLite database with one class
(made first with `sll db nang-cap`). Reports medians and each command's time as a ratio to
`python -c pass` in the same run, so figures from machines of different speeds compare.
The last printed line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RUNS = 9

COMMANDS: dict[str, list[str]] = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "sll --help": [sys.executable, "-m", "cli", "--help"],
    "sll lop ds": [sys.executable, "-m", "cli", "lop", "ds"],
}


def _env(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLL_")}
    env.update(
        SLL_CONFIG=str(REPO / "tests" / "no-config.toml"),
        SLL_DATABASE_URL=f"sqlite+aiosqlite:///{db}",
        SLL_CENTRE_NAME="Trung tâm Chính trị (thử tốc độ)",
    )
    return env


def _run(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, cwd=REPO, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args[1:])} failed:\n{done.stderr.decode(errors='replace')}")
    return elapsed


def measure(runs: int = RUNS) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        env = _env(Path(folder) / "bench.sqlite3")
        cli = [sys.executable, "-m", "cli"]
        _run([*cli, "db", "nang-cap"], env)
        _run([*cli, "lop", "tao", "BENCH-1", "--ten", "Lớp thử", "--loai", "Sơ cấp LLCT"], env)
        times: dict[str, list[float]] = {name: [] for name in COMMANDS}
        for args in COMMANDS.values():
            _run(args, env)  # warm the file cache and the bytecode once
        for _ in range(runs):
            for name, args in COMMANDS.items():
                times[name].append(_run(args, env))
    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians["python -c pass"]
    return {
        "runs": runs,
        "python_pass_s": round(base, 3),
        "help_s": round(medians["sll --help"], 3),
        "lop_ds_s": round(medians["sll lop ds"], 3),
        "help_ratio": round(medians["sll --help"] / base, 1),
        "lop_ds_ratio": round(medians["sll lop ds"] / base, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cli_startup", description=__doc__)
    parser.add_argument("--runs", type=int, default=RUNS, help="timed runs of each command")
    result = measure(parser.parse_args().runs)
    print(f"python -c pass: {result['python_pass_s']} s (median of {result['runs']})")
    print(f"sll --help:     {result['help_s']} s = {result['help_ratio']} × python -c pass")
    print(f"sll lop ds:     {result['lop_ds_s']} s = {result['lop_ds_ratio']} × python -c pass")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
