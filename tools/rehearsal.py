"""Rehearse the chapters' online branch: full-size data in the real formats, on a loopback server.

CI runs every chapter offline, on the small stand-ins that ship with scikit-learn and
scikit-image; the published site downloads MNIST and LFW. This tool makes files in the real
formats at full size, with learnable content made from the stand-ins' own images:

* MNIST: the four IDX files (60000 + 10000 images 28x28), digits made from scikit-learn's
  8x8 digits, upscaled to 20x20 and placed, rotated, sheared, thickened and shifted at random;
  training images from the stand-in's training digits, test images from its test digits;
* CIFAR-10: ``cifar-10-python.tar.gz`` (5 x 10000 + 10000 images 32x32x3, pickled batches
  as the real file has them), one coloured shape per class on a noisy background;
* LFW: the funneled archive (figshare file 5976015: ``lfw_funneled/<Name>/<Name>_0001.jpg``,
  250x250 RGB JPEGs) with the seven people who have at least 70 photos in LFW, at their real
  counts, and some people with fewer; each person's photos vary one of the first 100 faces of
  ``skimage.data.lfw_subset()``, placed where scikit-learn crops; and the three pairs files.

It serves them from ``127.0.0.1`` (a thread), points ``COURSEPKG_DATA_SOURCES`` at a JSON file
that lists the server's URLs and the files' sha256, loads each dataset once (download, checksum
and parse at full size), then runs every chapter with nbval under its CPU budget
(``tools.nbrun``) and checks that each chapter that loads a dataset ran on the rehearsal data:
its ``[coursepkg.data]`` line carries the rehearsal note, never ``offline:``.

    python -m tools.rehearsal [--chapters learning pca] [--no-chapters] [--root _build/rehearsal]

The files are made once and reused while :data:`VERSION` and the sizes are unchanged (a stamp
file); the download cache is emptied on every run. Loaded with ``-p tools.rehearsal``, this
module is also the pytest plugin that records each chapter's ``[coursepkg.data]`` lines and
time (into the JSON file named by ``REHEARSAL_REPORT``).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import hashlib
import io
import json
import os
import pickle
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import threading
import time
from collections import defaultdict
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np

from coursepkg import data

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ROOT = ROOT / "_build" / "rehearsal"
VERSION = 1  # bump when a generator changes what it writes
MARK = "rehearsal data"  # every note starts with it; the loaders print the note

# The file names the loaders ask for (train images, train labels, test images, test labels).
MNIST_FILES = tuple(data.MNIST.files)
(CIFAR_FILE,) = data.CIFAR10.files
CIFAR_NAMES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
# The seven people with at least 70 photos in LFW, at their real counts (1288 photos), and
# people with fewer (made-up counts), so that min_faces_per_person has something to filter.
LFW_PEOPLE = (
    ("George_W_Bush", 530),
    ("Colin_Powell", 236),
    ("Tony_Blair", 144),
    ("Donald_Rumsfeld", 121),
    ("Gerhard_Schroeder", 109),
    ("Ariel_Sharon", 77),
    ("Hugo_Chavez", 71),
    ("Junichiro_Koizumi", 60),
    ("Jean_Chretien", 55),
    ("Jacques_Chirac", 52),
    ("Vladimir_Putin", 49),
    ("Laura_Bush", 41),
    ("Hans_Blix", 39),
    ("Andre_Agassi", 36),
    ("Kofi_Annan", 32),
    ("Bill_Clinton", 29),
    ("Naomi_Watts", 22),
    ("Tiger_Woods", 18),
    ("Nelson_Mandela", 12),
    ("Mahathir_Mohamad", 8),
    ("Madeleine_Albright", 4),
    ("Pedro_Almodovar", 2),
    ("Aaron_Peirsol", 1),
)
LFW_FILES = {  # figshare number -> what it holds
    "5976015": "lfw-funneled.tgz",
    "5976012": "pairsDevTrain.txt",
    "5976009": "pairsDevTest.txt",
    "5976006": "pairs.txt",
}
LFW_CROP = (slice(70, 195), slice(78, 172))  # where scikit-learn crops the 250x250 photos
NOTES = {
    "MNIST": f"{MARK}: MNIST-format digits made from scikit-learn's 8x8 digits "
    "(tools/rehearsal.py), not MNIST",
    "CIFAR-10": f"{MARK}: CIFAR-10-format coloured shapes, one per class (tools/rehearsal.py), "
    "not CIFAR-10",
    "LFW": f"{MARK}: LFW-format photos made from scikit-image's lfw_subset faces "
    "(tools/rehearsal.py), not LFW",
}
FOLDERS = {"MNIST": "mnist", "CIFAR-10": "cifar10", "LFW": "lfw"}


# --------------------------------------------------------------------------- file formats


def _gzip(payload: bytes, level: int = 6) -> bytes:
    """gzip with a zero timestamp, so the same content always has the same checksum."""
    return gzip.compress(payload, compresslevel=level, mtime=0)


def idx_bytes(array: np.ndarray) -> bytes:
    """A uint8 array as a gzipped IDX file (magic 0x0000 0x08 ndim, big-endian uint32 dims)."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    return _gzip(header + array.tobytes())


