"""Tests for coursepkg.data: no network needed.

Downloads are exercised against a loopback HTTP server that serves tiny files in
the real MNIST (IDX gz) and CIFAR-10 (python tar.gz) formats; the offline paths
use the stand-ins that ship with scikit-learn and scikit-image.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import io
import json
import pickle
import socket
import struct
import tarfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from coursepkg import data

MNIST_FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)
CIFAR_FILE = "cifar-10-python.tar.gz"
CIFAR_NAMES = [
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
]


# --------------------------------------------------------------------------- tiny real-format files


def idx_bytes(array: np.ndarray) -> bytes:
    """An IDX file (uint8) as MNIST ships it, gzipped."""
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(
        f">{array.ndim}I", *array.shape
    )
    return gzip.compress(header + array.astype(np.uint8).tobytes())


def cifar_tar_bytes(batches: dict[str, tuple[np.ndarray, list[int]]]) -> bytes:
    """A ``cifar-10-python.tar.gz`` whose pickles have the real layout (bytes keys, protocol 2)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:

        def add(name, obj):
            payload = pickle.dumps(obj, protocol=2)
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))

        for name, (images, labels) in batches.items():
            add(name, {b"batch_label": name.encode(), b"labels": labels, b"data": images})
        add("batches.meta", {b"label_names": [n.encode() for n in CIFAR_NAMES]})
    return buffer.getvalue()


def sha256(payload: bytes) -> str:
    return "sha256:" + hashlib.sha256(payload).hexdigest()


@pytest.fixture(scope="module")
def tiny():
    """Arrays and file bytes for a 5 + 3 image MNIST and a 5 x 2 + 2 image CIFAR-10."""
    rng = np.random.default_rng(0)
    mnist = {
        "train_images": rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8),
        "train_labels": np.array([3, 1, 4, 1, 5], dtype=np.uint8),
        "test_images": rng.integers(0, 256, size=(3, 28, 28), dtype=np.uint8),
        "test_labels": np.array([9, 2, 6], dtype=np.uint8),
    }
    mnist["train_images"][0, 0, 0], mnist["train_images"][0, 0, 1] = 0, 255
    arrays = [mnist[k] for k in ("train_images", "train_labels", "test_images", "test_labels")]
    mnist_files = {name: idx_bytes(a) for name, a in zip(MNIST_FILES, arrays, strict=True)}

    batches = {}
    for i, name in enumerate([f"data_batch_{j}" for j in range(1, 6)] + ["test_batch"]):
        # channel-first rows: 1024 red, then 1024 green, then 1024 blue values
        images = rng.integers(0, 256, size=(2, 3072), dtype=np.uint8)
        batches[name] = (images, [i % 10, (i + 1) % 10])
    return {
        "mnist": mnist,
        "mnist_files": mnist_files,
        "cifar": batches,
        "cifar_file": cifar_tar_bytes(batches),
    }


# --------------------------------------------------------------------------- loopback server


class CountingHandler(SimpleHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append(self.path)
        super().do_GET()

    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture
def server(tmp_path):
    """Serves ``tmp_path/"www"`` on 127.0.0.1; ``server.requests`` lists the paths asked for."""
    root = tmp_path / "www"
    root.mkdir()
    httpd = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(CountingHandler, directory=str(root))
    )
    httpd.requests = []
    httpd.root = root
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture
def online(monkeypatch):
    """The environment of a machine with network: no COURSEPKG_OFFLINE, fresh probe cache."""
    monkeypatch.delenv("COURSEPKG_OFFLINE", raising=False)
    monkeypatch.setattr(data, "_REACHABLE", {})


def publish(server, files: dict[str, bytes], hashes: dict[str, str] | None = None) -> data.Source:
    """Put ``files`` on the server; a Source with their true sha256 (or ``hashes``)."""
    for name, payload in files.items():
        (server.root / name).write_bytes(payload)
    known = {name: sha256(payload) for name, payload in files.items()}
    known.update(hashes or {})
    return data.Source(base_url=server.url, files=known)


def announcements(capsys) -> list[str]:
    return [
        line
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("[coursepkg.data] ")
    ]


# --------------------------------------------------------------------------- downloads


