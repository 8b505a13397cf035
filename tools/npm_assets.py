"""Front-end files the site and its checks need, taken from the npm registry at pinned versions.

The built site must render with no request to another host, so MathJax is served from the
site itself; the browser check injects axe-core. Each package is one tarball from the npm
registry, pinned by version and by the registry's own sha512 ``integrity``; the tarball is
cached in ``_build/npm-cache`` and verified on every use, then the files we need are
unpacked into a destination folder together with the package's license.

    python -m tools.npm_assets mathjax _build/assets     # -> _build/assets/mathjax/...
    python -m tools.npm_assets axe-core _build/axe       # -> _build/axe/axe-core/axe.min.js
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import shutil
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "_build" / "npm-cache"
REGISTRY = "https://registry.npmjs.org"


@dataclass(frozen=True)
class Package:
    """One npm package at a pinned version: what to unpack from its tarball, and where."""

    name: str
    version: str
    integrity: str  # "sha512-<base64>", as the registry's dist.integrity gives it
    keep: tuple[str, ...]  # paths inside the package (files or folders) to unpack
    strip: str = ""  # a leading folder to drop from the kept paths (es5/ for MathJax 3)

    @property
    def tarball_url(self) -> str:
        base = self.name.rsplit("/", 1)[-1]
        return f"{REGISTRY}/{self.name}/-/{base}-{self.version}.tgz"


PACKAGES = {
    # MathJax 3 (Sphinx's default major version): es5/ holds the combined components, the
    # fonts (output/chtml/fonts/woff-v2) and the TeX extensions, found relative to the script.
    "mathjax": Package(
        "mathjax",
        "3.2.2",
        "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==",
        keep=("es5", "LICENSE"),
        strip="es5/",
    ),
    "axe-core": Package(
        "axe-core",
        "4.14.1",
        "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
        keep=("axe.min.js", "LICENSE"),
    ),
}


def verify(payload: bytes, integrity: str) -> None:
    """Raise ValueError unless ``payload`` matches an npm ``sha512-<base64>`` integrity string."""
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512" or not expected:
        raise ValueError(f"Invalid integrity: {integrity!r} (expected 'sha512-<base64>')")
    actual = base64.b64encode(hashlib.sha512(payload).digest()).decode()
    if actual != expected:
        raise ValueError(f"Checksum mismatch: expected sha512-{expected}, got sha512-{actual}")


def tarball(package: Package, cache: Path = CACHE) -> bytes:
    """The package's verified tarball, downloaded once into ``cache``."""
    path = cache / f"{package.name.replace('/', '__')}-{package.version}.tgz"
    if path.exists():
        payload = path.read_bytes()
        try:
            verify(payload, package.integrity)
            return payload
        except ValueError:
            path.unlink()  # damaged: download again
    with urllib.request.urlopen(package.tarball_url, timeout=60) as response:
        payload = response.read()
    try:
        verify(payload, package.integrity)
    except ValueError as err:
        raise ValueError(f"{package.tarball_url}: {err}") from None
    cache.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(payload)
    tmp.replace(path)
    return payload


def unpack(package: Package, payload: bytes, dest: Path) -> Path:
    """Unpack the kept paths into ``dest/<name>`` (replaced); returns that folder."""
    target = dest / package.name
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    count = 0
    with tarfile.open(fileobj=io.BytesIO(payload), mode="r:gz") as tar:
        for member in tar.getmembers():
            inner = member.name.split("/", 1)[-1]  # npm tarballs hold package/<path>
            if not member.isfile() or not any(
                inner == k or inner.startswith(k + "/") for k in package.keep
            ):
                continue
            relative = inner.removeprefix(package.strip) if package.strip else inner
            out = (target / relative).resolve()
            if target.resolve() not in out.parents:
                raise ValueError(f"Refusing to unpack {member.name!r} outside {target}")
            out.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as fh:
                out.write_bytes(fh.read())
            count += 1
    if count == 0:
        raise ValueError(f"{package.name}: none of {package.keep} found in the tarball")
    return target


def install(name: str, dest: Path, cache: Path = CACHE) -> Path:
    package = PACKAGES[name]
    return unpack(package, tarball(package, cache), dest)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", choices=sorted(PACKAGES))
    parser.add_argument("dest", type=Path)
    args = parser.parse_args(argv)
    target = install(args.package, args.dest)
    package = PACKAGES[args.package]
    files = sum(1 for p in target.rglob("*") if p.is_file())
    print(f"{package.name} {package.version}: {files} files in {target} (sha512 verified)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