def _tar_gz(members: list[tuple[str, bytes | None]]) -> bytes:
    """A .tar.gz of (name, payload) pairs, a payload of None being a folder; fixed metadata."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for name, payload in members:
            info = tarfile.TarInfo(name)
            info.mtime = 1_190_000_000  # September 2007
            info.uname = info.gname = "rehearsal"
            if payload is None:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
            else:
                info.size, info.mode = len(payload), 0o644
                tar.addfile(info, io.BytesIO(payload))
    return _gzip(buffer.getvalue(), level=1)  # noise and JPEGs hardly compress: be quick


# --------------------------------------------------------------------------- MNIST


def _digit_templates():
    """scikit-learn's 8x8 digits upscaled to 20x20 in [0, 1], split as the offline stand-in."""
    from scipy import ndimage
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    big = np.stack([ndimage.zoom(x / 16.0, 2.5, order=3) for x in digits.images]).clip(0, 1)
    index = np.arange(len(big))
    train, test = train_test_split(
        index, test_size=0.25, random_state=0, stratify=digits.target
    )  # the stand-in's split: test images come from digits that training never sees
    return {"train": (big[train], digits.target[train]), "test": (big[test], digits.target[test])}


_VARY = {
    "blend": (0.5, 1.0),
    "rotate": 10,
    "shear": 0.1,
    "scale": (0.9, 1.05),
    "shift": 2.0,
    "threshold": (0.45, 0.65),
}


def mnist_images(n: int, templates: np.ndarray, labels: np.ndarray, rng) -> tuple:
    """``n`` 28x28 uint8 digits and their labels, each a random variation of a template.

    Two templates of the same digit are blended, rotated (up to 10 degrees), sheared and
    scaled, centred by their centre of mass as MNIST's digits are, give or take 2 pixels, and
    thresholded at a random level, which sets the thickness of the strokes and keeps the
    background exactly 0, as in MNIST; the ink gets a little noise. (Softmax regression on 1500
    of them scores about 85 % on the test images, an MLP trained on 10000 about 96 %: close to
    what MNIST gives.)
    """
    from scipy import ndimage

    by_class = [np.flatnonzero(labels == k) for k in range(10)]
    y = rng.integers(0, 10, size=n)
    images = np.zeros((n, 28, 28), dtype=np.uint8)
    canvas = np.zeros((28, 28))
    centre, grid = np.array([13.5, 13.5]), np.arange(28.0)
    for i, k in enumerate(y):
        a, b = rng.choice(by_class[k], size=2)
        w = rng.uniform(*_VARY["blend"])
        canvas[4:24, 4:24] = w * templates[a] + (1 - w) * templates[b]
        angle = np.deg2rad(_VARY["rotate"] * rng.uniform(-1, 1))
        rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        shear = np.array([[1.0, 0.0], [_VARY["shear"] * rng.uniform(-1, 1), 1.0]])
        matrix = rot @ shear / rng.uniform(*_VARY["scale"])  # output -> input coordinates
        mass = canvas.sum()
        com = np.array([canvas.sum(axis=1) @ grid, canvas.sum(axis=0) @ grid]) / mass
        target = centre + _VARY["shift"] * rng.uniform(-1, 1, size=2)  # centred by mass
        offset = com - matrix @ target
        warped = ndimage.affine_transform(canvas, matrix, offset=offset, order=1)
        ink = np.clip((warped - rng.uniform(*_VARY["threshold"])) / 0.3 + 0.5, 0, 1)
        ink *= 1 - 0.1 * rng.random((28, 28))
        images[i] = np.rint(255 * ink)
    return images, y.astype(np.uint8)


