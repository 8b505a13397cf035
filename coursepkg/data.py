"""Datasets for the course: checksummed, cached downloads with offline stand-ins.

Every loader returns real data when it can and a small stand-in that ships
inside an installed package when it cannot, and says which in exactly one line
printed to stdout, starting with ``[coursepkg.data]``::

    >>> ds = load_mnist()  # doctest: +SKIP
    [coursepkg.data] offline: using sklearn digits 8x8 instead of MNIST (COURSEPKG_OFFLINE=1)

Downloads go through :mod:`pooch`: a file is streamed to a temporary name in
the cache directory and moved into place only when its checksum matches the
known one, so the cache never holds a corrupt file. A cached copy is re-hashed
and reused on the next call.

Environment variables:

``COURSEPKG_OFFLINE``
    ``1``, ``true`` or ``yes``: never touch the network; loaders use their stand-ins
    (CI sets it).
``COURSEPKG_DATA_DIR``
    where downloads are cached (default: the OS cache folder, see :func:`cache_dir`).
``COURSEPKG_DATA_SOURCES``
    a JSON file that replaces the download sources, for mirrors and for the course's
    rehearsal of the online path against a loopback server (see :func:`configured_source`).

Heavy libraries (pooch, scikit-learn, scikit-image, matplotlib) are imported
inside the functions that need them, so ``import coursepkg`` stays fast.
"""

from __future__ import annotations

import gzip
import math
import os
import pickle
import re
import shutil
import socket
import struct
import tarfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from ._validate import check_real, check_window

__all__ = [
    "CIFAR10",
    "LFW",
    "MNIST",
    "DataIntegrityError",
    "Dataset",
    "DownloadError",
    "PriceSeries",
    "Source",
    "cache_dir",
    "configured_source",
    "fetch",
    "is_offline",
    "load_astronaut",
    "load_cifar10",
    "load_lfw_people",
    "load_mnist",
    "load_share_prices",
    "read_idx",
]

PREFIX = "[coursepkg.data] "
DOWNLOAD_TIMEOUT = 30.0  # seconds without progress before a download is abandoned


class DataIntegrityError(ValueError):
    """A downloaded file's checksum does not match the known one (the file was deleted)."""


class DownloadError(OSError):
    """A file could not be downloaded (no network, server error, timeout, ...)."""


# --------------------------------------------------------------------------- sources

_HASH_RE = re.compile(r"^(?:(md5|sha1|sha256):)?([0-9a-fA-F]+)$")
_HASH_LEN = {"md5": 32, "sha1": 40, "sha256": 64}


@dataclass(frozen=True)
class Source:
    """Where a dataset's files live: ``base_url`` + file name, each with its known hash.

    ``files`` maps a file name to its checksum in pooch's format,
    ``"md5:<hex>"``, ``"sha1:<hex>"`` or ``"sha256:<hex>"`` (a bare hex digest is sha256).
    ``note`` is printed with the loader's announcement (say where a mirror's data come from).
    """

    base_url: str
    files: dict[str, str] = field(default_factory=dict)
    note: str = ""

    def __post_init__(self):
        if not isinstance(self.base_url, str) or urlsplit(self.base_url).scheme not in (
            "http",
            "https",
        ):
            raise ValueError(f"Invalid base_url: {self.base_url!r} (expected an http(s) URL)")
        if not isinstance(self.files, dict) or not self.files:
            raise ValueError(
                f"Invalid files: {self.files!r} (expected a non-empty dict name -> hash)"
            )
        for name, known in self.files.items():
            match = _HASH_RE.match(known) if isinstance(known, str) else None
            if match is None or len(match[2]) != _HASH_LEN[match[1] or "sha256"]:
                raise ValueError(
                    f"Invalid hash for {name!r}: {known!r} "
                    "(expected 'md5:<32 hex>', 'sha1:<40 hex>' or 'sha256:<64 hex>')"
                )
        if not isinstance(self.note, str):
            raise TypeError(f"Invalid note: {self.note!r} (expected a string)")
        object.__setattr__(self, "files", dict(self.files))  # a private copy

    def url(self, fname: str) -> str:
        """The download URL of one of this source's files."""
        return self.base_url.rstrip("/") + "/" + fname

    def algorithm(self, fname: str) -> str:
        """The hash algorithm of ``fname``'s checksum: ``"md5"``, ``"sha1"`` or ``"sha256"``."""
        known = self.files[fname]
        return known.split(":")[0].lower() if ":" in known else "sha256"


