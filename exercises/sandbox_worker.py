"""Runs inside the jail (exercises/sandbox.py): executes a submission and answers the judge.

Everything here is the student's to change: the judge trusts none of it. It reads requests
from the frames on its standard input and answers on its standard output (see wire.py);
the student's own output goes to /dev/null.

Requests: ``run`` (one cell, in an IPython shell, as a notebook would), ``get`` (a name of
the notebook: plain data, or a reference to a function or object), ``call`` (a function by
reference, with plain-data arguments; the changes it makes to array or generator arguments
are sent back, for tests that diagnose in-place changes).
"""

import os

import numpy as np
import wire


def main() -> None:
    proto_in = os.fdopen(os.dup(0), "rb")
    proto_out = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)

    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=config)
    refs: dict[int, object] = {}

    def make_ref(obj):
        refs[len(refs) + 1] = obj
        try:
            name = getattr(obj, "__name__", None)
            module = getattr(obj, "__module__", None)
        except Exception:
            name = module = None
        name = name[:100] if isinstance(name, str) else None
        module = module[:100] if isinstance(module, str) else None
        return {"$r": [len(refs), type(obj).__name__[:100], name, module, callable(obj)]}

    def resolve(fields):
        if type(fields[0]) is not int or fields[0] not in refs:
            raise wire.WireError("unknown reference")
        return refs[fields[0]]

    def judge_function(cid):
        def call_judge(*args, **kwargs):
            wire.write_frame(
                proto_out,
                {
                    "op": "callback",
                    "id": cid,
                    "args": wire.encode(list(args), make_ref),
                    "kwargs": wire.encode(kwargs, make_ref),
                },
            )
            reply = wire.read_frame(proto_in)
            if reply is None:
                os._exit(0)
            if "error" in reply:
                raise RuntimeError(str(reply["error"]))
            return wire.decode(reply.get("value"), resolve, judge_function)

        return call_judge

    def describe(exc: BaseException) -> str:
        try:
            text = str(exc)
        except Exception:
            text = ""
        return f"{type(exc).__name__}: {text[:300]}" if text else type(exc).__name__

    def handle(request: dict) -> dict:
        op = request.get("op")
        if op == "run":
            result = shell.run_cell(str(request.get("source", "")), store_history=False)
            error = result.error_before_exec or result.error_in_exec
            return {"error": describe(error)} if error is not None else {}
        if op == "get":
            name = str(request.get("name", ""))
            if name not in shell.user_ns:
                return {"found": False}
            return {"found": True, "value": wire.encode(shell.user_ns[name], make_ref)}
        if op == "call":
            fn = resolve(request.get("fn") or [None])
            args, kwargs = wire.decode(
                [request.get("args"), request.get("kwargs")], resolve, judge_function
            )
            before = {path: _snapshot(leaf) for path, leaf in wire.array_leaves([args, kwargs])}
            try:
                value = fn(*args, **kwargs)
            except BaseException as exc:  # SystemExit and KeyboardInterrupt included
                return {"error": describe(exc)}
            writes = []
            for path, old in before.items():
                leaf = wire.leaf_at([args, kwargs], path)
                if not _same(old, _snapshot(leaf)):
                    writes.append([list(path), wire.encode(leaf, make_ref)])
            return {"value": wire.encode(value, make_ref), "writes": writes}
        return {"error": f"unknown request {op!r:.40}"}

    wire.write_frame(proto_out, {"op": "ready"})
    while True:
        request = wire.read_frame(proto_in)
        if request is None or request.get("op") == "exit":
            os._exit(0)
        try:
            reply = handle(request)
        except BaseException as exc:
            reply = {"error": f"the judge could not use your answer: {describe(exc)}"}
        try:
            wire.write_frame(proto_out, reply)
        except (wire.WireError, TypeError, ValueError) as exc:
            wire.write_frame(
                proto_out, {"error": f"your answer could not be sent: {describe(exc)}"}
            )


def _snapshot(leaf):
    if isinstance(leaf, np.random.Generator):
        return repr(leaf.bit_generator.state)
    return leaf.copy()


def _same(a, b) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return (
        a.shape == b.shape
        and a.dtype == b.dtype
        and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
    )


if __name__ == "__main__":
    main()