def write_mnist(folder: Path, *, n_train=60000, n_test=10000, seed=0) -> list[Path]:
    """The four MNIST files in ``folder``."""
    rng = np.random.default_rng(seed)
    templates = _digit_templates()
    train = mnist_images(n_train, *templates["train"], rng)
    test = mnist_images(n_test, *templates["test"], rng)
    arrays = (*train, *test)
    return [
        _write(folder / name, idx_bytes(array))
        for name, array in zip(MNIST_FILES, arrays, strict=True)
    ]


# --------------------------------------------------------------------------- CIFAR-10

# One (foreground colour, shape) per class; the background colour is random.
_CIFAR_STYLE = (
    ((0.85, 0.85, 0.9), "cross"),  # airplane
    ((0.8, 0.1, 0.1), "wide"),  # automobile
    ((0.9, 0.7, 0.1), "disk"),  # bird
    ((0.6, 0.4, 0.3), "triangle"),  # cat
    ((0.5, 0.35, 0.15), "vstripes"),  # deer
    ((0.7, 0.55, 0.35), "ring"),  # dog
    ((0.2, 0.7, 0.2), "blob"),  # frog
    ((0.35, 0.2, 0.1), "diagonal"),  # horse
    ((0.15, 0.25, 0.6), "band"),  # ship
    ((0.3, 0.4, 0.45), "square"),  # truck
)


def _cifar_mask(shape: str, yy, xx, r):
    """A soft mask in [0, 1] of ``shape`` on centred coordinates (n, 32, 32), size ``r`` (n,1,1)."""
    ay, ax = np.abs(yy), np.abs(xx)
    inside = {
        "cross": np.minimum(ay, ax) < 0.25 * r,
        "wide": (ay < 0.5 * r) & (ax < r),
        "disk": yy**2 + xx**2 < (0.7 * r) ** 2,
        "triangle": (yy < 0.6 * r) & (ax < 0.5 * (0.6 * r - yy)) & (yy > -r),
        "vstripes": (np.sin(xx * 9 / r) > 0) & (ay < r),
        "ring": np.abs(np.sqrt(yy**2 + xx**2) - 0.7 * r) < 0.2 * r,
        "blob": (yy / 0.7) ** 2 + (xx / 1.1) ** 2 < (0.8 * r) ** 2,
        "diagonal": (np.sin((xx + yy) * 7 / r) > 0) & (ay < r) & (ax < r),
        "band": (yy > 0) & (yy < 0.6 * r),
        "square": (ay < 0.8 * r) & (ax < 0.8 * r),
    }[shape]
    return inside.astype(np.float32)


def cifar_images(n: int, rng) -> tuple[np.ndarray, list[int]]:
    """``n`` images as CIFAR rows (uint8 (n, 3072): 1024 red, 1024 green, 1024 blue) and labels."""
    y = rng.integers(0, 10, size=n)
    grid = (np.arange(32) - 15.5) / 16
    images = np.empty((n, 32, 32, 3), dtype=np.float32)
    for k, (colour, shape) in enumerate(_CIFAR_STYLE):
        idx = np.flatnonzero(y == k)
        m = len(idx)
        centre = rng.uniform(-0.3, 0.3, size=(m, 2, 1, 1))
        r = rng.uniform(0.45, 0.8, size=(m, 1, 1))
        yy = grid[None, :, None] - centre[:, 0]
        xx = grid[None, None, :] - centre[:, 1]
        mask = _cifar_mask(shape, yy, xx, r)[..., None]
        fg = np.clip(np.array(colour) + rng.normal(0, 0.1, size=(m, 1, 1, 3)), 0, 1)
        bg = rng.uniform(0.1, 0.9, size=(m, 1, 1, 3))
        gradient = rng.normal(0, 0.15, size=(m, 1, 1, 1)) * grid[None, :, None, None]
        images[idx] = mask * fg + (1 - mask) * (bg + gradient)
    images += 0.08 * rng.standard_normal(size=images.shape, dtype=np.float32)
    rows = np.rint(255 * images.clip(0, 1)).astype(np.uint8)
    return rows.transpose(0, 3, 1, 2).reshape(n, 3072), [int(k) for k in y]


