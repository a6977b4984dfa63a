#!/usr/bin/env python3
"""A toy training loop for HyperTune's process trainable.

HyperTune passes the trial's configuration as --name value arguments (and as JSON in HYPERTUNE_PARAMS), and a
checkpoint directory in HYPERTUNE_CHECKPOINT_DIR. The script "trains" for a few epochs, printing one report line
per epoch:

    hypertune-report step=EPOCH loss=VALUE

The last report is the trial's result. It saves its epoch in the checkpoint directory, so a trial restarted on
another node (or after a crash) continues where it stopped instead of starting over.
"""
import argparse
import json
import math
import os
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, required=True)
parser.add_argument("--momentum", type=float, default=0.0)
parser.add_argument("--optimizer", choices=["sgd", "adam"], required=True)
parser.add_argument("--layers", type=int, required=True)
parser.add_argument("--epochs", type=int, default=8)
args = parser.parse_args()

checkpoint_dir = os.environ.get("HYPERTUNE_CHECKPOINT_DIR")
checkpoint = os.path.join(checkpoint_dir, "state.json") if checkpoint_dir else None
epoch = 0
if checkpoint and os.path.exists(checkpoint):
    with open(checkpoint) as f:
        epoch = json.load(f)["epoch"]

# The best final loss is at lr = 10^-2.5 with 4 layers; adam converges faster, sgd benefits from momentum.
target = (math.log10(args.lr) + 2.5) ** 2 + 0.1 * (args.layers - 4) ** 2
speed = 0.6 if args.optimizer == "adam" else 0.3 + 0.3 * args.momentum
if args.lr > 0.05 and args.optimizer == "sgd" and args.momentum > 0.9:
    print("diverged: loss is inf", file=sys.stderr)
    print("hypertune-report step=1 loss=nan", flush=True)
    sys.exit(0)

while epoch < args.epochs:
    epoch += 1
    time.sleep(0.05)
    loss = target + 2.0 * math.exp(-speed * epoch)
    print(f"hypertune-report step={epoch} loss={loss:.6f}", flush=True)
    if checkpoint:
        with open(checkpoint, "w") as f:
            json.dump({"epoch": epoch}, f)