def test_load_mnist_downloads_parses_and_caches(server, tmp_path, tiny, capsys):
    source = publish(server, tiny["mnist_files"])
    cache = tmp_path / "cache"
    ds = data.load_mnist(offline=False, source=source, cache=cache)

    m = tiny["mnist"]
    assert (ds.name, ds.requested, ds.offline) == ("MNIST", "MNIST", False)
    assert ds.X_train.shape == (5, 28, 28) and ds.X_test.shape == (3, 28, 28)
    assert ds.X_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    np.testing.assert_allclose(ds.X_train, m["train_images"] / 255, rtol=1e-6)
    np.testing.assert_allclose(ds.X_test, m["test_images"] / 255, rtol=1e-6)
    assert ds.X_train[0, 0, 0] == 0.0 and ds.X_train[0, 0, 1] == 1.0
    assert ds.y_train.tolist() == [3, 1, 4, 1, 5] and ds.y_test.tolist() == [9, 2, 6]
    assert ds.target_names == tuple("0123456789")
    assert str(ds) == "MNIST: 5 train / 3 test"
    assert sorted(p.name for p in cache.iterdir()) == sorted(MNIST_FILES)
    (line,) = announcements(capsys)
    assert line.startswith("[coursepkg.data] MNIST: 5 train / 3 test") and "sha256 verified" in line
    assert len(server.requests) == 4

    # Second call: every file comes from the cache, even with the server gone.
    server.shutdown()
    server.server_close()
    again = data.load_mnist(offline=False, source=source, cache=cache)
    np.testing.assert_array_equal(again.X_train, ds.X_train)
    assert len(server.requests) == 4


def test_load_cifar10_downloads_and_parses(server, tmp_path, tiny, capsys):
    source = publish(server, {CIFAR_FILE: tiny["cifar_file"]})
    ds = data.load_cifar10(offline=False, source=source, cache=tmp_path / "cache")

    assert (ds.name, ds.offline) == ("CIFAR-10", False)
    assert ds.X_train.shape == (10, 32, 32, 3) and ds.X_test.shape == (2, 32, 32, 3)
    assert ds.X_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    assert ds.y_train.tolist() == [0, 1, 1, 2, 2, 3, 3, 4, 4, 5]
    assert ds.y_test.tolist() == [5, 6]
    assert ds.target_names == tuple(CIFAR_NAMES)
    # Channel-first rows become channels-last images: pixel (r, c) of channel k is row[k*1024 + 32r + c].
    row = tiny["cifar"]["data_batch_1"][0][1]
    np.testing.assert_allclose(
        ds.X_train[1, 2, 5], row[[0 * 1024 + 69, 1024 + 69, 2048 + 69]] / 255, rtol=1e-6
    )
    test_rows = tiny["cifar"]["test_batch"][0]
    np.testing.assert_allclose(
        ds.X_test, test_rows.reshape(2, 3, 32, 32).transpose(0, 2, 3, 1) / 255, rtol=1e-6
    )
    assert 0.0 <= ds.X_train.min() and ds.X_train.max() <= 1.0
    (line,) = announcements(capsys)
    assert (
        line
        == f"[coursepkg.data] CIFAR-10: 10 train / 2 test (from {server.url}; cached in {tmp_path / 'cache'}, sha256 verified)"
    )

    data.load_cifar10(offline=False, source=source, cache=tmp_path / "cache")
    assert server.requests == [f"/{CIFAR_FILE}"]  # the second call used the cache


def test_cifar_pickle_with_foreign_classes_is_refused(server, tmp_path):
    evil = io.BytesIO()
    with tarfile.open(fileobj=evil, mode="w:gz") as tar:
        payload = pickle.dumps({b"data": functools.partial(print, "pwned")}, protocol=2)
        for name in [f"data_batch_{j}" for j in range(1, 6)] + ["test_batch", "batches.meta"]:
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
    source = publish(server, {CIFAR_FILE: evil.getvalue()})
    with pytest.raises(pickle.UnpicklingError, match="refusing to unpickle functools.partial"):
        data.load_cifar10(offline=False, source=source, cache=tmp_path / "cache")


def test_corrupted_download_raises_and_leaves_nothing(server, tmp_path, tiny):
    name = MNIST_FILES[0]
    expected = sha256(b"what the file should have been")
    source = publish(server, tiny["mnist_files"], hashes={name: expected})
    cache = tmp_path / "cache"
    with pytest.raises(data.DataIntegrityError) as info:
        data.fetch(name, source, cache=cache)
    message = str(info.value)
    assert name in message and expected in message and source.url(name) in message
    assert sha256(tiny["mnist_files"][name]) in message  # the actual hash
    assert isinstance(info.value, ValueError)
    assert list(cache.iterdir()) == []  # no bad file, no temporary file

    # The loader surfaces it too, whatever ``offline`` says: corruption is never papered over.
    with pytest.raises(data.DataIntegrityError, match=name):
        data.load_mnist(offline=False, source=source, cache=cache)
    assert not (cache / name).exists()