def write_cifar10(folder: Path, *, n_per_batch=10000, seed=1) -> list[Path]:
    """``cifar-10-python.tar.gz`` in ``folder``: five training batches, a test batch, the meta."""
    rng = np.random.default_rng(seed)
    members: list[tuple[str, bytes | None]] = [("cifar-10-batches-py", None)]
    batches = [(f"data_batch_{i}", f"training batch {i} of 5") for i in range(1, 6)]
    for name, label in [*batches, ("test_batch", "testing batch 1 of 1")]:
        rows, labels = cifar_images(n_per_batch, rng)
        batch = {
            b"batch_label": label.encode(),
            b"labels": labels,
            b"data": rows,
            b"filenames": [f"rehearsal_{name}_{i:05d}.png".encode() for i in range(len(labels))],
        }
        members.append((f"cifar-10-batches-py/{name}", pickle.dumps(batch, protocol=2)))
    meta = {
        b"num_cases_per_batch": n_per_batch,
        b"label_names": [name.encode() for name in CIFAR_NAMES],
        b"num_vis": 3072,
    }
    members.append(("cifar-10-batches-py/batches.meta", pickle.dumps(meta, protocol=2)))
    return [_write(folder / CIFAR_FILE, _tar_gz(members))]


# --------------------------------------------------------------------------- LFW


_LFW_VARY = {"blend": 0.5, "scale": 0.12, "shift": 12, "light": 0.8, "noise": 0.1}


def lfw_photo(face: np.ndarray, tint: np.ndarray, rng) -> np.ndarray:
    """A 250x250 RGB uint8 photo: ``face`` (a 25x25 image in [0, 1]) where sklearn crops.

    The face is scaled to cover the crop (125x94) with a margin, give or take 12 %, mirrored
    half of the time, lit from one side, made brighter or darker, tinted, shifted by up to
    12 pixels and put on a smooth random background; the whole photo gets pixel noise.
    """
    from scipy import ndimage

    vary = _LFW_VARY
    rows, cols = LFW_CROP
    scale = 1 + vary["scale"] * rng.uniform(-1, 1)
    h = round(scale * (rows.stop - rows.start + 24))
    w = round(scale * (cols.stop - cols.start + 24))
    big = ndimage.zoom(face, (h / face.shape[0], w / face.shape[1]), order=3).clip(0, 1)
    if rng.random() < 0.5:
        big = big[:, ::-1]
    across, down = np.linspace(-1, 1, w)[None, :], np.linspace(-1, 1, h)[:, None]
    light = 1 + vary["light"] * (rng.uniform(-1, 1) * across + 0.4 * rng.uniform(-1, 1) * down)
    gain, bias = rng.uniform(0.75, 1.2), rng.uniform(-0.08, 0.08)
    grey = rng.uniform(0.2, 0.8, size=(5, 5, 1)) + rng.uniform(-0.1, 0.1, size=(5, 5, 3))
    photo = ndimage.zoom(grey, (50, 50, 1), order=1)
    dy, dx = rng.integers(-vary["shift"], vary["shift"] + 1, size=2)
    top = (rows.start + rows.stop - h) // 2 + dy
    left = (cols.start + cols.stop - w) // 2 + dx
    photo[top : top + h, left : left + w] = (gain * big * light + bias)[..., None] * tint
    photo += vary["noise"] * rng.standard_normal(size=photo.shape)
    return np.rint(255 * photo.clip(0, 1)).astype(np.uint8)


def _jpeg(pixels: np.ndarray) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def _pairs(people: dict[str, int], n_folds: int, n_pairs: int, rng, *, header_folds: bool) -> bytes:
    """A pairs file: n_pairs matched (name, i, j) then n_pairs mismatched lines, per fold."""
    repeated = [name for name, count in people.items() if count >= 2]
    names = list(people)
    lines = [f"{n_folds}\t{n_pairs}" if header_folds else f"{n_pairs}"]
    for _ in range(n_folds):
        for _ in range(n_pairs):
            name = repeated[rng.integers(len(repeated))]
            i, j = rng.choice(people[name], size=2, replace=False) + 1
            lines.append(f"{name}\t{i}\t{j}")
        for _ in range(n_pairs):
            a, b = rng.choice(len(names), size=2, replace=False)
            i, j = rng.integers(people[names[a]]) + 1, rng.integers(people[names[b]]) + 1
            lines.append(f"{names[a]}\t{i}\t{names[b]}\t{j}")
    return ("\n".join(lines) + "\n").encode()


