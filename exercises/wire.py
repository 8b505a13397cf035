"""The plain-data format between the judge and a sandboxed submission (no pickle, ever).

Values cross as JSON with a few tagged objects, each a dict with one ``$`` key:

=========  ========================================================================
``$e``     ``...`` (Ellipsis: an answer not written yet)
``$t``     a tuple
``$d``     a dict, as a list of ``[key, value]`` pairs (keys may be any plain value)
``$a``     a NumPy array of numbers, booleans or strings: ``[dtype, shape, base64]``
``$s``     a NumPy scalar: ``[dtype, base64]``
``$g``     a ``numpy.random.Generator``, by its bit generator's name and state
``$r``     a reference to an object that stays on the other side (a learner function,
           an object of a learner's class): ``[id, type name, name, module, callable]``
``$c``     a callable of the judge's (a test's objective), called back across the boundary
=========  ========================================================================

Anything else is sent as a reference, so decoding can never build an object of the
sender's choosing. Sizes are bounded: a frame is at most :data:`MAX_FRAME` bytes, a
structure at most :data:`MAX_DEPTH` deep. This file runs on both sides of the sandbox and
imports nothing but the standard library and NumPy.
"""

from __future__ import annotations

import base64
import json
import struct

import numpy as np

MAX_FRAME = 64 * 2**20
MAX_DEPTH = 32
MAX_TEXT = 2**20
_KINDS = set("biufcU")  # bool, int, uint, float, complex, str
_BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")


class WireError(ValueError):
    """A frame or value that does not follow the format (or is too large)."""


# ---- frames: a 4-byte big-endian length, then UTF-8 JSON ---------------------------------
def write_frame(stream, message: dict) -> None:
    data = json.dumps(message, allow_nan=True, separators=(",", ":")).encode()
    if len(data) > MAX_FRAME:
        raise WireError(f"message of {len(data)} bytes is over the limit of {MAX_FRAME}")
    stream.write(struct.pack(">I", len(data)) + data)
    stream.flush()


def split_frames(buffer: bytearray) -> list[dict]:
    """Remove and return every complete frame at the start of ``buffer``."""
    frames = []
    while len(buffer) >= 4:
        (size,) = struct.unpack(">I", buffer[:4])
        if size > MAX_FRAME:
            raise WireError(f"frame of {size} bytes is over the limit of {MAX_FRAME}")
        if len(buffer) < 4 + size:
            break
        raw = bytes(buffer[4 : 4 + size])
        del buffer[: 4 + size]
        try:
            message = json.loads(raw)
        except ValueError as exc:
            raise WireError(f"a frame is not JSON: {exc}") from None
        if not isinstance(message, dict):
            raise WireError("a frame is not a JSON object")
        frames.append(message)
    return frames


def read_frame(stream) -> dict | None:
    """Block until one frame arrives (None at end of stream)."""
    head = stream.read(4)
    if len(head) < 4:
        return None
    (size,) = struct.unpack(">I", head)
    buffer = bytearray(head + stream.read(size))
    frames = split_frames(buffer)
    return frames[0] if frames else None


# ---- values ------------------------------------------------------------------------------
def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def encode(value, other, depth: int = 0):
    """``value`` as JSON-ready data; ``other(obj)`` encodes what is not plain data (a ref)."""
    if depth > MAX_DEPTH:
        raise WireError(f"the value is nested more than {MAX_DEPTH} levels deep")
    if value is Ellipsis:
        return {"$e": 0}
    if value is None or isinstance(value, (bool, str)):
        if isinstance(value, str) and len(value) > MAX_TEXT:
            raise WireError(f"a string of {len(value)} characters is over the limit")
        return value
    if type(value) is int or type(value) is float:
        return value
    if isinstance(value, np.ndarray) and value.dtype.kind in _KINDS:
        arr = np.ascontiguousarray(value)
        if arr.nbytes > MAX_FRAME:
            raise WireError(f"an array of {arr.nbytes} bytes is over the limit")
        return {"$a": [arr.dtype.str, list(arr.shape), _b64(arr.tobytes())]}
    if isinstance(value, np.generic) and value.dtype.kind in _KINDS:
        return {"$s": [value.dtype.str, _b64(value.tobytes())]}
    if isinstance(value, np.random.Generator):
        state = value.bit_generator.state
        if state.get("bit_generator") in _BIT_GENERATORS:
            return {"$g": encode(state, other, depth + 1)}
    if type(value) in (list, tuple):
        items = [encode(v, other, depth + 1) for v in value]
        return items if type(value) is list else {"$t": items}
    if type(value) is dict:
        return {
            "$d": [
                [encode(k, other, depth + 1), encode(v, other, depth + 1)] for k, v in value.items()
            ]
        }
    tensor = _tensor_as_array(value)
    if tensor is not None:
        return encode(tensor, other, depth)
    return other(value)