def test_stale_corrupt_cache_file_is_replaced_or_removed(server, tmp_path, tiny):
    name = MNIST_FILES[1]
    source = publish(server, tiny["mnist_files"])
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / name).write_bytes(b"garbage")
    path = data.fetch(name, source, cache=cache)  # re-downloaded since the hash is wrong
    assert path.read_bytes() == tiny["mnist_files"][name]

    (cache / name).write_bytes(b"garbage")
    (server.root / name).write_bytes(b"also garbage")
    with pytest.raises(data.DataIntegrityError):
        data.fetch(name, source, cache=cache)
    assert list(cache.iterdir()) == []


def test_fetch_reports_network_failures(server, tmp_path, tiny):
    source = data.Source(server.url, {"missing.gz": "md5:" + "0" * 32})
    with pytest.raises(data.DownloadError, match=r"missing\.gz.*404"):
        data.fetch("missing.gz", source, cache=tmp_path)
    with pytest.raises(ValueError, match="Invalid fname: 'other.gz'"):
        data.fetch("other.gz", source, cache=tmp_path)
    with pytest.raises(TypeError, match="Invalid source: 'http://x'"):
        data.fetch("missing.gz", "http://x", cache=tmp_path)


def test_failed_download_falls_back_only_when_offline_is_auto(server, tmp_path, online, capsys):
    source = data.Source(server.url, {n: "md5:" + "0" * 32 for n in MNIST_FILES})  # nothing served
    ds = data.load_mnist(source=source, cache=tmp_path)  # offline=None: host reachable, 404s
    assert ds.offline and ds.name == "sklearn digits 8x8"
    (line,) = announcements(capsys)
    assert "instead of MNIST (download failed: " in line
    with pytest.raises(data.DownloadError, match="404"):
        data.load_mnist(offline=False, source=source, cache=tmp_path)


def test_auto_mode_downloads_when_the_host_answers(server, tmp_path, tiny, online):
    source = publish(server, tiny["mnist_files"])
    assert data.is_offline(server.url) is False
    assert data.load_mnist(source=source, cache=tmp_path / "c").offline is False


def lfw_files(people: dict[str, int]) -> dict[str, bytes]:
    """The four LFW files as figshare names them: the funneled tgz of 250x250 JPEGs, pairs."""
    from PIL import Image

    rng = np.random.default_rng(1)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for person, count in people.items():
            for i in range(1, count + 1):
                pixels = rng.integers(0, 256, size=(250, 250, 3), dtype=np.uint8)
                jpeg = io.BytesIO()
                Image.fromarray(pixels).save(jpeg, format="JPEG")
                info = tarfile.TarInfo(f"lfw_funneled/{person}/{person}_{i:04d}.jpg")
                info.size = jpeg.tell()
                jpeg.seek(0)
                tar.addfile(info, jpeg)
    pairs = b"1\t1\nA_A\t1\t2\n"
    return {"5976015": buffer.getvalue(), "5976012": pairs, "5976009": pairs, "5976006": pairs}


def test_lfw_downloads_verifies_and_reads_the_real_format(server, tmp_path, online, capsys):
    source = publish(server, lfw_files({"Ann_A": 4, "Bob_B": 4, "Cy_C": 4, "Dee_D": 1}))
    cache = tmp_path / "cache"
    ds = data.load_lfw_people(min_faces_per_person=4, resize=0.4, source=source, cache=cache)
    assert not ds.offline and ds.target_names == ("Ann A", "Bob B", "Cy C")  # Dee: 1 photo
    assert ds.X_train.shape == (9, 50, 37) and ds.X_test.shape == (3, 50, 37)
    assert sorted(ds.y_test.tolist()) == [0, 1, 2]  # stratified
    assert ds.X_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    assert 0.0 <= ds.X_train.min() and ds.X_train.max() <= 1.0
    (line,) = announcements(capsys)
    assert line.startswith(
        "[coursepkg.data] LFW people (>= 4 faces each, resize 0.4): 9 train / 3 test, 3 people, "
        f"50x37 (from {server.url}; cached in {cache}, sha256 verified)"
    )
    assert sorted(server.requests) == ["/5976006", "/5976009", "/5976012", "/5976015"]
    # The verified download stays cached; scikit-learn unpacked its own copy.
    assert (cache / "5976015").exists() and (cache / "sklearn/lfw_home/lfw_funneled").is_dir()
    again = data.load_lfw_people(min_faces_per_person=4, source=source, cache=cache)
    np.testing.assert_array_equal(again.X_test, ds.X_test)
    assert len(server.requests) == 4