def write_lfw(folder: Path, *, people=LFW_PEOPLE, seed=2) -> list[Path]:
    """The four LFW files (named by their figshare numbers) in ``folder``.

    Person ``p`` varies face ``p`` of ``skimage.data.lfw_subset()`` (its first 100 images are
    faces), blended with up to 50 % of a random face, so that eigenfaces and a classifier have
    something to learn without a perfect score (PCA + SVC: about 90 % of the 7 people right).
    """
    from skimage.data import lfw_subset

    faces = lfw_subset()[:100].astype(np.float64)
    if len(people) > len(faces):
        raise ValueError(f"Invalid people: {len(people)} (at most {len(faces)})")
    rng = np.random.default_rng(seed)
    members: list[tuple[str, bytes | None]] = [("lfw_funneled", None)]
    for p, (name, count) in enumerate(people):
        members.append((f"lfw_funneled/{name}", None))
        tint = rng.uniform(0.85, 1.1, size=3)
        for j in range(count):
            other = faces[rng.integers(len(faces))]
            face = faces[p] + rng.uniform(0, _LFW_VARY["blend"]) * (other - faces[p])
            pixels = lfw_photo(face, tint, rng)
            members.append((f"lfw_funneled/{name}/{name}_{j + 1:04d}.jpg", _jpeg(pixels)))
    counts = dict(people)
    payloads = {
        "5976015": _tar_gz(members),
        "5976012": _pairs(counts, 1, 110, rng, header_folds=False),  # pairsDevTrain.txt
        "5976009": _pairs(counts, 1, 50, rng, header_folds=False),  # pairsDevTest.txt
        "5976006": _pairs(counts, 2, 30, rng, header_folds=True),  # pairs.txt
    }
    return [_write(folder / name, payloads[name]) for name in LFW_FILES]


# --------------------------------------------------------------------------- the site


def _write(path: Path, payload: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(payload)
    partial.replace(path)
    return path


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return "sha256:" + digest.hexdigest()


FULL_SIZE = {
    "MNIST": {"n_train": 60000, "n_test": 10000},
    "CIFAR-10": {"n_per_batch": 10000},
    "LFW": {"people": [list(p) for p in LFW_PEOPLE]},
}
_WRITERS = {"MNIST": write_mnist, "CIFAR-10": write_cifar10, "LFW": write_lfw}


def generate(www: Path, sizes: dict | None = None) -> dict:
    """Make (or reuse) the files under ``www``; ``{dataset: {file name: "sha256:..."}}``.

    ``sizes`` overrides the writers' arguments per dataset (tests make small versions).
    Files made by this :data:`VERSION` with the same sizes are reused: a stamp file
    (``www/stamp.json``) records them, with their sizes in bytes and their checksums.
    """
    sizes = {name: {**FULL_SIZE[name], **(sizes or {}).get(name, {})} for name in FULL_SIZE}
    sizes = json.loads(json.dumps(sizes))  # as the stamp file stores them (tuples become lists)
    www = Path(www)
    stamp = www / "stamp.json"
    wanted = {"version": VERSION, "sizes": sizes}
    if stamp.exists():
        recorded = json.loads(stamp.read_text())
        files = recorded.get("files", {})
        if {k: recorded.get(k) for k in wanted} == wanted and all(
            (www / rel).is_file() and (www / rel).stat().st_size == size
            for rel, (size, _) in files.items()
        ):
            return _manifest(files)
        stamp.unlink()
    files = {}
    for name, writer in _WRITERS.items():
        args = {k: tuple(map(tuple, v)) if k == "people" else v for k, v in sizes[name].items()}
        for path in writer(www / FOLDERS[name], **args):
            files[path.relative_to(www).as_posix()] = (path.stat().st_size, sha256(path))
    _write(stamp, json.dumps({**wanted, "files": files}, indent=1).encode())
    return _manifest(files)


def _manifest(files: dict) -> dict:
    out: dict[str, dict[str, str]] = {name: {} for name in FOLDERS}
    by_folder = {folder: name for name, folder in FOLDERS.items()}
    for rel, (_, digest) in files.items():
        folder, fname = rel.split("/", 1)
        out[by_folder[folder]][fname] = digest
    return out


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # no line per request
        pass


def serve(www: Path) -> ThreadingHTTPServer:
    """Serve ``www`` on ``127.0.0.1`` (a free port) from a daemon thread; ``.url`` is its root.

    Stop it with ``server.shutdown(); server.server_close()``.
    """
    handler = functools.partial(_QuietHandler, directory=str(www))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
    )
    thread.start()
    return server


