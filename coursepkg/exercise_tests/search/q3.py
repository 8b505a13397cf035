from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = None

@test_case(points=2, hidden=False)


def test_q3_best_of_the_trials(random_search):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_number

    def run_and_check(loss_of, n, seed, what):
        seen = []

        def recording_objective(params):
            if not isinstance(params, dict) or not {"lr", "beta"} <= set(params):
                raise TypeError(
                    f"the objective got {params!r:.80}; expected a dict with the keys "
                    "'lr' and 'beta'"
                )
            lr, beta = float(params["lr"]), float(params["beta"])
            with np.errstate(all="ignore"):
                loss = float(loss_of(lr, beta, len(seen)))
            seen.append((lr, beta, loss))
            return loss

        with np.errstate(all="ignore"):
            out = call(random_search, recording_objective, n, np.random.default_rng(seed))
        if out is None:
            raise LearnerCodeError(
                "random_search returned None: did you forget `return best_params, best_loss`?"
            )
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise LearnerCodeError(
                f"random_search returned a {type(out).__name__}; return the pair "
                "(best_params, best_loss)."
            )
        if len(seen) != n:
            raise LearnerCodeError(
                f"random_search({what}, n_trials={n}, rng) called the objective {len(seen)} "
                f"times; a budget of {n} trials means {n} calls, one per trial."
            )
        if n > 1 and len({lr for lr, _, _ in seen}) == 1:
            raise LearnerCodeError(
                "every trial used the same learning rate: draw n_trials of them and give "
                "trial i the i-th one."
            )
        params, value = out
        if not isinstance(params, dict) or not {"lr", "beta"} <= set(params):
            raise LearnerCodeError(
                f"the best params should be the dict {{'lr': ..., 'beta': ...}} of the best "
                f"trial; random_search returned {params!r:.80}."
            )
        try:
            got = np.array([float(params["lr"]), float(params["beta"])])
        except (TypeError, ValueError):
            raise LearnerCodeError(f"the best params {params!r:.80} should hold numbers.") from None
        trials = np.array([[lr, beta] for lr, beta, _ in seen])
        losses = np.array([loss for _, _, loss in seen])
        best, worst = int(np.nanargmin(losses)), int(np.nanargmax(losses))

        def same(i):
            return np.allclose(got, trials[i], rtol=1e-12, atol=0)

        where = f"for random_search({what}, n_trials={n}, np.random.default_rng({seed}))"
        if not same(best):
            if same(worst) and same(n - 1):
                hint = (
                    "you returned the last trial, which here also has the largest loss: "
                    "return the trial with the smallest loss (the argmin)."
                )
            elif same(worst):
                hint = (
                    "you returned the trial with the largest loss. The objective is a "
                    "loss, lower is better: the best trial is the argmin, not the argmax."
                )
            elif any(np.isnan(losses[i]) and same(i) for i in range(n)):
                hint = (
                    "a trial whose loss is NaN (a diverged run) won: np.argmin and min() "
                    "do not skip NaN; use np.nanargmin (or skip non-finite losses)."
                )
            elif same(n - 1):
                hint = "you returned the last trial; return the one with the smallest loss."
            else:
                hint = "that is not the trial with the smallest loss."
            raise LearnerCodeError(
                f"the best params {where} are lr = {got[0]:.6g}, beta = {got[1]:.6g}, but "
                f"the smallest loss, {losses[best]:.6g}, came from lr = {trials[best, 0]:.6g}, "
                f"beta = {trials[best, 1]:.6g}: " + hint
            )
        loss = expect_number(value, "the best loss returned by random_search")
        if not np.isclose(loss, losses[best], rtol=1e-9, atol=0):
            raise LearnerCodeError(
                f"the best loss {where} is {loss:.6g}, but the objective gave "
                f"{losses[best]:.6g} for the best params: return the loss of the same "
                "trial as the params."
            )

    def loss(lr, beta, k):
        return (np.log10(lr) + 2.5) ** 2 + (np.log10(1 - beta) + 2) ** 2

    run_and_check(loss, 20, 0, "objective")
