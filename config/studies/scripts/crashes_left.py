#!/usr/bin/env python3
"""A trainable that crashes in part of its space, for HyperTune's crashing-region example.

Minimizes (x - 0.5)^2 + (y - 1)^2 on [-5, 5]^2, but raises an error (exit status 1, no report) whenever x < 0: the
optimum lies next to the region that crashes, which a model that ignores failures finds attractive.
"""
import argparse

parser = argparse.ArgumentParser()
parser.add_argument("--x", type=float, required=True)
parser.add_argument("--y", type=float, required=True)
args = parser.parse_args()
if args.x < 0:
    raise RuntimeError(f"x = {args.x} < 0: this configuration crashes the training")
print(f"hypertune-report step=1 loss={(args.x - 0.5) ** 2 + (args.y - 1) ** 2}", flush=True)
