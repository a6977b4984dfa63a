"""Builds an Optuna SQLite storage shaped like `hypertune bench store`'s (STUDIES studies x TRIALS complete trials,
three parameters, five intermediate values each) and times Optuna's own CLI on it, for a side-by-side figure.

The first study is written through Optuna's API; the others are row-for-row copies of it under new ids (written
through the API, 100,000 trials took over an hour), which is the same data for Optuna's readers.

Usage: python3 optuna_store.py DB STUDIES TRIALS REPEAT
Prints one JSON object: {"build_seconds": X, "commands": {"optuna studies": [s, ...], ...}}.
"""
import json
import math
import os
import sqlite3
import subprocess
import sys
import time

import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

db, studies, trials, repeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
storage_url = "sqlite:///" + os.path.abspath(db)


def copy_study(path, count):
    """Copies study 1 (all its rows) as studies 2..count, with ids shifted past the existing ones."""
    db = sqlite3.connect(path)
    first = db.execute("SELECT study_id FROM studies WHERE study_name = 'study-000'").fetchone()[0]
    trial_span = db.execute("SELECT MAX(trial_id) FROM trials").fetchone()[0]
    tables = {  # table: (its id column, the columns copied)
        "trial_params": ("param_id", "param_name, param_value, distribution_json"),
        "trial_values": ("trial_value_id", "objective, value, value_type"),
        "trial_intermediate_values": ("trial_intermediate_value_id",
                                      "step, intermediate_value, intermediate_value_type"),
    }
    spans = {t: db.execute(f"SELECT MAX({c}) FROM {t}").fetchone()[0] for t, (c, _) in tables.items()}
    for k in range(1, count):
        db.execute("INSERT INTO studies (study_id, study_name) VALUES (?, ?)", (first + k, f"study-{k:03d}"))
        db.execute("INSERT INTO study_directions (direction, study_id, objective) "
                   "SELECT direction, ?, objective FROM study_directions WHERE study_id = ?", (first + k, first))
        db.execute("INSERT INTO trials (trial_id, number, study_id, state, datetime_start, datetime_complete) "
                   "SELECT trial_id + ?, number, ?, state, datetime_start, datetime_complete FROM trials "
                   "WHERE study_id = ?", (k * trial_span, first + k, first))
        for table, (id_column, columns) in tables.items():
            db.execute(f"INSERT INTO {table} ({id_column}, trial_id, {columns}) "
                       f"SELECT {id_column} + ?, trial_id + ?, {columns} FROM {table} "
                       f"WHERE trial_id IN (SELECT trial_id FROM trials WHERE study_id = ?)",
                       (k * spans[table], k * trial_span, first))
    db.commit()
    db.close()


started = time.perf_counter()
if not os.path.exists(db):
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = optuna.storages.RDBStorage(storage_url)
    distributions = {
        "lr": FloatDistribution(1e-5, 1.0, log=True),
        "depth": IntDistribution(1, 12),
        "booster": CategoricalDistribution(["gbtree", "dart", "linear"]),
    }
    study = optuna.create_study(study_name="study-000", storage=storage)
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
    copy_study(db, studies)
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