def write_sources(manifest: dict, url: str, path: Path) -> Path:
    """The ``COURSEPKG_DATA_SOURCES`` file: each dataset's URL on the server, checksums, note."""
    table = {
        name: {"base_url": f"{url}{FOLDERS[name]}/", "files": files, "note": NOTES[name]}
        for name, files in manifest.items()
    }
    return _write(Path(path), (json.dumps(table, indent=1) + "\n").encode())


# --------------------------------------------------------------------------- pytest plugin
# Loaded with -p tools.rehearsal: each notebook's [coursepkg.data] lines and time, as JSON in
# $REHEARSAL_REPORT (the xdist workers send the lines to the controller in user_properties).

_ANNOUNCED = data.PREFIX
_seen: dict[str, dict] = defaultdict(lambda: {"seconds": 0.0, "data": [], "failed": False})


def _hookwrapper(function):
    import pytest

    return pytest.hookimpl(wrapper=True)(function)


@_hookwrapper
def pytest_runtest_makereport(item, call):
    report = yield
    outputs = getattr(item, "test_outputs", None) or []
    if call.when == "call":
        for out in outputs:
            if out.get("output_type") == "stream":
                for line in out.get("text", "").splitlines():
                    if line.startswith(_ANNOUNCED):
                        report.user_properties.append(("coursepkg.data", line))
    return report


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if not path.endswith(".ipynb"):
        return
    entry = _seen[path]
    entry["seconds"] += report.duration
    entry["failed"] = entry["failed"] or report.failed
    entry["data"] += [line for key, line in report.user_properties if key == "coursepkg.data"]


def pytest_sessionfinish(session, exitstatus):
    target = os.environ.get("REHEARSAL_REPORT")
    if target and _seen and not hasattr(session.config, "workerinput"):  # the controller
        _write(Path(target), json.dumps(dict(_seen), indent=1).encode())


# --------------------------------------------------------------------------- the rehearsal

LOADERS = ("load_mnist", "load_cifar10", "load_lfw_people")


