from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = None

@test_case(points=1, hidden=False)


def test_q4_gaps(diagnose):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_close

    def check_gaps(out, human, train, train_dev, dev):
        what = f"(human, train, train_dev, dev) = ({human}, {train}, {train_dev}, {dev})"
        if out is None:
            raise LearnerCodeError("diagnose returned None: did you forget `return`?")
        keys = {"avoidable_bias", "variance", "data_mismatch", "verdict"}
        if not isinstance(out, dict) or not keys <= set(out):
            raise LearnerCodeError(
                f"diagnose should return a dict with the keys {sorted(keys)}; it returned "
                f"{out!r:.100}"
            )
        expect_close(
            out["avoidable_bias"],
            train - human,
            f"the avoidable bias for {what}",
            diagnoses=[
                (train, "you forgot to subtract the human-level error: train - human."),
                (human - train, "wrong sign: the avoidable bias is train - human."),
            ],
        )
        expect_close(
            out["variance"],
            train_dev - train,
            f"the variance for {what}",
            diagnoses=[
                (
                    dev - human,
                    "you computed dev - human, the whole gap from human level to the dev "
                    "set (avoidable bias + variance + data mismatch). The variance is the "
                    "rise from the training set to unseen data of the same distribution: "
                    "train_dev - train.",
                ),
                (
                    dev - train,
                    "dev - train mixes variance and data mismatch; with a train-dev set "
                    "the variance is train_dev - train.",
                ),
                (
                    train_dev - human,
                    "train_dev - human also contains the avoidable bias; the variance is "
                    "train_dev - train.",
                ),
                (train - train_dev, "wrong sign: the variance is train_dev - train."),
            ],
        )
        expect_close(
            out["data_mismatch"],
            dev - train_dev,
            f"the data mismatch for {what}",
            diagnoses=[
                (
                    dev - train,
                    "dev - train also contains the variance; the data mismatch is the rise "
                    "from the train-dev set to the dev set: dev - train_dev.",
                ),
                (train_dev - dev, "wrong sign: the data mismatch is dev - train_dev."),
            ],
        )

    with np.errstate(all="ignore"):
        out = call(diagnose, 0.005, 0.02, 0.025, 0.10)
    check_gaps(out, 0.005, 0.02, 0.025, 0.10)
@test_case(points=1, hidden=False)


def test_q4_verdict(diagnose):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call

    def check_verdict(out, human, train, train_dev, dev, want, tol=0.01):
        what = f"(human, train, train_dev, dev) = ({human}, {train}, {train_dev}, {dev})"
        if tol != 0.01:
            what += f" and tol = {tol}"
        if not isinstance(out, dict) or "verdict" not in out:
            raise LearnerCodeError("diagnose should return a dict with the key 'verdict'.")
        got = out["verdict"]
        allowed = ("good", "high bias", "high variance", "data mismatch", "both bias and variance")
        if got not in allowed:
            raise LearnerCodeError(
                f"the verdict for {what} is {got!r:.60}; it should be one of {list(allowed)}."
            )
        if got == want:
            return
        rises = {
            "high bias": train - human,
            "high variance": train_dev - train,
            "data mismatch": dev - train_dev,
        }
        high = [name for name, gap in rises.items() if gap > tol]
        hint = ""
        if tol != 0.01:
            hint = f" Compare the gaps with the tol argument (tol = {tol} here), not with 0.01."
        elif want == "good":
            hint = f" No gap is larger than tol = {tol}, so the verdict is 'good'."
        elif want == "both bias and variance":
            hint = (
                " The avoidable bias and the variance are the two largest gaps, both above tol: "
                "the verdict "
                "is 'both bias and variance' (reduce the bias first)."
            )
        elif high and got == high[0]:
            hint = (
                f" {got!r} is the first gap above tol, but the verdict names the problem "
                f"with the largest gap, {want!r}."
            )
        else:
            hint = (
                f" The gaps are: avoidable bias {rises['high bias']:.4g}, variance "
                f"{rises['high variance']:.4g}, data mismatch {rises['data mismatch']:.4g}."
            )
            if got == "both bias and variance":
                hint += (
                    " 'both bias and variance' needs the avoidable bias and the variance "
                    "as the two largest gaps, both above tol: check how you computed them."
                )
        raise LearnerCodeError(
            f"the verdict for {what} should be {want!r}; your diagnose says {got!r}." + hint
        )

    for errors, want in [
        ((0.005, 0.02, 0.025, 0.10), "data mismatch"),
        ((0.007, 0.008, 0.009, 0.010), "good"),
    ]:
        with np.errstate(all="ignore"):
            out = call(diagnose, *errors)
        if out is None:
            raise LearnerCodeError("diagnose returned None: did you forget `return`?")
        check_verdict(out, *errors, want)
