#!/usr/bin/python3
"""A small PyTorch network trained on the digits data set (data/digits_train.csv), for population-based training
(pbt-torch.json). Needs Debian's PyTorch: `apt-get install python3-torch` (for /usr/bin/python3).

The model is a 64-32-10 perceptron trained by mini-batch SGD with momentum and weight decay; one step is one
epoch over 80% of the training rows, and each step reports the accuracy on the other 20% (the test rows are never
used for tuning; the final report adds the test accuracy):

    hypertune-report step=STEP accuracy=VALUE

The resume contract (docs/study-spec.md), with what population-based training adds:
- HYPERTUNE_CHECKPOINT_DIR: the trial's checkpoint directory; the checkpoint for step s (weights, optimizer state)
  is written atomically before the report line for step s.
- HYPERTUNE_RESUME_STEP: the step to continue after (0: a fresh start). The checkpoint of that step is loaded,
  whichever trial wrote it: after an exploit it is another member's. The hyperparameters given on the command
  line now (possibly perturbed) replace those the optimizer state was saved with.
- HYPERTUNE_STOP_AT_STEP: report up to that step, then exit 0 (the trial pauses there).

Usage: train_digits_torch.py --lr LR --momentum M --weightDecay WD [--epochs N] [--data DIR]
"""
import argparse
import csv
import os
import signal
import sys

import torch

KEEP_CHECKPOINTS = 2
BATCH = 32


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, required=True)
    parser.add_argument("--momentum", type=float, default=0.0)
    parser.add_argument("--weightDecay", type=float, default=0.0)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data"))
    return parser.parse_args()


def load(path):
    with open(path) as f:
        rows = list(csv.reader(f))[1:]
    x = torch.tensor([[float(v) / 16.0 for v in r[:-1]] for r in rows])
    y = torch.tensor([int(float(r[-1])) for r in rows])
    return x, y


def model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))


def accuracy(net, x, y):
    with torch.no_grad():
        return (net(x).argmax(dim=1) == y).float().mean().item()


def main():
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    torch.set_num_threads(1)
    ckpt = os.environ.get("HYPERTUNE_CHECKPOINT_DIR") or "."
    start = int(os.environ.get("HYPERTUNE_RESUME_STEP") or 0)
    stop = min(int(os.environ.get("HYPERTUNE_STOP_AT_STEP") or args.epochs), args.epochs)

    x, y = load(os.path.join(args.data, "digits_train.csv"))
    split = int(len(y) * 0.8)
    train_x, train_y, val_x, val_y = x[:split], y[:split], x[split:], y[split:]
    net = model()
    optimizer = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=args.momentum, weight_decay=args.weightDecay)
    if start > 0:
        state = torch.load(os.path.join(ckpt, f"step-{start}.pt"))
        net.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        # The member's hyperparameters now, not those of whoever saved the checkpoint.
        for group in optimizer.param_groups:
            group.update(lr=args.lr, momentum=args.momentum, weight_decay=args.weightDecay)

    loss_fn = torch.nn.CrossEntropyLoss()
    for step in range(start + 1, stop + 1):
        order = torch.randperm(split, generator=torch.Generator().manual_seed(step))
        net.train()
        for i in range(0, split, BATCH):
            batch = order[i:i + BATCH]
            optimizer.zero_grad()
            loss_fn(net(train_x[batch]), train_y[batch]).backward()
            optimizer.step()
        net.eval()
        value = accuracy(net, val_x, val_y)
        path = os.path.join(ckpt, f"step-{step}.pt")
        torch.save({"model": net.state_dict(), "optimizer": optimizer.state_dict()}, path + ".tmp")
        os.replace(path + ".tmp", path)
        old = os.path.join(ckpt, f"step-{step - KEEP_CHECKPOINTS}.pt")
        if os.path.exists(old):
            os.remove(old)
        if step == args.epochs:
            test_x, test_y = load(os.path.join(args.data, "digits_test.csv"))
            print(f"hypertune-report step={step} accuracy={value} test_accuracy={accuracy(net, test_x, test_y)}",
                  flush=True)
        else:
            print(f"hypertune-report step={step} accuracy={value}", flush=True)


if __name__ == "__main__":
    main()
