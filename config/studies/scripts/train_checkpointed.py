#!/usr/bin/env python3
"""A toy training script that checkpoints and resumes, for HyperTune schedulers that pause trials (successive
halving, Hyperband). Python 3 standard library only.

The model is a degree-5 polynomial fitted to a noisy sine by mini-batch SGD with momentum and weight decay; one
step is one epoch, and each step reports the validation loss:

    hypertune-report step=STEP loss=VALUE

The resume contract (docs/study-spec.md):
- HYPERTUNE_CHECKPOINT_DIR: the trial's checkpoint directory. The checkpoint for step s is written (atomically)
  before the report line for step s is printed, so every reported step has its checkpoint.
- HYPERTUNE_RESUME_STEP: the last step HyperTune recorded (0 or unset: a fresh start). The script loads its
  checkpoint for that step and continues at the next one.
- HYPERTUNE_STOP_AT_STEP: report up to that step, then exit 0 (the trial pauses there).
- SIGTERM (prune, pause, timeout): exit at once; the checkpoints written so far stay valid.

Usage: train_checkpointed.py --lr LR --momentum M --weightDecay WD [--epochs N] [--step-seconds S]
"""
import argparse
import json
import math
import os
import random
import signal
import sys
import time

# Checkpoints kept besides the newest: a stop between a checkpoint and its report, or reports lost with a node,
# leave HyperTune's recorded step a little behind the newest checkpoint.
KEEP_CHECKPOINTS = 4
DEGREE = 5
BATCH = 16


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, required=True)
    parser.add_argument("--momentum", type=float, default=0.0)
    parser.add_argument("--weightDecay", type=float, default=0.0)
    parser.add_argument("--epochs", type=int, default=27)
    parser.add_argument("--step-seconds", type=float, default=0.02, help="simulated work per step")
    return parser.parse_args()


def make_data():
    """The same data for every trial: y = sin(2.5 x) + noise on [-1, 1], 128 to train on and 64 to validate."""
    rng = random.Random(1234)
    def sample(n):
        xs = [rng.uniform(-1, 1) for _ in range(n)]
        return [([x ** k for k in range(DEGREE + 1)], math.sin(2.5 * x) + rng.gauss(0, 0.1)) for x in xs]
    return sample(128), sample(64)


def mse(weights, data):
    total = 0.0
    for features, y in data:
        error = sum(w * f for w, f in zip(weights, features)) - y
        total += error * error
    return total / len(data)


def train_epoch(state, args, train, epoch):
    """One epoch of mini-batch SGD. The shuffle depends only on the epoch, so a resumed run repeats exactly what
    an uninterrupted one does."""
    order = list(range(len(train)))
    random.Random(epoch).shuffle(order)
    weights, velocity = state["weights"], state["velocity"]
    for start in range(0, len(order), BATCH):
        batch = [train[i] for i in order[start:start + BATCH]]
        gradient = [args.weightDecay * w for w in weights]
        for features, y in batch:
            error = sum(w * f for w, f in zip(weights, features)) - y
            for k, f in enumerate(features):
                gradient[k] += 2 * error * f / len(batch)
        velocity = [args.momentum * v - args.lr * g for v, g in zip(velocity, gradient)]
        weights = [w + v for w, v in zip(weights, velocity)]
        if not all(math.isfinite(w) for w in weights):
            break
    return {"weights": weights, "velocity": velocity}


def checkpoint_path(directory, step):
    return os.path.join(directory, f"step-{step}.json")


def save_checkpoint(directory, step, state):
    path = checkpoint_path(directory, step)
    temporary = path + ".tmp"
    with open(temporary, "w") as f:
        json.dump({"step": step, **state}, f)
    # Atomic: a SIGTERM mid-write leaves the previous checkpoints intact and no half-written one.
    os.replace(temporary, path)
    stale = checkpoint_path(directory, step - KEEP_CHECKPOINTS - 1)
    if os.path.exists(stale):
        os.remove(stale)


def load_checkpoint(directory, step):
    path = checkpoint_path(directory, step) if directory else None
    if path is None or not os.path.exists(path):
        return None
    with open(path) as f:
        saved = json.load(f)
    return {"weights": saved["weights"], "velocity": saved["velocity"]}


def main():
    # Stop at once when HyperTune prunes, pauses or times out the trial.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args = parse_args()
    train, validation = make_data()
    directory = os.environ.get("HYPERTUNE_CHECKPOINT_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)
    resume_step = int(os.environ.get("HYPERTUNE_RESUME_STEP") or 0)
    stop_at = int(os.environ.get("HYPERTUNE_STOP_AT_STEP") or args.epochs)
    last_step = min(stop_at, args.epochs)

    state = {"weights": [0.0] * (DEGREE + 1), "velocity": [0.0] * (DEGREE + 1)}
    if resume_step > 0:
        loaded = load_checkpoint(directory, resume_step)
        if loaded is None:
            # This toy trains deterministically, so it can rebuild the lost state; a real script would fail here.
            print(f"no checkpoint for step {resume_step} in {directory}; retraining to it", file=sys.stderr)
            for epoch in range(1, resume_step + 1):
                state = train_epoch(state, args, train, epoch)
        else:
            state = loaded

    for step in range(resume_step + 1, last_step + 1):
        time.sleep(args.step_seconds)
        state = train_epoch(state, args, train, step)
        loss = mse(state["weights"], validation)
        if not math.isfinite(loss):
            print(f"diverged at step {step}", file=sys.stderr)
            print(f"hypertune-report step={step} loss=nan", flush=True)
            return 0
        if directory:
            save_checkpoint(directory, step, state)
        print(f"hypertune-report step={step} loss={loss:.6f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
