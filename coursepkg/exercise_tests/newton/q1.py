from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = None

@test_case(points=1, hidden=False)


def test_q1_first_epochs(exponential_decay):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_close

    lr0, gamma, epochs = 0.1, 0.8, np.arange(4)
    got = [call(exponential_decay, lr0, gamma, int(e)) for e in epochs]
    if any(value is None for value in got):
        raise LearnerCodeError("exponential_decay returned None: did you forget `return`?")
    expect_close(
        got,
        lr0 * gamma**epochs,
        "the schedule at epochs 0, 1, 2, 3 (lr0 = 0.1, gamma = 0.8)",
        diagnoses=[
            (
                lr0 * gamma ** (epochs + 1),
                "the decay starts one epoch too early: epochs are counted from 0, and "
                "epoch 0 trains with lr0 itself (gamma**0 = 1).",
            ),
            (
                lr0 * np.exp(-gamma * epochs),
                "you used exp(-gamma * epoch); here gamma is the factor applied after "
                "each epoch, lr0 * gamma**epoch.",
            ),
            (
                lr0 * (1 - gamma) ** epochs,
                "you multiplied by 1 - gamma each epoch; the factor is gamma itself.",
            ),
            (lr0 * gamma * epochs, "you multiplied by epoch; the decay is a power, gamma**epoch."),
            (
                lr0 / (1 + gamma * epochs),
                "that is inverse-time decay, lr0 / (1 + gamma * epoch); exponential decay "
                "multiplies by gamma every epoch.",
            ),
        ],
    )