# Hashes as torchvision pins them: torchvision/datasets/mnist.py (MNIST.resources)
# and torchvision/datasets/cifar.py (CIFAR10.tgz_md5).
MNIST = Source(
    base_url="https://ossci-datasets.s3.amazonaws.com/mnist/",
    files={
        "train-images-idx3-ubyte.gz": "md5:f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "train-labels-idx1-ubyte.gz": "md5:d53e105ee54ea40749a09fcbcd1e9432",
        "t10k-images-idx3-ubyte.gz": "md5:9fb629c4189551a2d022fa330f9573f3",
        "t10k-labels-idx1-ubyte.gz": "md5:ec29112dd5afa0611ce80d1b7f02629c",
    },
)
CIFAR10 = Source(
    base_url="https://www.cs.toronto.edu/~kriz/",
    files={"cifar-10-python.tar.gz": "md5:c58f30108f718f92721af3b95e74349a"},
)
# Labeled Faces in the Wild, funneled, where and as scikit-learn pins it
# (sklearn/datasets/_lfw.py: FUNNELED_ARCHIVE and TARGETS); figshare names files by number.
LFW = Source(
    base_url="https://ndownloader.figshare.com/files/",
    files={
        "5976015": "sha256:b47c8422c8cded889dc5a13418c4bc2abbda121092b3533a83306f90d900100a",
        "5976012": "sha256:1d454dada7dfeca0e7eab6f65dc4e97a6312d44cf142207be28d688be92aabfa",
        "5976009": "sha256:7cb06600ea8b2814ac26e946201cdb304296262aad67d046a16a7ec85d0ff87c",
        "5976006": "sha256:ea42330c62c92989f9d7c03237ed5d591365e89b3e649747777b70e692dc1592",
    },
)
_LFW_NAMES = {  # figshare number -> the file name scikit-learn looks for
    "5976015": "lfw-funneled.tgz",
    "5976012": "pairsDevTrain.txt",
    "5976009": "pairsDevTest.txt",
    "5976006": "pairs.txt",
}
_DEFAULT_SOURCES = {"MNIST": MNIST, "CIFAR-10": CIFAR10, "LFW": LFW}


def configured_source(name: str) -> Source:
    """The source the loaders use for ``name`` ("MNIST", "CIFAR-10" or "LFW").

    The default is the module constant (:data:`MNIST`, :data:`CIFAR10`, :data:`LFW`).
    When ``COURSEPKG_DATA_SOURCES`` names a JSON file, an entry in it replaces that
    default: ``{"MNIST": {"base_url": ..., "files": {name: hash, ...}, "note": ...}}``.
    A mirror must list its own checksums; every download is still verified against them,
    and the loader's announcement names the mirror and prints its note.
    """
    if name not in _DEFAULT_SOURCES:
        raise ValueError(f"Invalid name: {name!r} (expected one of {sorted(_DEFAULT_SOURCES)})")
    path = os.environ.get("COURSEPKG_DATA_SOURCES", "").strip()
    if not path:
        return _DEFAULT_SOURCES[name]
    import json

    try:
        table = json.loads(Path(path).expanduser().read_text())
    except (OSError, ValueError) as err:
        raise ValueError(f"Invalid COURSEPKG_DATA_SOURCES={path!r}: {err}") from err
    entry = table.get(name) if isinstance(table, dict) else None
    if entry is None:
        return _DEFAULT_SOURCES[name]
    if not isinstance(entry, dict) or set(entry) - {"base_url", "files", "note"}:
        raise ValueError(
            f"Invalid COURSEPKG_DATA_SOURCES entry for {name}: {entry!r} "
            "(expected an object with base_url, files and an optional note)"
        )
    return Source(**entry)