def test_lfw_network_failure_falls_back_and_checksum_failure_raises(
    server, tmp_path, online, capsys
):
    files = lfw_files({"Ann_A": 2})
    missing = data.Source(base_url=server.url, files={n: sha256(b) for n, b in files.items()})
    ds = data.load_lfw_people(source=missing, cache=tmp_path / "a")  # 404: nothing published
    assert ds.offline and ds.X_test.shape == (25, 25, 25)
    (line,) = announcements(capsys)
    assert "instead of LFW people (download failed: " in line and "404" in line
    with pytest.raises(data.DownloadError, match="404"):
        data.load_lfw_people(offline=False, source=missing, cache=tmp_path / "a")

    wrong = publish(server, files, hashes={"5976015": "sha256:" + "0" * 64})
    with pytest.raises(data.DataIntegrityError, match="Checksum mismatch for 5976015"):
        data.load_lfw_people(source=wrong, cache=tmp_path / "b")


def test_configured_source_reads_the_sources_file(
    tmp_path, monkeypatch, tiny, server, online, capsys
):
    assert data.configured_source("LFW") is data.LFW
    table = tmp_path / "sources.json"
    monkeypatch.setenv("COURSEPKG_DATA_SOURCES", str(table))
    mirror = publish(server, tiny["mnist_files"])
    entry = {"base_url": mirror.base_url, "files": mirror.files, "note": "a test mirror"}
    table.write_text(json.dumps({"MNIST": entry}))
    assert data.configured_source("MNIST") == data.Source(**entry)
    assert data.configured_source("CIFAR-10") is data.CIFAR10  # not listed: the default
    monkeypatch.setenv("COURSEPKG_DATA_DIR", str(tmp_path / "cache"))
    ds = data.load_mnist()
    assert not ds.offline and ds.source == mirror.base_url
    assert f"(from {server.url}: a test mirror; cached in " in capsys.readouterr().out

    with pytest.raises(ValueError, match="Invalid name: 'mnist'"):
        data.configured_source("mnist")
    table.write_text(json.dumps({"MNIST": {"url": "x"}}))
    with pytest.raises(ValueError, match="Invalid COURSEPKG_DATA_SOURCES entry for MNIST"):
        data.configured_source("MNIST")
    table.write_text("{not json")
    with pytest.raises(ValueError, match="Invalid COURSEPKG_DATA_SOURCES="):
        data.configured_source("MNIST")


def test_downloads_show_a_progress_bar_unless_disabled(server, tmp_path, tiny, online, capsys):
    source = publish(server, tiny["mnist_files"])
    name = MNIST_FILES[1]
    os_env = pytest.MonkeyPatch()
    os_env.delenv("TQDM_DISABLE", raising=False)
    try:
        data.fetch(name, source, cache=tmp_path / "a")
    finally:
        os_env.undo()
    assert name in capsys.readouterr().err  # tqdm writes its bar to stderr outside Jupyter
    os_env.setenv("TQDM_DISABLE", "1")
    try:
        data.fetch(name, source, cache=tmp_path / "b")
    finally:
        os_env.undo()
    assert capsys.readouterr().err == ""


def test_dataset_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="Invalid train split: 3 images but 2 labels"):
        data.Dataset(
            "x",
            "x",
            np.zeros((3, 2, 2)),
            np.zeros(2),
            np.zeros((1, 2, 2)),
            np.zeros(1),
            ("a",),
            "s",
            False,
        )


# --------------------------------------------------------------------------- IDX parser


