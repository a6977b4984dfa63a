"""Builds an Optuna SQLite storage shaped like `hypertune bench store`'s (STUDIES studies x TRIALS complete trials,
three parameters, five intermediate values each) and times Optuna's own CLI on it, for a side-by-side figure.

Usage: python3 optuna_store.py DB STUDIES TRIALS REPEAT
Prints one JSON object: {"build_seconds": X, "commands": {"optuna studies": [s, ...], ...}}.
"""
import json
import math
import os
import subprocess
import sys
import time

import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

db, studies, trials, repeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
storage_url = "sqlite:///" + os.path.abspath(db)
started = time.perf_counter()
if not os.path.exists(db):
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = optuna.storages.RDBStorage(storage_url)
    distributions = {
        "lr": FloatDistribution(1e-5, 1.0, log=True),
        "depth": IntDistribution(1, 12),
        "booster": CategoricalDistribution(["gbtree", "dart", "linear"]),
    }
    for s in range(studies):
        study = optuna.create_study(study_name=f"study-{s:03d}", storage=storage)
        batch = []
        for i in range(trials):
            value = 100.0 - i * 0.01
            batch.append(optuna.trial.create_trial(
                params={"lr": 0.5 / (i + 1), "depth": 1 + i % 12, "booster": ["gbtree", "dart", "linear"][i % 3]},
                distributions=distributions,
                value=value,
                intermediate_values={step: value + 10.0 / step for step in range(1, 6)},
            ))
        study.add_trials(batch)
build_seconds = time.perf_counter() - started

commands = {
    "optuna studies": ["studies"],
    "optuna trials": ["trials", "--study-name", "study-000"],
    "optuna best-trial": ["best-trial", "--study-name", "study-000"],
}
times = {}
for name, args in commands.items():
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(["optuna"] + args + ["--storage", storage_url, "-f", "json"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        runs.append(time.perf_counter() - t)
    times[name] = runs
print(json.dumps({"build_seconds": build_seconds, "commands": times}))
