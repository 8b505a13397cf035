"""Benchmark: PCA fit time, coursepkg vs scikit-learn, as ratios measured in one run.

1. coursepkg.pca.PCA().fit ÷ sklearn.decomposition.PCA(svd_solver="full").fit on an
   LFW-sized matrix (1288 faces x 1850 pixels = 50 x 37), float64 and float32, all
   components. Goal: <= 2.
2. The randomized solvers with 150 components (coursepkg ÷ scikit-learn, same
   oversampling and power iterations), for information.
3. coursepkg.torch.pca.PCA on CUDA ÷ coursepkg.pca.PCA (NumPy), float32 and float64, when a
   GPU is present (``--device cpu`` compares torch on the CPU instead).

The matrix has a decaying spectrum, as faces do. Timings are interleaved (A, B, A, B, ...)
so both sides see the same machine load, and the median of the repeats is reported. A speed
goal is a ratio printed here, never a timed test.

    .venv/bin/python -m tests.benchmarks.pca_fit [--repeats 7] [--device cuda]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch
from sklearn.decomposition import PCA as SkPCA

from coursepkg.pca import PCA
from coursepkg.torch.pca import PCA as TorchPCA


def faces_like(n=1288, d=1850, seed=0) -> np.ndarray:
    """``n x d`` data with a power-law spectrum (variance of direction j ~ 1/j), plus a mean."""
    rng = np.random.default_rng(seed)
    scales = 1.0 / np.sqrt(np.arange(1, min(n, d) + 1))
    Z = rng.standard_normal((n, scales.size)) * scales
    basis, _ = np.linalg.qr(rng.standard_normal((d, scales.size)))
    return Z @ basis.T + rng.uniform(0, 1, d)


def _sync(device):
    if device is not None and device.type == "cuda":
        torch.cuda.synchronize(device)


def interleaved(fits: dict, repeats: int, device=None) -> dict:
    """Median seconds of each zero-argument callable, timed in turn ``repeats`` times."""
    for fit in fits.values():  # warm-up: allocation, BLAS threads, CUDA kernels
        fit()
    times = {name: [] for name in fits}
    for _ in range(repeats):
        for name, fit in fits.items():
            _sync(device)
            start = time.perf_counter()
            fit()
            _sync(device)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def compare_sklearn(X, repeats):
    print(f"\n[1] full SVD, all components, {X.shape[0]} x {X.shape[1]}")
    for dtype in (np.float64, np.float32):
        Xd = X.astype(dtype)
        t = interleaved(
            {
                "coursepkg": lambda Xd=Xd: PCA().fit(Xd),
                "sklearn": lambda Xd=Xd: SkPCA(svd_solver="full").fit(Xd),
            },
            repeats,
        )
        print(
            f"  {np.dtype(dtype).name:8s} coursepkg {t['coursepkg'] * 1e3:8.1f} ms | sklearn "
            f"{t['sklearn'] * 1e3:8.1f} ms | ratio = {t['coursepkg'] / t['sklearn']:.2f} "
            "(goal <= 2)"
        )
    print("\n[2] randomized SVD, 150 components (n_oversamples=10, 4 power iterations)")
    t = interleaved(
        {
            "coursepkg": lambda: PCA(150, svd_solver="randomized").fit(X),
            "sklearn": lambda: SkPCA(
                150, svd_solver="randomized", iterated_power=4, random_state=0
            ).fit(X),
        },
        repeats,
    )
    print(
        f"  float64  coursepkg {t['coursepkg'] * 1e3:8.1f} ms | sklearn "
        f"{t['sklearn'] * 1e3:8.1f} ms | ratio = {t['coursepkg'] / t['sklearn']:.2f}"
    )


def compare_torch(X, device, repeats):
    print(f"\n[3] coursepkg.torch.pca.PCA on {device} ÷ coursepkg.pca.PCA (NumPy), full SVD")
    for dtype in (np.float32, np.float64):
        Xd = X.astype(dtype)
        Xt = torch.from_numpy(Xd).to(device)
        t = interleaved(
            {
                "torch": lambda Xt=Xt: TorchPCA().fit(Xt),
                "numpy": lambda Xd=Xd: PCA().fit(Xd),
            },
            repeats,
            device,
        )
        print(
            f"  {np.dtype(dtype).name:8s} torch {t['torch'] * 1e3:8.1f} ms | NumPy "
            f"{t['numpy'] * 1e3:8.1f} ms | ratio torch/NumPy = {t['torch'] / t['numpy']:.2f}"
        )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--device", default=None, help="cuda or cpu (default: cuda when present)")
    parser.add_argument("--skip-sklearn", action="store_true", help="only the torch comparison")
    args = parser.parse_args(argv)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads")
    X = faces_like()
    if not args.skip_sklearn:
        compare_sklearn(X, args.repeats)
    device = args.device or ("cuda" if torch.cuda.is_available() else None)
    if device is not None:
        compare_torch(X, torch.device(device), args.repeats)
    else:
        print("\n[3] skipped: no CUDA device (pass --device cuda on a GPU machine)")


if __name__ == "__main__":
    main()