_MNIST_FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)
_CIFAR_FILE = "cifar-10-python.tar.gz"


# --------------------------------------------------------------------------- datasets


@dataclass(frozen=True, eq=False)
class Dataset:
    """A train/test split of images and integer labels.

    Images are float32 in ``[0, 1]`` with shape ``(n, h, w)`` (grayscale) or
    ``(n, h, w, 3)`` (colour); labels are int64 indices into ``target_names``.
    ``name`` is the data actually used, ``requested`` the data asked for; they
    differ (and ``offline`` is True) when a stand-in was used.
    """

    name: str
    requested: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    target_names: tuple[str, ...]
    source: str
    offline: bool

    def __post_init__(self):
        for split in ("train", "test"):
            X, y = getattr(self, f"X_{split}"), getattr(self, f"y_{split}")
            if len(X) != len(y):
                raise ValueError(f"Invalid {split} split: {len(X)} images but {len(y)} labels")

    def __str__(self) -> str:
        what = f"{self.name} (offline stand-in for {self.requested})" if self.offline else self.name
        return f"{what}: {len(self.X_train)} train / {len(self.X_test)} test"


@dataclass(frozen=True, eq=False)
class PriceSeries:
    """A daily price series: ``dates`` (datetime64[D]) and ``price`` (float64)."""

    name: str
    dates: np.ndarray
    price: np.ndarray
    source: str

    def __len__(self) -> int:
        return len(self.price)

    def __str__(self) -> str:
        return f"{self.name}: {len(self)} trading days"


def _announce(message: str) -> None:
    print(PREFIX + message)


# --------------------------------------------------------------------------- network


def cache_dir() -> Path:
    """Where downloads are cached: ``$COURSEPKG_DATA_DIR`` or pooch's OS cache folder."""
    env = os.environ.get("COURSEPKG_DATA_DIR")
    if env:
        return Path(env).expanduser()
    import pooch

    return Path(pooch.os_cache("coursepkg"))


_REACHABLE: dict[tuple[str, int], bool] = {}  # (host, port) -> could connect, per process


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    try:
        port = parts.port or default
    except ValueError:  # a port that is not a number
        port = None
    if not parts.hostname or port is None:
        raise ValueError(f"Invalid url: {url!r} (expected http(s)://host[:port]/...)")
    return parts.hostname, port


