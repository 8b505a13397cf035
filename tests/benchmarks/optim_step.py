"""Benchmark: optimizer step time, coursepkg vs torch.optim, as ratios measured in one run.

1. coursepkg.torch.optim.Adam / SGD(momentum) ÷ torch.optim with ``foreach=True``, on a
   realistic parameter set (the tensors of a ResNet-18: 62 tensors of mixed sizes, 11.7 M
   parameters), float32, on the CPU and, when present, on CUDA. Goal: <= 1.1.
2. NumPy Adam (coursepkg.optim.adam, one array) ÷ torch CPU single-tensor Adam
   (``foreach=False``) on 10^6 and 10^7 float32 parameters.
3. Adam's step bandwidth ÷ ``clone()``'s, on the same tensors: a step must read the
   parameters, gradients and both moments and write three of them back (7 float32 per
   parameter at the least), a clone reads and writes one (2 per parameter); the ratio of the
   bytes per second each moves says how close the step comes to the memory bandwidth a plain
   copy reaches. On the ResNet-18 set and on one tensor of 2^26 (CUDA) or 2^24 (CPU) floats,
   for coursepkg foreach, torch.optim foreach and torch.optim fused. Goal on CUDA: >= 0.6.

Timings are interleaved (A, B, A, B, ...) so both sides see the same machine load, and the
median of the repeats is reported. A speed goal is a ratio printed here, never a timed test.

    .venv/bin/python -m tests.benchmarks.optim_step [--repeats 15] [--device cuda]
"""

from __future__ import annotations

import argparse
import functools
import statistics
import time

import numpy as np
import torch

from coursepkg import optim
from coursepkg.torch import optim as topt


def resnet18_shapes() -> list[tuple[int, ...]]:
    """Parameter shapes of torchvision's resnet18 (conv weights, BN weight/bias, fc)."""
    shapes = [(64, 3, 7, 7), (64,), (64,)]
    c_in = 64
    for c in (64, 128, 256, 512):
        for block in range(2):
            first = block == 0 and c != 64
            shapes += [(c, c_in if block == 0 else c, 3, 3), (c,), (c,), (c, c, 3, 3), (c,), (c,)]
            if first:  # the 1x1 downsampling shortcut
                shapes += [(c, c_in, 1, 1), (c,), (c,)]
        c_in = c
    return [*shapes, (1000, 512), (1000,)]


def _sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _time_steps(opt, device, steps):
    _sync(device)
    start = time.perf_counter()
    for _ in range(steps):
        opt.step()
    _sync(device)
    return (time.perf_counter() - start) / steps


def compare_torch(device, repeats, steps):
    gen = torch.Generator().manual_seed(0)
    shapes = resnet18_shapes()
    n = sum(int(np.prod(s)) for s in shapes)
    print(f"\n[1] {len(shapes)} tensors, {n / 1e6:.1f} M parameters, float32, device {device}")
    for label, ours_cls, ref_cls, kwargs in [
        ("Adam", topt.Adam, torch.optim.Adam, dict(lr=1e-3)),
        ("SGD momentum 0.9", topt.SGD, torch.optim.SGD, dict(lr=1e-3, momentum=0.9)),
    ]:
        runs = {}
        for name, cls in (("coursepkg", ours_cls), ("torch.optim", ref_cls)):
            params = [torch.randn(s, generator=gen).to(device).requires_grad_() for s in shapes]
            for p in params:
                p.grad = torch.randn(p.shape, generator=gen).to(device) * 1e-2
            opt = cls(params, foreach=True, **kwargs)
            for _ in range(3):  # warm-up: state allocation, kernels, caches
                opt.step()
            runs[name] = (opt, [])
        for _ in range(repeats):
            for opt, times in runs.values():
                times.append(_time_steps(opt, device, steps))
        ours, ref = (statistics.median(runs[k][1]) for k in ("coursepkg", "torch.optim"))
        print(
            f"  {label:17s} coursepkg foreach {ours * 1e3:7.2f} ms | torch.optim foreach "
            f"{ref * 1e3:7.2f} ms | ratio = {ours / ref:.2f} (goal <= 1.1)"
        )