def test_read_idx_roundtrip_and_errors(tmp_path):
    plain = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    (tmp_path / "ok.gz").write_bytes(idx_bytes(plain))
    np.testing.assert_array_equal(data.read_idx(tmp_path / "ok.gz"), plain)

    wide = np.array([[1.5, -2.0]], dtype=">f4")  # type code 0x0D, not gzipped
    header = struct.pack(">BBBB", 0, 0, 0x0D, 2) + struct.pack(">2I", 1, 2)
    (tmp_path / "f4").write_bytes(header + wide.tobytes())
    out = data.read_idx(tmp_path / "f4")
    assert out.dtype == np.float32 and out.dtype.isnative and out.tolist() == [[1.5, -2.0]]

    (tmp_path / "bad.gz").write_bytes(gzip.compress(b"\x12\x34\x08\x01" + b"\0\0\0\1" + b"x"))
    with pytest.raises(ValueError, match="Invalid IDX magic number 0x12340801"):
        data.read_idx(tmp_path / "bad.gz")

    one_byte_short = gzip.decompress(idx_bytes(plain))[:-1]
    (tmp_path / "short.gz").write_bytes(gzip.compress(one_byte_short))
    with pytest.raises(
        ValueError, match=r"Invalid IDX size .* needs 24 bytes of data, the file holds 23"
    ):
        data.read_idx(tmp_path / "short.gz")

    (tmp_path / "trunc.gz").write_bytes(idx_bytes(plain)[:10])
    with pytest.raises(ValueError, match="corrupt gzip data"):
        data.read_idx(tmp_path / "trunc.gz")


# --------------------------------------------------------------------------- offline stand-ins


@pytest.fixture
def offline_env(monkeypatch):
    monkeypatch.setenv("COURSEPKG_OFFLINE", "1")
    monkeypatch.setattr(socket, "create_connection", _no_network)


def _no_network(*args, **kwargs):
    raise AssertionError("the network must not be touched offline")


def test_offline_mnist_uses_digits(offline_env, capsys):
    ds = data.load_mnist()
    assert ds.offline and (ds.name, ds.requested) == ("sklearn digits 8x8", "MNIST")
    assert ds.X_train.shape == (1347, 8, 8) and ds.X_test.shape == (450, 8, 8)
    assert ds.X_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    assert 0.0 <= ds.X_train.min() and ds.X_train.max() == 1.0
    assert ds.source == "sklearn.datasets.load_digits"
    assert np.ptp(np.bincount(ds.y_test)) <= 3  # stratified: 43 to 46 of each digit
    assert str(ds) == "sklearn digits 8x8 (offline stand-in for MNIST): 1347 train / 450 test"
    assert announcements(capsys) == [
        "[coursepkg.data] offline: using sklearn digits 8x8 instead of MNIST (COURSEPKG_OFFLINE=1)"
    ]
    np.testing.assert_array_equal(
        data.load_mnist(offline=True).y_train, ds.y_train
    )  # deterministic


def test_offline_cifar10_uses_digits(offline_env, capsys):
    ds = data.load_cifar10()
    assert ds.offline and ds.requested == "CIFAR-10" and ds.X_test.shape == (450, 8, 8)
    assert str(ds).startswith("sklearn digits 8x8 (offline stand-in for CIFAR-10)")
    (line,) = announcements(capsys)
    assert (
        line
        == "[coursepkg.data] offline: using sklearn digits 8x8 instead of CIFAR-10 (COURSEPKG_OFFLINE=1)"
    )


def test_offline_lfw_uses_skimage_faces(offline_env, capsys):
    ds = data.load_lfw_people()
    assert ds.offline and ds.requested == "LFW people" and ds.target_names == ("face",)
    assert ds.X_train.shape == (75, 25, 25) and ds.X_test.shape == (25, 25, 25)
    assert ds.X_train.dtype == np.float32 and 0.0 <= ds.X_train.min() and ds.X_train.max() <= 1.0
    assert set(ds.y_train.tolist()) == {0} and ds.y_test.dtype == np.int64
    (line,) = announcements(capsys)
    assert line.startswith("[coursepkg.data] offline: using skimage lfw_subset faces 25x25")
    assert line.endswith("(COURSEPKG_OFFLINE=1)")


def test_offline_true_wins_over_network(online, monkeypatch, capsys):
    monkeypatch.setattr(socket, "create_connection", _no_network)
    assert data.load_mnist(offline=True).offline
    assert announcements(capsys)[0].endswith("(offline=True)")


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "Yes"])
def test_is_offline_env_values(monkeypatch, value):
    monkeypatch.setenv("COURSEPKG_OFFLINE", value)
    monkeypatch.setattr(socket, "create_connection", _no_network)
    assert data.is_offline() is True