def loaders_used(notebook: Path) -> list[str]:
    """Which dataset loaders a chapter's code cells call."""
    cells = json.loads(notebook.read_text())["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return [name for name in LOADERS if re.search(rf"\b{name}\(", code)]


def check_chapter(notebook: str, loaders: list[str], lines: list[str]) -> list[str]:
    """What is wrong with a chapter's [coursepkg.data] lines (nothing: an empty list)."""
    problems = [f"ran offline: {line}" for line in lines if "offline:" in line]
    rehearsed = [line for line in lines if MARK in line]
    if loaders and len(rehearsed) < len(loaders):
        problems.append(
            f"calls {', '.join(loaders)} but printed {len(rehearsed)} rehearsal line(s)"
        )
    return problems


def rehearsal_env(sources: Path, cache: Path) -> dict[str, str]:
    """The environment of a machine with network whose downloads come from our server.

    Two kernels share the two CPU cores of a CI machine, so each BLAS and torch gets one
    thread: with the default of one thread per core, MNIST-sized matrix products in two
    kernels at once oversubscribe the cores and run several times slower.
    """
    env = dict(os.environ)
    env.pop("COURSEPKG_OFFLINE", None)
    env.update(
        COURSEPKG_DATA_SOURCES=str(sources),
        COURSEPKG_DATA_DIR=str(cache),
        TQDM_DISABLE="1",
        PYTHONHASHSEED="0",
        OMP_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
    )
    return env


def load_all() -> list[str]:
    """Each loader once, in this process (download, checksum, parse): a line per dataset."""

    lines = []
    for loader in (data.load_mnist, data.load_cifar10, data.load_lfw_people):
        start = time.perf_counter()
        ds = loader()
        took = time.perf_counter() - start
        if ds.offline:
            raise RuntimeError(f"{loader.__name__} fell back to its stand-in: {ds}")
        shape = "x".join(map(str, ds.X_train.shape[1:]))
        lines.append(
            f"{loader.__name__:16s} {took:6.1f} s  {ds}, {shape}, {len(ds.target_names)} classes"
        )
    return lines


def run_chapters(env: dict, paths: list[str], report: Path, times: Path) -> int:
    """Every chapter in ``paths`` under nbval, two at a time, each kernel's CPU time measured
    against the chapter's budget (tools/nbrun.py; the cell timeout only catches a hang)."""
    command = [
        *(sys.executable, "-m", "pytest", "--nbval-lax", "-p", "tools.nbrun"),
        *("--nb-budgets=report", f"--nb-report={times}", "-p", "tools.rehearsal"),
        *("--nbval-cell-timeout=600", "-n", "2", "--dist", "loadscope"),
        *("-p", "no:cacheprovider", "-q", *paths),
    ]
    print("$ " + " ".join(command[2:]), flush=True)
    threads = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    env = {**env, **threads, "REHEARSAL_REPORT": str(report)}
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


def summary(line: str) -> str:
    """A [coursepkg.data] line, short: what was loaded and from where."""
    text = line[len(_ANNOUNCED) :]
    kind = "OFFLINE" if text.startswith("offline:") else "rehearsal" if MARK in text else "local"
    return f"{text.split(' (')[0]} [{kind}]"


def main(argv=None) -> int:
    from tools.book_cache import chapters as book_chapters
    from tools.nbrun import budget_of

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--chapters", nargs="*", help="chapter names (default: every chapter)")
    parser.add_argument("--no-chapters", action="store_true", help="generate, serve, load only")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    failed: list[str] = []
    timings = []

    start = time.perf_counter()
    manifest = generate(root / "www")
    timings.append(("generate the files (or reuse them)", time.perf_counter() - start))
    total = sum(
        (root / "www" / FOLDERS[n] / f).stat().st_size for n in manifest for f in manifest[n]
    )
    print(f"files in {root / 'www'}: {total / 1e6:.0f} MB ({timings[-1][1]:.1f} s)", flush=True)

    server = serve(root / "www")
    try:
        sources = write_sources(manifest, server.url, root / "sources.json")
        cache = root / "cache"
        shutil.rmtree(cache, ignore_errors=True)  # every run downloads afresh
        env = rehearsal_env(sources, cache)
        os.environ.pop("COURSEPKG_OFFLINE", None)
        os.environ.update(env)
        print(f"serving on {server.url}; COURSEPKG_DATA_SOURCES={sources}", flush=True)

        start = time.perf_counter()
        for line in load_all():
            print("  " + line, flush=True)
        timings.append(("load each dataset (download, check, parse)", time.perf_counter() - start))

        if not args.no_chapters:
            paths = book_chapters()
            if args.chapters is not None:
                paths = [p for p in paths if p.stem in args.chapters]
            names = [p.relative_to(ROOT).as_posix() for p in paths]
            report, times = root / "chapters.json", root / "cpu.json"
            report.unlink(missing_ok=True)
            times.unlink(missing_ok=True)
            start = time.perf_counter()
            code = run_chapters(env, names, report, times)
            timings.append(("run the chapters (two at a time)", time.perf_counter() - start))
            seen = json.loads(report.read_text()) if report.exists() else {}
            cpu = json.loads(times.read_text()) if times.exists() else {}
            print(f"\n{'chapter':22s} {'CPU s':>7s} {'budget':>6s}  data")
            for path, name in zip(paths, names, strict=True):
                entry = seen.get(name)
                if entry is None:
                    failed.append(f"{name}: did not run")
                    continue
                problems = check_chapter(name, loaders_used(path), entry["data"])
                budget = budget_of(path)
                seconds = (cpu.get(name) or {}).get("cpu_s") or entry["seconds"]
                if entry["failed"]:
                    problems.append("a cell failed")
                if seconds > budget:
                    problems.append(f"over its CPU budget ({seconds:.1f} s > {budget:g} s)")
                data = "; ".join(summary(line) for line in entry["data"]) or "-"
                print(f"{path.stem:22s} {seconds:7.1f} {budget:6.0f}  {data}")
                failed += [f"{name}: {p}" for p in problems]
            if code != 0 and not failed:
                failed.append(f"pytest exited with {code}")
    finally:
        server.shutdown()
        server.server_close()

    print("\n" + "\n".join(f"{what:45s} {s:7.1f} s" for what, s in timings))
    print(f"{'total':45s} {sum(s for _, s in timings):7.1f} s")
    if failed:
        print("\nREHEARSAL FAILED:\n  " + "\n  ".join(failed))
        return 1
    if args.no_chapters:
        print("\nrehearsal ok: every dataset downloaded, checked and parsed (no chapters run)")
    else:
        print("\nrehearsal ok: every chapter ran on the rehearsal data within its CPU budget")
    return 0


if __name__ == "__main__":
    sys.exit(main())
