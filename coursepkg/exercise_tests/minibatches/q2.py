from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = None

@test_case(points=1, hidden=False)


def test_q2_structure(random_minibatches):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_shape

    m, d, batch_size = 10, 3, 4
    X = np.arange(m)[:, None] * np.array([1.0, -1.0, 0.5]) + np.array([0.0, 0.0, 100.0])
    y = 1000 + np.arange(m)
    out = call(random_minibatches, X.copy(), y.copy(), batch_size, 0)
    what = "random_minibatches(X, y, 4, 0) with m = 10 examples"
    if out is None:
        raise LearnerCodeError("random_minibatches returned None: did you forget `return`?")
    if not isinstance(out, (list, tuple)):
        raise LearnerCodeError(
            f"{what} returned a {type(out).__name__}; return a list of (X_batch, y_batch) pairs."
        )
    for k, pair in enumerate(out):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise LearnerCodeError(
                f"mini-batch {k} of {what} is a {type(pair).__name__}, not a pair "
                "(X_batch, y_batch)."
            )
    if len(out) == 2:
        raise LearnerCodeError(
            f"{what} returned 2 mini-batches, which leaves 2 examples out of the epoch: "
            "keep the last, partial mini-batch (mini-batches of 4, 4 and 2 examples)."
        )
    if len(out) != 3:
        raise LearnerCodeError(
            f"{what} returned {len(out)} mini-batches; expected 3, of 4, 4 and 2 examples."
        )
    for k, ((X_batch, y_batch), size) in enumerate(zip(out, (4, 4, 2), strict=True)):
        expect_shape(X_batch, (size, d), f"X_batch of mini-batch {k} of {what}")
        expect_shape(y_batch, (size,), f"y_batch of mini-batch {k} of {what}")
    seen = np.sort(np.concatenate([np.asarray(X_batch)[:, 0] for X_batch, _ in out]))
    if not np.array_equal(seen, np.arange(m)):
        raise LearnerCodeError(
            f"the mini-batches of {what} do not hold every example exactly once: some "
            "rows appear twice and others never. Draw one permutation of the m row "
            "indices and cut the reordered data into consecutive slices."
        )
@test_case(points=1, hidden=False)


def test_q2_labels_stay_with_their_examples(random_minibatches):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call

    m, batch_size = 12, 5
    X = np.arange(m)[:, None] * np.array([1.0, -1.0]) + np.array([0.0, 100.0])
    y = 1000 + np.arange(m)
    out = call(random_minibatches, X.copy(), y.copy(), batch_size, 3)
    if not isinstance(out, (list, tuple)) or any(
        not isinstance(pair, (list, tuple)) or len(pair) != 2 for pair in out
    ):
        raise LearnerCodeError(
            "random_minibatches should return a list of (X_batch, y_batch) pairs."
        )
    for k, (X_batch, y_batch) in enumerate(out):
        X_batch, y_batch = np.asarray(X_batch, dtype=float), np.asarray(y_batch, dtype=float)
        if X_batch.ndim != 2 or y_batch.shape != X_batch.shape[:1]:
            raise LearnerCodeError(
                f"in mini-batch {k}, X_batch has shape {X_batch.shape} and y_batch "
                f"{y_batch.shape}: they should hold the same examples, one row of X per label."
            )
        if not np.array_equal(X_batch[:, 0], y_batch - 1000):
            raise LearnerCodeError(
                f"in mini-batch {k} the labels no longer belong to their examples: X and y "
                "were reordered with different permutations. Draw the permutation once and "
                "index both X and y with it (the same permutation)."
            )