def _tensor_as_array(value):
    """A torch tensor as a NumPy array of the same dtype (None for anything else)."""
    if type(value).__module__.split(".")[0] != "torch" or not hasattr(value, "detach"):
        return None
    try:
        return value.detach().cpu().numpy()
    except Exception:  # a dtype NumPy lacks (bfloat16): send it as float32
        try:
            return value.detach().cpu().float().numpy()
        except Exception:
            return None


def _dtype(text) -> np.dtype:
    if not isinstance(text, str) or len(text) > 16:
        raise WireError(f"bad dtype {text!r:.40}")
    try:
        dtype = np.dtype(text)
    except TypeError:
        raise WireError(f"bad dtype {text!r:.40}") from None
    if dtype.kind not in _KINDS:
        raise WireError(f"dtype {text!r} is not plain data")
    return dtype


def _bytes(text) -> bytes:
    if not isinstance(text, str):
        raise WireError("array data must be base64 text")
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        raise WireError("array data is not base64") from None


def decode(data, ref, callback=None, depth: int = 0):
    """The value ``data`` encodes; ``ref(fields)`` and ``callback(id)`` build the two kinds of
    references (``callback`` None: callables of the other side are not accepted)."""
    if depth > MAX_DEPTH:
        raise WireError(f"the value is nested more than {MAX_DEPTH} levels deep")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(v, ref, callback, depth + 1) for v in data]
    if not isinstance(data, dict) or len(data) != 1:
        raise WireError("an object must have exactly one $ tag")
    ((tag, body),) = data.items()
    if tag == "$e":
        return Ellipsis
    if tag == "$t" and isinstance(body, list):
        return tuple(decode(v, ref, callback, depth + 1) for v in body)
    if tag == "$d" and isinstance(body, list):
        out = {}
        for pair in body:
            if not isinstance(pair, list) or len(pair) != 2:
                raise WireError("a dict item must be a [key, value] pair")
            key = decode(pair[0], ref, callback, depth + 1)
            try:
                out[key] = decode(pair[1], ref, callback, depth + 1)
            except TypeError:
                raise WireError(f"unhashable dict key of type {type(key).__name__}") from None
        return out
    if tag == "$a" and isinstance(body, list) and len(body) == 3:
        dtype, shape, raw = _dtype(body[0]), body[1], _bytes(body[2])
        if not isinstance(shape, list) or not all(type(n) is int and n >= 0 for n in shape):
            raise WireError("an array shape must be a list of sizes")
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if count * dtype.itemsize != len(raw):
            raise WireError("array data does not match its shape and dtype")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    if tag == "$s" and isinstance(body, list) and len(body) == 2:
        dtype, raw = _dtype(body[0]), _bytes(body[1])
        if len(raw) != dtype.itemsize:
            raise WireError("scalar data does not match its dtype")
        return np.frombuffer(raw, dtype=dtype)[0]
    if tag == "$g":
        state = decode(body, ref, None, depth + 1)
        name = state.get("bit_generator") if isinstance(state, dict) else None
        if name not in _BIT_GENERATORS:
            raise WireError(f"unknown bit generator {name!r:.40}")
        bit_generator = getattr(np.random, name)()
        try:
            bit_generator.state = state
        except (TypeError, ValueError, KeyError, OverflowError):
            raise WireError(f"bad {name} state") from None
        return np.random.Generator(bit_generator)
    if tag == "$r" and isinstance(body, list) and len(body) == 5:
        return ref(body)
    if tag == "$c" and callback is not None and type(body) is int:
        return callback(body)
    raise WireError(f"unknown or malformed tag {tag!r:.20}")


def array_leaves(value, path=()):
    """``(path, leaf)`` for every array and generator inside lists, tuples and dicts."""
    if isinstance(value, (np.ndarray, np.random.Generator)):
        yield path, value
    elif type(value) in (list, tuple):
        for i, item in enumerate(value):
            yield from array_leaves(item, (*path, i))
    elif type(value) is dict:
        for key, item in value.items():
            if isinstance(key, (str, int)):
                yield from array_leaves(item, (*path, key))


def leaf_at(value, path):
    for key in path:
        value = value[key]
    return value
