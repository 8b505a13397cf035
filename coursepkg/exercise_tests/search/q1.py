from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = None

@test_case(points=1, hidden=False)


def test_q1_range_and_decades(sample_learning_rates):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_shape

    def check_lr(got, n, seed, bins):
        what = f"sample_learning_rates({n}, np.random.default_rng({seed}))"
        if got is None:
            raise LearnerCodeError("sample_learning_rates returned None: did you forget `return`?")
        lr = expect_shape(got, (n,), what)
        if not np.isfinite(lr).all():
            raise LearnerCodeError(f"{what} contains NaN or inf.")
        if lr.min() >= 1 and lr.max() <= 10:
            raise LearnerCodeError(
                "your learning rates lie in [1, 10]: you drew the exponent from "
                "U(1e-4, 1), i.e. wrote 10 ** U(1e-4, 1). The bounds of the "
                "exponent are log10(1e-4) = -4 and log10(1) = 0: draw u uniformly "
                "in [-4, 0] and return 10 ** u."
            )
        if lr.min() < 1e-4 * (1 - 1e-9) or lr.max() > 1 + 1e-9:
            raise LearnerCodeError(
                f"your learning rates range from {lr.min():.3g} to {lr.max():.3g}; they "
                "should lie in [1e-4, 1]."
            )
        distinct = len(np.unique(lr))
        if distinct < n // 2:
            raise LearnerCodeError(
                f"{what} holds only {distinct} distinct values. "
                + (
                    "Random search draws a new value for every trial; picking from a "
                    "few fixed values (a grid such as np.logspace(-4, 0, 5)) tries "
                    "only those."
                )
            )
        counts = np.histogram(np.log10(lr), bins=bins, range=(-4, 0))[0]
        expected = n / bins
        chi2 = ((counts - expected) ** 2 / expected).sum()
        # chi-square critical values at p = 1e-4 (a correct sampler fails 1 time in 10,000)
        if chi2 > {4: 21.11, 8: 29.88}[bins]:
            if counts[-bins // 4 :].sum() > 0.8 * n:
                hint = (
                    "That is what uniform sampling on [1e-4, 1] gives: the last "
                    "decade is 90 % of that interval. Draw the exponent uniformly "
                    "instead: 10 ** U(-4, 0)."
                )
            elif counts[: bins // 4].sum() == 0 and lr.min() >= np.exp(-4) * 0.999:
                hint = (
                    "None of them is below e**-4 = 0.018: did you use np.exp(U(-4, "
                    "0))? With base e the exponent would range from ln(1e-4) = -9.21 "
                    "to 0; use 10 ** U(-4, 0)."
                )
            else:
                hint = "A log-uniform sample puts the same share of the draws in each decade."
            step = "decade" if bins == 4 else "half decade"
            raise LearnerCodeError(
                f"{what}: the counts per {step} from 1e-4 to 1 are {counts.tolist()}; "
                f"expected about {expected:.0f} each. " + hint
            )

    with np.errstate(all="ignore"):
        got = call(sample_learning_rates, 4000, np.random.default_rng(0))
    check_lr(got, 4000, 0, bins=4)
