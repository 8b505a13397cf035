from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = None

@test_case(points=1, hidden=False)


def test_q2_range_and_windows(sample_betas):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_shape

    def check_beta(got, n, seed, bins):
        what = f"sample_betas({n}, np.random.default_rng({seed}))"
        if got is None:
            raise LearnerCodeError("sample_betas returned None: did you forget `return`?")
        beta = expect_shape(got, (n,), what)
        if not np.isfinite(beta).all():
            raise LearnerCodeError(f"{what} contains NaN or inf.")
        if beta.min() >= 1e-3 * (1 - 1e-9) and beta.max() <= 0.1 + 1e-9:
            raise LearnerCodeError(
                "your values lie in [0.001, 0.1]: that is 1 - beta. Return beta = "
                "1 - 10 ** U(-3, -1)."
            )
        if beta.min() < 0.9 - 1e-9 or beta.max() > 0.999 + 1e-9:
            raise LearnerCodeError(
                f"your betas range from {beta.min():.6g} to {beta.max():.6g}; they "
                "should lie in [0.9, 0.999]."
            )
        distinct = len(np.unique(beta))
        if distinct < n // 2:
            raise LearnerCodeError(
                f"{what} holds only {distinct} distinct values: random search draws a new "
                "value for every trial."
            )
        gap = np.clip(1 - beta, 1e-3, 1e-1)  # rounding may put 1 - 0.999 a hair below 1e-3
        counts = np.histogram(np.log10(gap), bins=bins, range=(-3, -1))[0]
        expected = n / bins
        chi2 = ((counts - expected) ** 2 / expected).sum()
        # chi-square critical values at p = 1e-4 (a correct sampler fails 1 time in 10,000)
        if chi2 > {2: 15.14, 8: 29.88}[bins]:
            above = np.mean(beta > 0.99)
            if above < 0.25:
                hint = f"Only {100 * above:.0f} % of your betas are above 0.99. " + (
                    "Sampling beta uniformly in [0.9, 0.999] puts only about 9 % of "
                    "them there, and sampling beta itself on a log scale, 10 ** "
                    "U(log10 0.9, log10 0.999), about 10 %: both crowd the betas near "
                    "0.9. What matters is the window 1 / (1 - beta): sample 1 - beta "
                    "log-uniformly, 10 ** U(-3, -1), and return 1 minus it."
                )
            else:
                hint = "1 - beta should be log-uniform in [1e-3, 1e-1]."
            raise LearnerCodeError(
                f"{what}: the counts of 1 - beta per bin of log10(1 - beta) from -3 to -1 "
                f"are {counts.tolist()}; expected about {expected:.0f} each. " + hint
            )

    with np.errstate(all="ignore"):
        got = call(sample_betas, 4000, np.random.default_rng(0))
    check_beta(got, 4000, 0, bins=2)
