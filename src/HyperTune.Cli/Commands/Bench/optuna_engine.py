"""The study `hypertune bench engine` runs, through Optuna, for a side-by-side figure: Branin on x in [-5, 10],
y in [0, 15], no training time, TRIALS trials with the random or TPE sampler (seed 0), in memory or in an SQLite
storage, N_JOBS threads.

Usage: python3 optuna_engine.py TRIALS random|tpe memory|SQLITE_PATH N_JOBS
Prints one JSON object: {"wall_seconds", "startup_seconds", "trials", "trials_per_second", "first_tenth_ms",
"last_tenth_ms", "peak_mb"}, the figures computed from the trials' own start and completion times as for ours.
"""
import json
import math
import resource
import sys
import time

started = time.time()
import optuna  # noqa: E402  (its import is part of the start-up, as a process start is for ours)

trials, sampler_name, storage_arg, jobs = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
optuna.logging.set_verbosity(optuna.logging.WARNING)


def branin(trial):
    x = trial.suggest_float("x", -5, 10)
    y = trial.suggest_float("y", 0, 15)
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - t) * math.cos(x) + 10


sampler = optuna.samplers.RandomSampler(seed=0) if sampler_name == "random" else optuna.samplers.TPESampler(seed=0)
storage = None if storage_arg == "memory" else "sqlite:///" + storage_arg
study = optuna.create_study(sampler=sampler, storage=storage, direction="minimize")
study.optimize(branin, n_trials=trials, n_jobs=jobs)
wall = time.time() - started

done = [t for t in study.trials if t.datetime_complete is not None]
starts = sorted(t.datetime_start.timestamp() for t in done)
finishes = sorted(t.datetime_complete.timestamp() for t in done)
k = max(1, len(done) // 10)
first_start = starts[0]
span = finishes[-1] - first_start
print(json.dumps({
    "wall_seconds": wall,
    "startup_seconds": first_start - started,
    "trials": len(done),
    "trials_per_second": len(done) / span if span > 0 else None,
    "first_tenth_ms": 1000 * (finishes[k - 1] - first_start) / k,
    "last_tenth_ms": 1000 * (finishes[-1] - finishes[-1 - k]) / k if len(done) > k else None,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