def compare_numpy(repeats):
    print("\n[2] NumPy Adam step vs torch CPU single-tensor Adam, float32, one tensor")
    rng = np.random.default_rng(0)
    for n in (10**6, 10**7):
        w = rng.standard_normal(n, dtype=np.float32)
        g = (rng.standard_normal(n, dtype=np.float32) * 1e-2).astype(np.float32)
        transform = optim.adam(lr=1e-3)
        state = transform.init(w)
        p = torch.from_numpy(w.copy()).requires_grad_()
        p.grad = torch.from_numpy(g.copy())
        ref = torch.optim.Adam([p], lr=1e-3, foreach=False)

        ref.step()
        t_np, t_torch = [], []
        for k in range(repeats + 1):  # the first NumPy step is a warm-up
            start = time.perf_counter()
            updates, state = transform.update(g, state, w)
            w = optim.apply_updates(w, updates)
            if k:
                t_np.append(time.perf_counter() - start)
            else:
                continue
            start = time.perf_counter()
            ref.step()
            t_torch.append(time.perf_counter() - start)
        a, b = statistics.median(t_np), statistics.median(t_torch)
        print(
            f"  n = {n:>8,d}: NumPy {a * 1e3:7.2f} ms | torch single-tensor {b * 1e3:7.2f} ms "
            f"| ratio NumPy/torch = {a / b:.2f}"
        )


def _median_time(fn, device, repeats, steps):
    times = []
    for _ in range(repeats):
        _sync(device)
        start = time.perf_counter()
        for _ in range(steps):
            fn()
        _sync(device)
        times.append((time.perf_counter() - start) / steps)
    return statistics.median(times)


def _clone(tensors):
    return [t.clone() for t in tensors]


def adam_bandwidth(device, repeats, steps):
    big = 2**26 if device.type == "cuda" else 2**24
    print(f"\n[3] Adam step bandwidth ÷ clone() bandwidth, float32, device {device} (goal >= 0.6)")
    gen = torch.Generator().manual_seed(0)
    for label, shapes in (
        ("ResNet-18 tensors", resnet18_shapes()),
        (f"one tensor of {big:,d}", [(big,)]),
    ):
        params = [torch.randn(s, generator=gen).to(device).requires_grad_() for s in shapes]
        for p in params:
            p.grad = torch.randn(p.shape, generator=gen).to(device) * 1e-2
        n = sum(p.numel() for p in params)
        with torch.no_grad():
            t_clone = _median_time(functools.partial(_clone, params), device, repeats, steps)
        copy_bw = 2 * 4 * n / t_clone
        line = f"  {label}: clone {copy_bw / 1e9:6.1f} GB/s"
        variants = [("coursepkg foreach", topt.Adam, {"foreach": True})]
        variants += [("torch foreach", torch.optim.Adam, {"foreach": True})]
        variants += [("torch fused", torch.optim.Adam, {"fused": True})]
        for name, cls, kwargs in variants:
            try:
                opt = cls(params, lr=1e-3, **kwargs)
                opt.step()  # state allocation
            except (RuntimeError, ValueError) as exc:  # fused is not built for every device
                line += f" | {name}: n/a ({str(exc).splitlines()[0][:40]})"
                continue
            adam_bw = 7 * 4 * n / _median_time(opt.step, device, repeats, steps)
            line += f" | {name} {adam_bw / 1e9:6.1f} GB/s = {adam_bw / copy_bw:.2f}"
        print(line)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--steps", type=int, default=5, help="optimizer steps per timing")
    parser.add_argument("--device", default=None, help="cpu, cuda (default: both when present)")
    args = parser.parse_args(argv)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads")
    devices = (
        [args.device] if args.device else ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    )
    for device in devices:
        compare_torch(torch.device(device), args.repeats, args.steps)
    if "cpu" in devices:
        compare_numpy(args.repeats)
    for device in devices:
        adam_bandwidth(torch.device(device), args.repeats, args.steps)


if __name__ == "__main__":
    main()
