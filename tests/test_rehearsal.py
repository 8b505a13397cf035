"""tools.rehearsal: its files have the real formats and load through the course's loaders.

Small versions (a few dozen images) of what ``python -m tools.rehearsal`` makes at full
size, served from a loopback server like the full rehearsal.
"""

from __future__ import annotations

import gzip
import json
import pickle
import tarfile

import numpy as np
import pytest

from coursepkg import data
from tools import rehearsal as R

SMALL_PEOPLE = (("George_W_Bush", 6), ("Colin_Powell", 5), ("Tony_Blair", 4), ("Aaron_Peirsol", 1))
SMALL = {
    "MNIST": {"n_train": 60, "n_test": 20},
    "CIFAR-10": {"n_per_batch": 12},
    "LFW": {"people": [list(p) for p in SMALL_PEOPLE]},
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The small files, generated once, served from 127.0.0.1 with a sources file."""
    root = tmp_path_factory.mktemp("rehearsal")
    manifest = R.generate(root / "www", SMALL)
    server = R.serve(root / "www")
    sources = R.write_sources(manifest, server.url, root / "sources.json")
    yield {"root": root, "manifest": manifest, "url": server.url, "sources": sources}
    server.shutdown()
    server.server_close()


@pytest.fixture
def rehearsal_env(site, tmp_path, monkeypatch):
    """The loaders' environment during the rehearsal: sources from the server, a fresh cache."""
    monkeypatch.delenv("COURSEPKG_OFFLINE", raising=False)
    monkeypatch.setenv("COURSEPKG_DATA_SOURCES", str(site["sources"]))
    monkeypatch.setenv("COURSEPKG_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(data, "_REACHABLE", {})


def test_mnist_files_are_idx_and_learnable_digits(site):
    folder = site["root"] / "www" / "mnist"
    raw = {name: gzip.decompress((folder / name).read_bytes()) for name in R.MNIST_FILES}
    assert raw["train-images-idx3-ubyte.gz"][:4] == b"\x00\x00\x08\x03"  # magic 0x00000803
    assert raw["train-labels-idx1-ubyte.gz"][:4] == b"\x00\x00\x08\x01"  # magic 0x00000801
    images, labels, test_images, test_labels = (data.read_idx(folder / n) for n in R.MNIST_FILES)
    assert images.shape == (60, 28, 28) and test_images.shape == (20, 28, 28)
    assert images.dtype == np.uint8 and labels.dtype == np.uint8 and labels.shape == (60,)
    assert set(labels.tolist()) <= set(range(10)) and test_labels.max() <= 9
    assert images.max() == 255 and np.mean(images == 0) > 0.6  # ink on a blank background
    assert images[:, :3].mean() < images[:, 10:18, 10:18].mean() / 10  # centred, as in MNIST
    # seeded: the same call writes the same bytes
    again = R.write_mnist(site["root"] / "again", n_train=60, n_test=20)
    assert [p.read_bytes() for p in again] == [(folder / n).read_bytes() for n in R.MNIST_FILES]


def test_generate_reuses_its_files_and_remakes_them_for_other_sizes(site, monkeypatch):
    www = site["root"] / "www"
    stamp = json.loads((www / "stamp.json").read_text())
    assert stamp["version"] == R.VERSION and stamp["sizes"]["MNIST"] == SMALL["MNIST"]

    def fail(*args, **kwargs):
        raise AssertionError("the files should have been reused")

    monkeypatch.setattr(R, "_WRITERS", dict.fromkeys(R._WRITERS, fail))
    assert R.generate(www, SMALL) == site["manifest"]  # reused, nothing written
    with pytest.raises(AssertionError, match="reused"):
        R.generate(www, {**SMALL, "MNIST": {"n_train": 61, "n_test": 20}})
    assert not (www / "stamp.json").exists()  # a failed remake leaves no stale stamp


def test_mnist_downloads_through_the_configured_source(rehearsal_env, capsys):
    ds = data.load_mnist()
    assert not ds.offline and ds.X_train.shape == (60, 28, 28) and ds.X_test.shape == (20, 28, 28)
    (line,) = [s for s in capsys.readouterr().out.splitlines() if s.startswith(R._ANNOUNCED)]
    assert R.MARK in line and "sha256 verified" in line
    assert R.check_chapter("learning", ["load_mnist"], [line]) == []


def test_cifar_archive_is_the_python_version_and_loads(site, rehearsal_env):
    path = site["root"] / "www" / "cifar10" / R.CIFAR_FILE
    with tarfile.open(path, "r:gz") as tar:
        names = sorted(m.name for m in tar if m.isfile())
        batch = pickle.loads(tar.extractfile("cifar-10-batches-py/data_batch_1").read())
        meta = pickle.loads(tar.extractfile("cifar-10-batches-py/batches.meta").read())
    assert names == sorted(
        f"cifar-10-batches-py/{n}"
        for n in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch", "batches.meta"]
    )
    assert set(batch) == {b"batch_label", b"labels", b"data", b"filenames"}
    assert batch[b"data"].dtype == np.uint8 and batch[b"data"].shape == (12, 3072)
    assert isinstance(batch[b"labels"], list) and len(batch[b"filenames"]) == 12
    assert meta[b"label_names"] == [n.encode() for n in R.CIFAR_NAMES]
    assert meta[b"num_cases_per_batch"] == 12 and meta[b"num_vis"] == 3072

    ds = data.load_cifar10()
    assert (
        not ds.offline
        and ds.X_train.shape == (60, 32, 32, 3)
        and ds.X_test.shape == (12, 32, 32, 3)
    )
    assert ds.target_names == R.CIFAR_NAMES
    # channel planes: the first 1024 values of a row are the red channel of the image
    np.testing.assert_allclose(
        ds.X_train[0, :, :, 0].ravel(), batch[b"data"][0, :1024] / 255, rtol=1e-6
    )


def test_lfw_archive_and_pairs_load_through_scikit_learn(site, rehearsal_env):
    folder = site["root"] / "www" / "lfw"
    with tarfile.open(folder / "5976015", "r:gz") as tar:
        photos = [m.name for m in tar if m.isfile()]
    assert len(photos) == sum(n for _, n in SMALL_PEOPLE)
    assert "lfw_funneled/George_W_Bush/George_W_Bush_0006.jpg" in photos
    pairs = (folder / "5976006").read_text().splitlines()  # pairs.txt: "folds<TAB>pairs"
    folds, n = map(int, pairs[0].split("\t"))
    assert len(pairs) == 1 + 2 * folds * n
    assert all(len(line.split("\t")) in (3, 4) for line in pairs[1:])
    assert (folder / "5976012").read_text().splitlines()[0].isdigit()  # pairsDevTrain.txt

    ds = data.load_lfw_people(min_faces_per_person=4, resize=0.4)
    assert not ds.offline
    assert ds.target_names == ("Colin Powell", "George W Bush", "Tony Blair")  # >= 4 photos
    assert len(ds.X_train) + len(ds.X_test) == 15 and ds.X_train.shape[1:] == (50, 37)
    assert 0.0 <= ds.X_train.min() and ds.X_train.max() <= 1.0


def test_the_check_of_a_chapters_data_lines():
    note = f"[coursepkg.data] MNIST: 60000 train / 10000 test (from http://x/: {R.MARK}: ...)"
    offline = "[coursepkg.data] offline: using sklearn digits 8x8 instead of MNIST (x)"
    assert R.check_chapter("a", ["load_mnist"], [note]) == []
    assert R.check_chapter("a", [], []) == []
    assert R.check_chapter("a", ["load_mnist"], [offline])[0].startswith("ran offline")
    assert (
        "printed 1 rehearsal line"
        in R.check_chapter("a", ["load_mnist", "load_lfw_people"], [note])[0]
    )
    assert R.summary(note) == "MNIST: 60000 train / 10000 test [rehearsal]"