def _can_connect(host: str, port: int, timeout: float) -> bool:
    """Try a TCP connection, giving up after ``timeout`` seconds *in total*.

    ``socket.create_connection``'s timeout does not cover the DNS lookup, which
    can hang far longer on a machine without network, so the attempt runs in a
    daemon thread and we stop waiting for it after ``timeout``.
    """
    result: list[bool] = []

    def attempt():
        try:
            with socket.create_connection((host, port), timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    thread = threading.Thread(target=attempt, name="coursepkg-probe", daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(result) and result[0]


def _offline_reason(url: str | None = None, timeout: float = 2.0) -> str | None:
    """Why the network should not be used (for the announcement), or None if it can be."""
    host, port = _host_port(url if url is not None else MNIST.base_url)
    flag = os.environ.get("COURSEPKG_OFFLINE", "")
    if flag.strip().lower() in ("1", "true", "yes"):
        return f"COURSEPKG_OFFLINE={flag}"
    if (host, port) not in _REACHABLE:
        _REACHABLE[(host, port)] = _can_connect(host, port, timeout)
    return None if _REACHABLE[(host, port)] else f"cannot reach {host}:{port}"


def is_offline(url: str | None = None, timeout: float = 2.0) -> bool:
    """Whether to skip downloads.

    True when ``COURSEPKG_OFFLINE`` is ``1``/``true``/``yes`` (any case); otherwise
    True when no TCP connection to ``url``'s host and port (default: the MNIST
    mirror) opens within ``timeout`` seconds. The answer is cached per host and
    port for the rest of the process; the call never takes much longer than
    ``timeout``.
    """
    t = check_real(timeout, "timeout")
    if not (t > 0 and math.isfinite(t)):
        raise ValueError(f"Invalid timeout: {timeout} (expected a positive number of seconds)")
    return _offline_reason(url, t) is not None


class _Downloader:
    """A pooch downloader with a progress bar that remembers the hash of what it downloaded.

    pooch deletes a download whose hash does not match before telling us, so
    this is how :func:`fetch` can report the actual hash. The bar
    (:func:`coursepkg.progress.progress`) exists only while a download runs.
    """

    def __init__(self, fname: str, algorithm: str):
        self.fname = fname
        self.algorithm = algorithm
        self.actual: str | None = None

    def __call__(self, url, output_file, pooch_instance):
        import pooch

        from .progress import progress

        with progress(total=0, unit="B", unit_scale=True, desc=self.fname) as bar:
            download = pooch.HTTPDownloader(timeout=DOWNLOAD_TIMEOUT, progressbar=bar)
            download(url, output_file, pooch_instance)
        self.actual = pooch.file_hash(str(output_file), alg=self.algorithm)


def fetch(fname: str, source: Source, *, cache=None) -> Path:
    """Path to ``source``'s file ``fname``: a verified copy in ``cache``, downloaded if need be.

    ``cache`` defaults to :func:`cache_dir`. Raises :class:`DataIntegrityError`
    when the downloaded bytes do not match the known hash (nothing is left in
    the cache) and :class:`DownloadError` when the download itself fails.
    """
    import pooch
    import requests

    if not isinstance(source, Source):
        raise TypeError(f"Invalid source: {source!r} (expected a coursepkg.data.Source)")
    if fname not in source.files:
        raise ValueError(f"Invalid fname: {fname!r} (not one of {sorted(source.files)})")
    directory = Path(cache) if cache is not None else cache_dir()
    url, known = source.url(fname), source.files[fname]
    recorder = _Downloader(fname, source.algorithm(fname))
    logger = pooch.get_logger()  # its "Downloading file ..." line repeats our announcement
    level = logger.level
    logger.setLevel("WARNING")
    try:
        path = pooch.retrieve(
            url, known_hash=known, fname=fname, path=directory, downloader=recorder
        )
    except requests.RequestException as err:
        raise DownloadError(f"Could not download {fname} from {url}: {err}") from err
    except ValueError as err:
        expected = known.split(":")[-1].lower()
        if recorder.actual is None or recorder.actual.lower() == expected:
            raise  # not a checksum problem
        # pooch deleted the download; a stale copy it meant to replace may remain.
        stale = directory / fname
        if stale.exists() and pooch.file_hash(str(stale), alg=recorder.algorithm) != expected:
            stale.unlink()
        raise DataIntegrityError(
            f"Checksum mismatch for {fname} downloaded from {url}: expected {known}, "
            f"got {recorder.algorithm}:{recorder.actual}. The file was deleted; it was damaged "
            "in transit or changed on the server."
        ) from err
    finally:
        logger.setLevel(level)
    return Path(path)


# --------------------------------------------------------------------------- formats

# IDX type codes (http://yann.lecun.com/exdb/mnist/, "THE IDX FILE FORMAT"); big-endian.
_IDX_DTYPES = {0x08: "u1", 0x09: "i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path) -> np.ndarray:
    """Read an IDX file (as MNIST ships it), gzipped or not, into a native-endian array.

    The header is two zero bytes, a type code (``0x08`` = uint8, ...), the
    number of dimensions, then each dimension as a big-endian uint32; the data
    follow in C order.
    """
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            gzipped = fh.read(2) == b"\x1f\x8b"
        with gzip.open(path, "rb") if gzipped else open(path, "rb") as fh:
            raw = fh.read()
    except (gzip.BadGzipFile, EOFError) as err:
        raise ValueError(f"Invalid IDX file {path}: corrupt gzip data ({err})") from err
    if len(raw) < 4:
        raise ValueError(f"Invalid IDX file {path}: {len(raw)} bytes, too short for a header")
    code, ndim = raw[2], raw[3]
    if raw[:2] != b"\0\0" or code not in _IDX_DTYPES or ndim == 0:
        raise ValueError(
            f"Invalid IDX magic number 0x{raw[:4].hex()} in {path} (expected 0x0000, a type "
            f"code in {[hex(c) for c in _IDX_DTYPES]} and the number of dimensions >= 1)"
        )
    start = 4 + 4 * ndim
    if len(raw) < start:
        raise ValueError(f"Invalid IDX file {path}: header announces {ndim} dims but is truncated")
    shape = struct.unpack(f">{ndim}I", raw[4:start])
    dtype = np.dtype(_IDX_DTYPES[code])
    expected, actual = math.prod(shape) * dtype.itemsize, len(raw) - start
    if actual != expected:
        raise ValueError(
            f"Invalid IDX size in {path}: shape {shape} needs {expected} bytes of data, "
            f"the file holds {actual}"
        )
    return np.frombuffer(raw, dtype, offset=start).reshape(shape).astype(dtype.newbyteorder("="))


class _NumpyOnlyUnpickler(pickle.Unpickler):
    """Unpickles dicts, lists and NumPy arrays, and refuses anything else.

    The CIFAR batches are pickles; the archive's checksum is verified, and this
    keeps a file from an unexpected ``Source`` from running arbitrary code.
    """

    _ALLOWED = {
        ("_codecs", "encode"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        *(
            (f"numpy.{core}.multiarray", n)
            for core in ("core", "_core")
            for n in ("_reconstruct", "scalar")
        ),
        *((f"numpy.{core}.numeric", "_frombuffer") for core in ("core", "_core")),
    }

    def find_class(self, module, name):
        if (module, name) in self._ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to unpickle {module}.{name} from a CIFAR batch")


def _get(mapping: dict, key: str):
    """``mapping[key]`` for pickles loaded with bytes keys (Python 2) or str keys."""
    return mapping[key.encode()] if key.encode() in mapping else mapping[key]


def _read_cifar_tar(path: Path):
    """(X_train, y_train, X_test, y_test, label_names) from ``cifar-10-python.tar.gz``."""
    wanted = {f"data_batch_{i}" for i in range(1, 6)} | {"test_batch", "batches.meta"}
    found = {}
    with tarfile.open(path, "r:gz") as tar:
        for member in tar:  # one pass over the gzip stream
            base = member.name.rsplit("/", 1)[-1]
            if member.isfile() and base in wanted:
                with tar.extractfile(member) as fh:
                    found[base] = _NumpyOnlyUnpickler(fh, encoding="bytes").load()
    missing = sorted(wanted - set(found))
    if missing:
        raise ValueError(f"Invalid CIFAR-10 archive {path}: missing {missing}")

    def batch(name):
        data = np.asarray(_get(found[name], "data"))
        labels = np.asarray(_get(found[name], "labels"), dtype=np.int64)
        if data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != 3072:
            raise ValueError(
                f"Invalid CIFAR-10 batch {name}: data {data.dtype} {data.shape} "
                "(expected uint8 (n, 3072))"
            )
        if len(labels) != len(data):
            raise ValueError(
                f"Invalid CIFAR-10 batch {name}: {len(data)} images, {len(labels)} labels"
            )
        images = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)  # channels last
        return images, labels

    train = [batch(f"data_batch_{i}") for i in range(1, 6)]
    X_test, y_test = batch("test_batch")
    X_train = np.concatenate([images for images, _ in train])
    y_train = np.concatenate([labels for _, labels in train])
    names = tuple(
        n.decode() if isinstance(n, bytes) else str(n)
        for n in _get(found["batches.meta"], "label_names")
    )
    return _to_unit(X_train), y_train, _to_unit(X_test), y_test, names


def _to_unit(images: np.ndarray) -> np.ndarray:
    """uint8 pixels -> float32 in [0, 1]."""
    return (images / np.float32(255)).astype(np.float32)


# --------------------------------------------------------------------------- loaders


def _check_offline(offline) -> None:
    if offline is not None and not isinstance(offline, bool):
        raise TypeError(f"Invalid offline: {offline!r} (expected True, False or None)")


def _stand_in_reason(offline: bool | None, url: str) -> str | None:
    """Why to use the stand-in, or None to download (``offline=False`` always downloads)."""
    if offline is None:
        return _offline_reason(url)
    return "offline=True" if offline else None


def _check_source(source, name: str, needed) -> Source:
    source = configured_source(name) if source is None else source
    if not isinstance(source, Source):
        raise TypeError(f"Invalid source: {source!r} (expected a coursepkg.data.Source)")
    missing = [name for name in needed if name not in source.files]
    if missing:
        raise ValueError(f"Invalid source: {source.base_url} lacks {missing}")
    return source


def _digits_stand_in(requested: str, reason: str) -> Dataset:
    """scikit-learn's 8x8 digits (1797 images, ships with sklearn), split 75/25 stratified."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    X = (digits.images / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    dataset = Dataset(
        name="sklearn digits 8x8",
        requested=requested,
        X_train=X_train,
        y_train=y_train,
        X_test=X_test,
        y_test=y_test,
        target_names=tuple(str(t) for t in digits.target_names),
        source="sklearn.datasets.load_digits",
        offline=True,
    )
    _announce(f"offline: using {dataset.name} instead of {requested} ({reason})")
    return dataset


def _download_all(source: Source, names, cache, offline):
    """Fetch ``names``; returns (paths, None), or (None, reason) to fall back when allowed."""
    try:
        return [fetch(name, source, cache=cache) for name in names], None
    except DownloadError as err:
        if offline is False:  # the caller insisted on the real data
            raise
        return None, "download failed: " + " ".join(str(err).split())  # on one line


def _verified(source: Source, names, directory: Path) -> str:
    """Where the files came from, where they are cached and how they were verified."""
    algorithms = sorted({source.algorithm(name) for name in names})
    text = f"cached in {directory}, {'/'.join(algorithms)} verified"
    if source not in _DEFAULT_SOURCES.values():
        text = f"from {source.base_url}" + (f": {source.note}" if source.note else "") + "; " + text
    return text


def load_mnist(*, offline=None, source=None, cache=None) -> Dataset:
    """MNIST: 60000 train / 10000 test handwritten digits, (n, 28, 28) float32 in [0, 1].

    ``offline=None`` decides with :func:`is_offline`; ``True`` uses the stand-in
    (sklearn's 8x8 digits); ``False`` insists on the download. With ``None`` a
    failed download also falls back to the stand-in, saying why. ``source``
    (default :data:`MNIST`) and ``cache`` (default ``cache_dir()/"mnist"``)
    exist mostly for tests and mirrors.
    """
    _check_offline(offline)
    source = _check_source(source, "MNIST", _MNIST_FILES)
    reason = _stand_in_reason(offline, source.base_url)
    if reason is not None:
        return _digits_stand_in("MNIST", reason)
    directory = Path(cache) if cache is not None else cache_dir() / "mnist"
    paths, reason = _download_all(source, _MNIST_FILES, directory, offline)
    if reason is not None:
        return _digits_stand_in("MNIST", reason)
    X_train, y_train, X_test, y_test = (read_idx(p) for p in paths)
    for images, labels, split in ((X_train, y_train, "train"), (X_test, y_test, "t10k")):
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise ValueError(
                f"Invalid MNIST {split} files: images {images.shape}, labels {labels.shape} "
                "(expected (n, 28, 28) and (n,))"
            )
    dataset = Dataset(
        name="MNIST",
        requested="MNIST",
        X_train=_to_unit(X_train),
        y_train=y_train.astype(np.int64),
        X_test=_to_unit(X_test),
        y_test=y_test.astype(np.int64),
        target_names=tuple(str(d) for d in range(10)),
        source=source.base_url,
        offline=False,
    )
    _announce(f"{dataset} ({_verified(source, _MNIST_FILES, directory)})")
    return dataset


def load_cifar10(*, offline=None, source=None, cache=None) -> Dataset:
    """CIFAR-10: 50000 train / 10000 test colour images, (n, 32, 32, 3) float32 in [0, 1].

    Read from the python ``cifar-10-python.tar.gz`` (about 170 MB). Arguments
    as for :func:`load_mnist` (``cache`` defaults to ``cache_dir()/"cifar10"``);
    the offline stand-in is the same 8x8 digits, announced as standing in for
    CIFAR-10.
    """
    _check_offline(offline)
    source = _check_source(source, "CIFAR-10", [_CIFAR_FILE])
    reason = _stand_in_reason(offline, source.base_url)
    if reason is not None:
        return _digits_stand_in("CIFAR-10", reason)
    directory = Path(cache) if cache is not None else cache_dir() / "cifar10"
    paths, reason = _download_all(source, [_CIFAR_FILE], directory, offline)
    if reason is not None:
        return _digits_stand_in("CIFAR-10", reason)
    X_train, y_train, X_test, y_test, names = _read_cifar_tar(paths[0])
    dataset = Dataset(
        name="CIFAR-10",
        requested="CIFAR-10",
        X_train=X_train,
        y_train=y_train,
        X_test=X_test,
        y_test=y_test,
        target_names=names,
        source=source.url(_CIFAR_FILE),
        offline=False,
    )
    _announce(f"{dataset} ({_verified(source, [_CIFAR_FILE], directory)})")
    return dataset


def _lfw_stand_in(reason: str) -> Dataset:
    """The 100 faces of ``skimage.data.lfw_subset()`` (25x25, ships with scikit-image)."""
    from skimage.data import lfw_subset
    from skimage.util import img_as_float32
    from sklearn.model_selection import train_test_split

    faces = img_as_float32(lfw_subset()[:100])  # images 0-99 are faces, 100-199 are not
    labels = np.zeros(len(faces), dtype=np.int64)
    X_train, X_test, y_train, y_test = train_test_split(
        faces, labels, test_size=0.25, random_state=0
    )
    dataset = Dataset(
        name="skimage lfw_subset faces 25x25",
        requested="LFW people",
        X_train=X_train,
        y_train=y_train,
        X_test=X_test,
        y_test=y_test,
        target_names=("face",),
        source="skimage.data.lfw_subset",
        offline=True,
    )
    _announce(f"offline: using {dataset.name} (one class) instead of LFW people ({reason})")
    return dataset


def load_lfw_people(
    *, min_faces_per_person=70, resize=0.4, offline=None, source=None, cache=None
) -> Dataset:
    """Labeled Faces in the Wild (funneled): people with at least ``min_faces_per_person`` photos.

    Online, the funneled archive (about 230 MB) and scikit-learn's three pairs files
    are downloaded from ``source`` (default :data:`LFW`, the figshare files that
    scikit-learn pins) into ``cache`` (default ``cache_dir()/"lfw"``) and checksummed;
    :func:`sklearn.datasets.fetch_lfw_people` then reads them without touching the
    network (it crops the 250x250 photos to 125x94 and scales them by ``resize``: 50x37
    for 0.4). The faces are split 75/25 stratified by person, ``random_state=0``.
    Offline (``offline`` as for :func:`load_mnist`), the stand-in is the 100 faces of
    ``skimage.data.lfw_subset()`` (25x25, a single class "face"), split 75/25 with
    ``random_state=0``.
    """
    min_faces = check_window(min_faces_per_person, "min_faces_per_person")
    size = check_real(resize, "resize")
    if not (size > 0 and math.isfinite(size)):
        raise ValueError(f"Invalid resize: {resize} (expected a positive ratio, e.g. 0.4)")
    _check_offline(offline)
    source = _check_source(source, "LFW", _LFW_NAMES)
    reason = _stand_in_reason(offline, source.base_url)
    if reason is not None:
        return _lfw_stand_in(reason)
    directory = Path(cache) if cache is not None else cache_dir() / "lfw"
    paths, reason = _download_all(source, list(_LFW_NAMES), directory, offline)
    if reason is not None:
        return _lfw_stand_in(reason)

    from sklearn.datasets import fetch_lfw_people
    from sklearn.model_selection import train_test_split

    # scikit-learn looks for its own file names in <data_home>/lfw_home; it unpacks the
    # archive there once and deletes its name for it, so each file gets a hard link (a copy
    # where links are not possible) and our verified download stays in the cache.
    home = directory / "sklearn"
    lfw_home = home / "lfw_home"
    lfw_home.mkdir(parents=True, exist_ok=True)
    for path in paths:
        target = lfw_home / _LFW_NAMES[path.name]
        unpacked = path.name == "5976015" and (lfw_home / "lfw_funneled").is_dir()
        if not target.exists() and not unpacked:
            try:
                os.link(path, target)
            except OSError:
                shutil.copyfile(path, target)
    people = fetch_lfw_people(
        min_faces_per_person=min_faces, resize=size, data_home=home, download_if_missing=False
    )
    images = np.asarray(people.images, dtype=np.float32)
    if images.max(initial=0.0) > 1.0:  # older scikit-learn returned 0..255
        images = images / np.float32(255)
    labels = np.asarray(people.target, dtype=np.int64)
    counts = np.bincount(labels)
    X_train, X_test, y_train, y_test = train_test_split(
        images,
        labels,
        test_size=0.25,
        random_state=0,
        stratify=labels if counts[counts > 0].min() >= 2 else None,
    )
    dataset = Dataset(
        name=f"LFW people (>= {min_faces} faces each, resize {size:g})",
        requested="LFW people",
        X_train=X_train,
        y_train=y_train,
        X_test=X_test,
        y_test=y_test,
        target_names=tuple(str(n) for n in people.target_names),
        source=source.base_url,
        offline=False,
    )
    _announce(
        f"{dataset}, {len(dataset.target_names)} people, {images.shape[1]}x{images.shape[2]} "
        f"({_verified(source, list(_LFW_NAMES), directory)})"
    )
    return dataset


def load_share_prices() -> PriceSeries:
    """Google's daily adjusted close, Aug 2004 to Oct 2008 (1047 days), from matplotlib.

    The file ``goog.npz`` ships with matplotlib, so there is never a download;
    it stands in for the Dow Jones series the course's time-series chapter
    was first written with.
    """
    from matplotlib import cbook

    # A path works across matplotlib versions (3.7 needed np_load=True to get arrays, 3.11 has no
    # np_load); goog.npz holds plain structured arrays, so no pickles are loaded.
    path = cbook.get_sample_data("goog.npz", asfileobj=False)
    with np.load(path, allow_pickle=False) as sample:
        table = sample["price_data"]
    dates = table["date"].astype("datetime64[D]")
    price = table["adj_close"].astype(np.float64)
    name = f"Google (GOOG) daily adjusted close, {dates[0]} to {dates[-1]} (matplotlib sample data)"
    series = PriceSeries(name=name, dates=dates, price=price, source="matplotlib goog.npz")
    _announce(f"{series} (ships with matplotlib; stands in for the Dow Jones series)")
    return series


def load_astronaut() -> np.ndarray:
    """The astronaut photo (Eileen Collins, NASA) as float64 RGB in [0, 1], shape (512, 512, 3)."""
    from skimage.data import astronaut

    image = astronaut() / 255.0
    _announce(
        f"astronaut: {image.shape[0]}x{image.shape[1]} RGB photo (skimage.data.astronaut, "
        "ships with scikit-image)"
    )
    return image
