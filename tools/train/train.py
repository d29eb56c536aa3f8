#!/usr/bin/env python3
"""Train the ssmc S4D classifier on sMNIST or psMNIST and export it for ssmc.

Trains exactly the model models/{smnist,pmnist}.ssm describe
(ssmc_torch.S4DClassifier: encoder, n_layers x [S4D, ReLU, dense, residual],
mean readout, decoder; ZOH, no normalization) on MNIST from scripts/fetch-data,
with the optimizer setup of state-spaces/s4's S4D example: AdamW, the S4D
parameters (log_dt, log_a_real, a_imag) at lr 1e-3 without weight decay,
everything else at --lr with --weight-decay, cosine schedule. Uses a GPU when
one is present.

Each epoch ends with a test-set evaluation and a checkpoint (--checkpoint,
resumable with --resume; --resume with a different --epochs re-plans the
cosine schedule to anneal from the current learning rate to zero by the new
last epoch). At the end it writes the HDF5 weights ssmc binds
(--out) and a model card next to them (command, seed, epochs, wall time,
machine, float test accuracy).

Example: /usr/bin/python3 tools/train/train.py --task smnist --epochs 30 \\
             --out models/smnist.h5
"""
import argparse
import json
import os
import platform
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ssmc_torch import S4DClassifier, setup_run  # noqa: E402  (imports ssmc)
import ssmc  # noqa: E402

# The data spec of each task (ssmc-run --data, docs/ssmc-run.md).
DATA = {"smnist": "mnist", "pmnist": "pmnist"}

SSM_PARAMS = ("log_dt", "log_a_real", "a_imag")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--task", choices=["smnist", "pmnist"], default="smnist")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--ssm-lr", type=float, default=0.001)
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--d-model", type=int, default=64)
    p.add_argument("--d-state", type=int, default=64)
    p.add_argument("--n-layers", type=int, default=4)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--limit-train", type=int, default=0,
                   help="use only the first N training images (smoke tests)")
    p.add_argument("--limit-test", type=int, default=0)
    p.add_argument("--out", required=True, help="HDF5 weights for ssmc")
    p.add_argument("--checkpoint", default="",
                   help="checkpoint file (default: OUT with .pt)")
    p.add_argument("--resume", action="store_true")
    p.add_argument("--qaft", action="store_true",
                   help="quantization-aware fine-tuning: simulate the loihi2 "
                        "target's int8 tables and 24-bit S4D parameters in the "
                        "forward pass (straight-through); with --resume, the "
                        "added epochs restart at --qaft-lr-scale x the base "
                        "learning rates")
    p.add_argument("--qaft-lr-scale", type=float, default=0.1)
    p.add_argument("--export-only", action="store_true",
                   help="write OUT and its model card from the checkpoint "
                        "(e.g. after stopping a run early), without training")
    return p.parse_args(argv)


def evaluate(model, x, y, device, batch_size=256):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), batch_size):
            xb = torch.from_numpy(x[i:i + batch_size]).to(device)
            correct += (model(xb).argmax(-1).cpu().numpy() == y[i:i + batch_size]).sum()
    return correct / len(x)


