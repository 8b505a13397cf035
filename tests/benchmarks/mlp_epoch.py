"""Benchmark: one training epoch of the NumPy MLP vs its torch twin.

Prints the ratio NumPy epoch time / torch epoch time for the same architecture, batch
size, data and dtype, measured in this one run (goal on the CPU: <= 1.5). With
``--device cuda`` the torch twin trains on the GPU and the ratio says how much the GPU
saves over NumPy on the CPU. A speed goal is a ratio printed here, never a timed unit test.

    .venv/bin/python -m tests.benchmarks.mlp_epoch [--sizes 784 256 10] [--batch 128] [--device cuda]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch

from coursepkg.device import describe, get_device
from coursepkg.mlp import MLP
from coursepkg.preprocessing import minibatches
from coursepkg.torch.mlp import MLP as TorchMLP


def numpy_epoch(model, X, y, batch, lr, rng):
    for xb, yb in minibatches(X, y, batch, rng=rng):
        _, grads = model.loss(xb, yb)
        for k in model.params:
            model.params[k] -= lr * grads[k]


def torch_epoch(model, opt, X, y, batch, gen):
    for xb, yb in minibatches(X, y, batch, rng=gen):
        model.loss(xb, yb)
        opt.step()
    if X.is_cuda:
        torch.cuda.synchronize(X.device)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[784, 256, 10])
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--n", type=int, default=12000, help="examples per epoch")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--device", default="cpu", help="device of the torch twin (cpu, cuda)")
    args = parser.parse_args(argv)
    device = get_device(args.device)

    data = np.random.default_rng(0)
    X = data.normal(size=(args.n, args.sizes[0]))
    y = data.integers(0, args.sizes[-1], size=args.n)
    Xt, yt = torch.from_numpy(X).to(device), torch.from_numpy(y).to(device)

    model, twin = MLP(args.sizes, seed=0), TorchMLP(args.sizes, seed=0).to(device)
    opt = torch.optim.SGD(twin.parameters(), lr=0.01)
    rng, gen = np.random.default_rng(1), torch.Generator().manual_seed(1)
    numpy_epoch(model, X, y, args.batch, 0.01, rng)  # warm-up
    torch_epoch(twin, opt, Xt, yt, args.batch, gen)

    t_np, t_torch = [], []
    for _ in range(args.repeats):  # interleaved, so both see the same machine load
        start = time.perf_counter()
        numpy_epoch(model, X, y, args.batch, 0.01, rng)
        t_np.append(time.perf_counter() - start)
        start = time.perf_counter()
        torch_epoch(twin, opt, Xt, yt, args.batch, gen)
        t_torch.append(time.perf_counter() - start)
    a, b = statistics.median(t_np), statistics.median(t_torch)
    print(
        f"MLP {args.sizes}, batch {args.batch}, {args.n} examples/epoch, float64, "
        f"torch {torch.__version__} ({torch.get_num_threads()} threads), {describe()}"
    )
    goal = " (goal <= 1.5)" if device.type == "cpu" else ""
    print(
        f"NumPy epoch {a:.3f} s | torch {device.type} epoch {b:.3f} s | "
        f"ratio NumPy/torch = {a / b:.2f}{goal}"
    )


if __name__ == "__main__":
    main()