def test_is_offline_unreachable_is_quick_and_cached(online, monkeypatch):
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise OSError("no route to host")

    monkeypatch.setattr(socket, "create_connection", refuse)
    start = time.monotonic()
    assert data.is_offline() is True
    assert data.is_offline() is True
    assert time.monotonic() - start < 3
    assert len(calls) == 1  # answer cached per host
    assert calls[0][0] == ("ossci-datasets.s3.amazonaws.com", 443)


def test_is_offline_never_hangs(online, monkeypatch):
    def hang(*args, **kwargs):
        time.sleep(5)  # a DNS lookup that never answers ...
        raise OSError("timed out")  # ... and finally fails

    monkeypatch.setattr(socket, "create_connection", hang)
    start = time.monotonic()
    assert data.is_offline("https://example.invalid/", timeout=0.2) is True
    assert time.monotonic() - start < 1.5


def test_is_offline_closed_loopback_port(online):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    start = time.monotonic()
    assert data.is_offline(f"http://127.0.0.1:{port}/") is True
    assert time.monotonic() - start < 3


def test_load_share_prices(capsys):
    series = data.load_share_prices()
    assert len(series.dates) == len(series.price) > 500
    assert series.dates.dtype == np.dtype("datetime64[D]") and series.price.dtype == np.float64
    assert np.all(np.diff(series.dates) > np.timedelta64(0, "D"))
    assert np.all(series.price > 0)
    assert series.name == (
        "Google (GOOG) daily adjusted close, 2004-08-19 to 2008-10-14 (matplotlib sample data)"
    )
    (line,) = announcements(capsys)
    assert series.name in line


def test_load_astronaut(capsys):
    image = data.load_astronaut()
    assert image.shape == (512, 512, 3) and image.dtype == np.float64
    assert 0.0 <= image.min() and image.max() <= 1.0
    assert len(announcements(capsys)) == 1


def test_cache_dir_env(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSEPKG_DATA_DIR", str(tmp_path))
    assert data.cache_dir() == tmp_path
    monkeypatch.delenv("COURSEPKG_DATA_DIR")
    assert "coursepkg" in str(data.cache_dir())


def test_real_sources_pin_torchvision_md5s():
    assert data.MNIST.base_url == "https://ossci-datasets.s3.amazonaws.com/mnist/"
    assert data.MNIST.files["train-images-idx3-ubyte.gz"] == "md5:f68b3c2dcbeaaa9fbdd348bbdeb94873"
    assert data.MNIST.files["t10k-labels-idx1-ubyte.gz"] == "md5:ec29112dd5afa0611ce80d1b7f02629c"
    assert data.CIFAR10.url(CIFAR_FILE) == "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    assert data.CIFAR10.files[CIFAR_FILE] == "md5:c58f30108f718f92721af3b95e74349a"


# --------------------------------------------------------------------------- invalid arguments


@pytest.mark.parametrize("loader", [data.load_mnist, data.load_cifar10, data.load_lfw_people])
def test_offline_must_be_bool_or_none(loader):
    with pytest.raises(TypeError, match="Invalid offline: 'yes'"):
        loader(offline="yes")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"min_faces_per_person": 0}, ValueError, "Invalid min_faces_per_person: 0"),
        ({"min_faces_per_person": 2.5}, TypeError, "Invalid min_faces_per_person: 2.5"),
        ({"resize": -1}, ValueError, "Invalid resize: -1"),
        ({"resize": 0.0}, ValueError, "Invalid resize: 0.0"),
        ({"resize": "big"}, TypeError, "Invalid resize: 'big'"),
    ],
)
def test_lfw_invalid_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        data.load_lfw_people(offline=True, **kwargs)


def test_other_invalid_arguments():
    with pytest.raises(ValueError, match="Invalid timeout: -1"):
        data.is_offline(timeout=-1)
    with pytest.raises(ValueError, match="Invalid url: 'not a url'"):
        data.is_offline("not a url", timeout=0.1)
    with pytest.raises(ValueError, match="Invalid base_url: 'ftp://x/'"):
        data.Source("ftp://x/", {"a": "md5:" + "0" * 32})
    with pytest.raises(ValueError, match="Invalid hash for 'a': 'md5:123'"):
        data.Source("https://x/", {"a": "md5:123"})
    with pytest.raises(TypeError, match="Invalid source: 42"):
        data.load_mnist(offline=False, source=42)
    with pytest.raises(ValueError, match=r"Invalid source: https://x/ lacks \['train-images"):
        data.load_mnist(offline=False, source=data.Source("https://x/", {"a": "md5:" + "0" * 32}))