def main(argv=None):
    args = parse_args(argv)
    device, checkpoint = setup_run(args)

    # The sequences ssmc-run reads (pixel / 255 row by row; psMNIST in
    # ssm::rt::pmnistPermutation's order), [N, 784, 1] float32.
    x_train, y_train, _ = ssmc.load_data(f"{DATA[args.task]}:train")
    x_test, y_test, _ = ssmc.load_data(f"{DATA[args.task]}:test")
    if args.limit_train:
        x_train, y_train = x_train[:args.limit_train], y_train[:args.limit_train]
    if args.limit_test:
        x_test, y_test = x_test[:args.limit_test], y_test[:args.limit_test]

    model = S4DClassifier(1, args.d_model, args.d_state, args.n_layers, 10).to(device)
    ssm = [p for n, p in model.named_parameters() if n.split(".")[-1] in SSM_PARAMS]
    rest = [p for n, p in model.named_parameters() if n.split(".")[-1] not in SSM_PARAMS]
    optimizer = torch.optim.AdamW([
        {"params": rest, "lr": args.lr, "weight_decay": args.weight_decay},
        {"params": ssm, "lr": args.ssm_lr, "weight_decay": 0.0},
    ])
    steps_per_epoch = (len(x_train) + args.batch_size - 1) // args.batch_size
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(
        optimizer, T_max=args.epochs * steps_per_epoch)
    command = " ".join([os.path.relpath(sys.argv[0])] + sys.argv[1:])
    history, start_epoch, elapsed = [], 0, 0.0
    commands = [command]
    if args.export_only and not os.path.exists(checkpoint):
        sys.exit(f"train.py: --export-only needs the checkpoint {checkpoint}")
    if (args.resume or args.export_only) and os.path.exists(checkpoint):
        state = torch.load(checkpoint, map_location=device)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        history, start_epoch, elapsed = state["history"], state["epoch"], state["seconds"]
        remaining = (args.epochs - start_epoch) * steps_per_epoch
        planned = state.get("planned_epochs", scheduler.T_max // steps_per_epoch)
        if args.resume and remaining > 0 and args.qaft and not state.get("qaft"):
            # Fine-tuning a float model: fresh, smaller learning rates.
            for group, base in zip(optimizer.param_groups, (args.lr, args.ssm_lr)):
                group["lr"] = base * args.qaft_lr_scale
            planned = -1  # re-plan below
        if args.resume and remaining > 0 and planned != args.epochs:
            # A new plan: anneal from where the run is now to zero by the new
            # last epoch (the constructor takes each group's current lr as its
            # starting point once the old one is dropped).
            for group in optimizer.param_groups:
                group.pop("initial_lr", None)
            scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(
                optimizer, T_max=remaining)
            print(f"re-planned the schedule: cosine to zero over epochs "
                  f"{start_epoch + 1}..{args.epochs}")
        # The card names the commands that trained the model, not the export.
        earlier = state.get("commands", [state.get("command", command)])
        commands = earlier + ([command] if remaining > 0 and not args.export_only
                              else [])
        print(f"resumed from {checkpoint} after epoch {start_epoch}")

    model.set_qaft(args.qaft)
    if args.qaft:
        print("QAFT: forward passes use the loihi2 formats")
    loss_fn = nn.CrossEntropyLoss()
    rng = np.random.default_rng(args.seed)
    for epoch in range(start_epoch, start_epoch if args.export_only else args.epochs):
        start = time.time()
        model.train()
        order = rng.permutation(len(x_train))
        total = 0.0
        for step in range(steps_per_epoch):
            idx = order[step * args.batch_size:(step + 1) * args.batch_size]
            xb = torch.from_numpy(x_train[idx]).to(device)
            yb = torch.from_numpy(y_train[idx]).to(device)
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            scheduler.step()
            total += loss.item()
        accuracy = evaluate(model, x_test, y_test, device)
        elapsed += time.time() - start
        history.append({"epoch": epoch + 1, "qaft": args.qaft,
                        "loss": total / steps_per_epoch,
                        "test_accuracy": float(accuracy), "seconds": elapsed})
        print(f"epoch {epoch + 1}/{args.epochs}: loss {total / steps_per_epoch:.4f}, "
              f"test accuracy {accuracy:.4f}, {elapsed:.0f} s", flush=True)
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(), "history": history,
                    "epoch": epoch + 1, "seconds": elapsed,
                    "planned_epochs": args.epochs, "qaft": args.qaft,
                    "command": commands[0], "commands": commands}, checkpoint)

    model.cpu().export_hdf5(args.out)
    card = {
        "task": args.task,
        "command": commands[-1],
        "commands": commands,
        "seed": args.seed,
        "epochs": len(history),
        "qaft": args.qaft,
        "planned_epochs": args.epochs,
        "wall_seconds": round(elapsed, 1),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                   f"{args.threads} threads, {device}"
                   + (f" ({torch.cuda.get_device_name()})" if device == "cuda" else ""),
        "torch": torch.__version__,
        "float_test_accuracy": history[-1]["test_accuracy"] if history else None,
        "test_samples": int(len(x_test)),
        "history": history,
    }
    with open(os.path.splitext(args.out)[0] + ".card.json", "w") as f:
        json.dump(card, f, indent=2)
    print(f"wrote {args.out} and its model card")


if __name__ == "__main__":
    main()
