"""coursepkg.optim and coursepkg.torch.optim against torch.optim.

Every optimizer, every supported option, 100 steps in float64 on the same gradients:
the NumPy functional version, its torch twin, the torch.optim.Optimizer subclass on the
single-tensor path and (where there is one) on the foreach path all give torch.optim's
iterates to 1e-6 (in practice ~1e-15). Conventions that differ from the textbook forms
are pinned: torch's momentum buffer is a sum (EMA form = SGD with lr * (1 - beta)), and
its dampened buffer starts at g_1 rather than (1 - d) g_1.
"""

import inspect

import numpy as np
import pytest
import torch

from coursepkg import optim, schedules
from coursepkg.mlp import MLP
from coursepkg.torch import optim as topt
from coursepkg.torch.mlp import MLP as TorchMLP
from tests.conftest import devices

SHAPES = [(3, 4), (5,), (2, 2, 2), (1,)]
STEPS = 100
TOL = 1e-6

# (torch.optim class, coursepkg function, coursepkg class, keyword arguments)
CASES = {
    "sgd": (torch.optim.SGD, "sgd", "SGD", dict(lr=0.1)),
    "sgd-momentum": (torch.optim.SGD, "sgd", "SGD", dict(lr=0.05, momentum=0.9)),
    "sgd-dampening-wd": (
        torch.optim.SGD,
        "sgd",
        "SGD",
        dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.1),
    ),
    "sgd-nesterov-wd": (
        torch.optim.SGD,
        "sgd",
        "SGD",
        dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01),
    ),
    "adagrad": (torch.optim.Adagrad, "adagrad", "Adagrad", dict(lr=0.1)),
    "adagrad-all": (
        torch.optim.Adagrad,
        "adagrad",
        "Adagrad",
        dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.2, eps=1e-6),
    ),
    "rmsprop": (torch.optim.RMSprop, "rmsprop", "RMSprop", dict(lr=0.01)),
    "rmsprop-centered": (
        torch.optim.RMSprop,
        "rmsprop",
        "RMSprop",
        dict(lr=0.01, alpha=0.9, centered=True),
    ),
    "rmsprop-momentum-wd": (
        torch.optim.RMSprop,
        "rmsprop",
        "RMSprop",
        dict(lr=0.01, momentum=0.9, weight_decay=0.1),
    ),
    "rmsprop-all": (
        torch.optim.RMSprop,
        "rmsprop",
        "RMSprop",
        dict(lr=0.01, alpha=0.95, eps=1e-6, momentum=0.5, centered=True, weight_decay=0.05),
    ),
    "adam": (torch.optim.Adam, "adam", "Adam", dict(lr=0.01)),
    "adam-l2": (
        torch.optim.Adam,
        "adam",
        "Adam",
        dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1),
    ),
    "adam-amsgrad": (torch.optim.Adam, "adam", "Adam", dict(lr=0.01, amsgrad=True, eps=1e-6)),
    "adamw": (torch.optim.AdamW, "adamw", "AdamW", dict(lr=0.01)),
    "adamw-amsgrad": (
        torch.optim.AdamW,
        "adamw",
        "AdamW",
        dict(lr=0.01, weight_decay=0.1, amsgrad=True),
    ),
}
FOREACH = {"SGD", "Adam", "AdamW"}


def _grads(seed=0):
    """A fixed sequence of gradients: noise around a pull towards 0.5 (so weight decay matters)."""
    rng = np.random.default_rng(seed)
    return [[rng.normal(size=s) * (1 + k % 3) for s in SHAPES] for k in range(STEPS)]


def _start(seed=1):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=s) for s in SHAPES]


def _run_torch_class(cls, kwargs, grads, device="cpu"):
    params = [torch.tensor(p, device=device, requires_grad=True) for p in _start()]
    opt = cls(params, **kwargs)
    for g in grads:
        for p, gi in zip(params, g, strict=True):
            p.grad = torch.tensor(gi, device=device)
        opt.step()
    return [p.detach().cpu().numpy() for p in params]


def _run_functional(transform, grads, to=np.asarray):
    params = [to(p) for p in _start()]
    state = transform.init(params)
    for g in grads:
        updates, state = transform.update([to(gi) for gi in g], state, params)
        params = (topt if isinstance(params[0], torch.Tensor) else optim).apply_updates(
            params, updates
        )
    return [p.cpu().numpy() if isinstance(p, torch.Tensor) else p for p in params]


def _max_diff(a, b):
    return max(float(np.abs(x - y).max()) for x, y in zip(a, b, strict=True))


@pytest.fixture(scope="module")
def grads():
    return _grads()


@pytest.fixture(scope="module")
def reference(grads):
    return {name: _run_torch_class(c[0], c[3], grads) for name, c in CASES.items()}


@pytest.mark.parametrize("name", CASES)
def test_numpy_functional_matches_torch_optim(name, grads, reference):
    _, fn, _, kwargs = CASES[name]
    got = _run_functional(getattr(optim, fn)(**kwargs), grads)
    assert _max_diff(got, reference[name]) < TOL


@pytest.mark.parametrize("device", devices())
@pytest.mark.parametrize("name", CASES)
def test_torch_functional_twin_matches_torch_optim(name, device, grads, reference):
    _, fn, _, kwargs = CASES[name]
    to = lambda a: torch.tensor(a, device=device)  # noqa: E731
    got = _run_functional(getattr(topt, fn)(**kwargs), grads, to=to)
    assert _max_diff(got, reference[name]) < TOL


CLASS_RUNS = [(n, False) for n in CASES] + [(n, True) for n, c in CASES.items() if c[2] in FOREACH]


@pytest.mark.parametrize("device", devices())
@pytest.mark.parametrize("name,foreach", CLASS_RUNS)
def test_optimizer_class_matches_torch_optim(name, foreach, device, grads, reference):
    _, _, cls_name, kwargs = CASES[name]
    cls = getattr(topt, cls_name)
    extra = {"foreach": foreach} if cls_name in FOREACH else {}
    got = _run_torch_class(cls, {**kwargs, **extra}, grads, device)
    assert _max_diff(got, reference[name]) < TOL


@pytest.mark.parametrize("device", devices())
@pytest.mark.parametrize(
    "cls_name,kwargs",
    [
        ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.2, weight_decay=0.1)),
        ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
        ("Adam", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
        ("AdamW", dict(lr=0.01, weight_decay=0.1)),
    ],
)
def test_foreach_path_is_pinned_to_the_single_tensor_path(cls_name, kwargs, device):
    """Parameters without a gradient are skipped, so each one keeps its own step count t."""
    rng = np.random.default_rng(3)
    cls = getattr(topt, cls_name)
    runs = []
    for foreach in (False, True):
        params = [torch.tensor(p, device=device, requires_grad=True) for p in _start()]
        opt = cls(params, foreach=foreach, **kwargs)
        rng = np.random.default_rng(3)
        for k in range(60):
            for i, p in enumerate(params):
                skip = (i + k) % 4 == 0  # every parameter misses some steps
                p.grad = None if skip else torch.tensor(rng.normal(size=p.shape), device=device)
            opt.step()
        runs.append((params, opt))
    (p_single, o_single), (p_foreach, o_foreach) = runs
    for a, b in zip(p_single, p_foreach, strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-12)
        sa, sb = o_single.state[a], o_foreach.state[b]
        assert sa["t"] == sb["t"] and 0 < sa["t"] < 60
        for key, value in sa.items():
            if isinstance(value, torch.Tensor):
                torch.testing.assert_close(value, sb[key], rtol=0, atol=1e-12)


# ---- conventions that differ between textbooks and torch -------------------------------
@pytest.mark.parametrize("nesterov", [False, True])
def test_ema_momentum_is_sgd_with_lr_times_one_minus_beta(nesterov, grads):
    beta, lr = 0.9, 0.5
    ema_form = _run_functional(optim.momentum(lr=lr, beta=beta, nesterov=nesterov), grads)
    torch_form = _run_torch_class(
        torch.optim.SGD, dict(lr=lr * (1 - beta), momentum=beta, nesterov=nesterov), grads
    )
    assert _max_diff(ema_form, torch_form) < 1e-12


def test_velocity_form_is_torch_sgd_with_the_same_lr(grads):
    """Goodfellow's v <- mu v - eps g; theta <- theta + v equals torch's buffer with lr = eps."""
    mu, eps = 0.9, 0.05
    params, v = _start(), [np.zeros(s) for s in SHAPES]
    for g in grads:
        v = [mu * vi - eps * gi for vi, gi in zip(v, g, strict=True)]
        params = [p + vi for p, vi in zip(params, v, strict=True)]
    torch_form = _run_torch_class(torch.optim.SGD, dict(lr=eps, momentum=mu), grads)
    assert _max_diff(params, torch_form) < 1e-12


def test_torch_dampening_starts_the_buffer_at_the_first_gradient():
    g1, g2 = np.array([2.0]), np.array([4.0])
    opt = optim.sgd(lr=1.0, momentum=0.5, dampening=0.5)
    state = opt.init(np.zeros(1))
    _, state = opt.update(g1, state, np.zeros(1))
    assert state.b[0] == 2.0  # torch: b_1 = g_1, not (1 - d) g_1 = 1.0
    _, state = opt.update(g2, state, np.zeros(1))
    assert state.b[0] == 0.5 * 2.0 + 0.5 * 4.0
    p = torch.zeros(1, requires_grad=True)
    ref = torch.optim.SGD([p], lr=1.0, momentum=0.5, dampening=0.5)
    for g in (g1, g2):
        p.grad = torch.tensor(g, dtype=torch.float32)
        ref.step()
    assert ref.state[p]["momentum_buffer"].item() == state.b[0]


def test_adam_state_is_uncorrected_and_first_step_is_lr_sized(rng):
    g = rng.normal(size=5) * np.array([1e-3, 1e-1, 1.0, 10.0, 1e3])
    opt = optim.adam(lr=0.01)
    state = opt.init(np.zeros(5))
    updates, state = opt.update(g, state, np.zeros(5))
    np.testing.assert_allclose(state.m, 0.1 * g)  # m_1 = (1 - beta1) g, not corrected
    np.testing.assert_allclose(state.v, 0.001 * g**2)
    np.testing.assert_allclose(updates, -0.01 * np.sign(g), rtol=1e-4)  # |step| = lr


def test_adamw_differs_from_adam_with_l2_only_by_where_the_decay_goes(rng):
    p, g = rng.normal(size=4), rng.normal(size=4)
    up_w, _ = optim.adamw(lr=0.1, weight_decay=0.5).update(g, optim.adamw().init(p), p)
    up_plain, _ = optim.adam(lr=0.1).update(g, optim.adam().init(p), p)
    np.testing.assert_allclose(up_w, up_plain - 0.1 * 0.5 * p)  # decoupled: outside the scaling
    up_l2, _ = optim.adam(lr=0.1, weight_decay=0.5).update(g, optim.adam().init(p), p)
    assert not np.allclose(up_l2, up_w)


# ---- schedules as the learning rate ---------------------------------------------------
def test_schedule_as_lr_matches_a_torch_scheduler_stepped_every_step(grads):
    schedule = schedules.exponential_decay(0.1, 0.97)
    got = _run_functional(optim.sgd(lr=schedule, momentum=0.9), grads)
    params = [torch.tensor(p, requires_grad=True) for p in _start()]
    opt = torch.optim.SGD(params, lr=0.1, momentum=0.9)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.97)
    for g in grads:
        for p, gi in zip(params, g, strict=True):
            p.grad = torch.tensor(gi)
        opt.step()
        sched.step()
    assert _max_diff(got, [p.detach().numpy() for p in params]) < 1e-12


def test_torch_classes_work_with_torch_schedulers_and_state_dicts(grads):
    """Resuming from a state_dict gives the same iterates as an uninterrupted run."""

    def run(split):
        params = [torch.tensor(p, requires_grad=True) for p in _start()]
        opt = topt.Adam(params, lr=0.05)
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
        for k, g in enumerate(grads):
            if k == split:
                saved_opt, saved_sched = opt.state_dict(), sched.state_dict()
                params = [p.detach().clone().requires_grad_() for p in params]
                opt = topt.Adam(params, lr=0.05)
                sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
                opt.load_state_dict(saved_opt)
                sched.load_state_dict(saved_sched)
            for p, gi in zip(params, g, strict=True):
                p.grad = torch.tensor(gi)
            opt.step()
            sched.step()
        return [p.detach().numpy() for p in params], opt

    straight, _ = run(split=-1)
    resumed, opt = run(split=37)
    assert _max_diff(straight, resumed) == 0.0
    assert opt.param_groups[0]["lr"] == pytest.approx(0.05 * 0.5**10)


def test_param_groups_get_their_own_hyperparameters():
    w = torch.zeros(3, requires_grad=True)
    b = torch.zeros(3, requires_grad=True)
    opt = topt.SGD([{"params": [w], "weight_decay": 0.1}, {"params": [b], "lr": 0.5}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert [g["weight_decay"] for g in opt.param_groups] == [0.1, 0.0]
    w.grad, b.grad = torch.ones(3), torch.ones(3)
    opt.step()
    torch.testing.assert_close(w, torch.full((3,), -0.1))
    torch.testing.assert_close(b, torch.full((3,), -0.5))


# ---- on a real model --------------------------------------------------------------------
def test_numpy_mlp_with_adam_trains_like_torch_mlp_with_torch_adam(rng):
    """The NumPy MLP + coursepkg Adam on its params dict == the nn.Module twin + torch.optim.Adam."""
    X, y = rng.normal(size=(64, 6)), rng.integers(0, 3, size=64)
    model, twin = MLP([6, 8, 3], seed=0), TorchMLP([6, 8, 3], seed=0)
    opt, ref = (
        optim.adam(lr=0.01, weight_decay=1e-3),
        torch.optim.Adam(twin.parameters(), lr=0.01, weight_decay=1e-3),
    )
    state = opt.init(model.params)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    for k in range(20):
        batch = slice(16 * (k % 4), 16 * (k % 4 + 1))
        _, grads = model.loss(X[batch], y[batch])
        updates, state = opt.update(grads, state, model.params)
        model.params = optim.apply_updates(model.params, updates)
        twin.loss(Xt[batch], yt[batch])
        ref.step()
    for key, value in twin.numpy_params().items():
        np.testing.assert_allclose(model.params[key], value, rtol=1e-9, atol=1e-12)


def test_apply_updates_does_not_modify_its_inputs(rng):
    params = {"W": rng.normal(size=(2, 2)), "b": np.zeros(2)}
    before = {k: v.copy() for k, v in params.items()}
    new = optim.apply_updates(params, {"W": np.ones((2, 2)), "b": np.ones(2)})
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])
    np.testing.assert_array_equal(new["b"], np.ones(2))


# ---- the twins have the same names and signatures ---------------------------------------
FUNCTIONS = ["adagrad", "adam", "adamw", "apply_updates", "momentum", "rmsprop", "sgd"]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_twins_have_the_same_signature(name):
    assert inspect.signature(getattr(optim, name)) == inspect.signature(getattr(topt, name))


@pytest.mark.parametrize(
    "ours,theirs",
    [
        ("SGD", "SGD"),
        ("Adagrad", "Adagrad"),
        ("RMSprop", "RMSprop"),
        ("Adam", "Adam"),
        ("AdamW", "AdamW"),
    ],
)
def test_classes_take_torch_optims_arguments_and_defaults(ours, theirs):
    mine = inspect.signature(getattr(topt, ours)).parameters
    ref = inspect.signature(getattr(torch.optim, theirs)).parameters
    for name, param in mine.items():
        assert name in ref, f"{ours}({name}=...) is not an argument of torch.optim.{theirs}"
        if name != "params":
            assert param.default == ref[name].default, name


# ---- invalid input: torch.optim's wording -----------------------------------------------
INVALID = [
    ("SGD", dict(lr=-1), "Invalid learning rate: -1"),
    ("SGD", dict(lr=0.1, momentum=-0.5), "Invalid momentum value: -0.5"),
    ("SGD", dict(lr=0.1, weight_decay=-0.1), "Invalid weight_decay value: -0.1"),
    (
        "SGD",
        dict(lr=0.1, nesterov=True),
        "Nesterov momentum requires a momentum and zero dampening",
    ),
    (
        "SGD",
        dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
        "Nesterov momentum requires a momentum and zero dampening",
    ),
    ("Adam", dict(lr=-0.001), "Invalid learning rate: -0.001"),
    ("Adam", dict(eps=-1e-8), "Invalid epsilon value: -1e-08"),
    ("Adam", dict(betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
    ("Adam", dict(betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
    ("Adam", dict(weight_decay=-1), "Invalid weight_decay value: -1"),
    ("AdamW", dict(betas=(0.9, 1.5)), "Invalid beta parameter at index 1: 1.5"),
    ("Adagrad", dict(lr_decay=-1), "Invalid lr_decay value: -1"),
    ("Adagrad", dict(eps=-1), "Invalid epsilon value: -1"),
    ("Adagrad", dict(initial_accumulator_value=-1), "Invalid initial_accumulator_value value: -1"),
    ("RMSprop", dict(alpha=-0.1), "Invalid alpha value: -0.1"),
    ("RMSprop", dict(momentum=-1), "Invalid momentum value: -1"),
    ("RMSprop", dict(eps=-1), "Invalid epsilon value: -1"),
]


@pytest.mark.parametrize("cls_name,kwargs,message", INVALID)
def test_invalid_hyperparameters_raise_torchs_error(cls_name, kwargs, message):
    w = [torch.zeros(2, requires_grad=True)]
    with pytest.raises(ValueError) as theirs:
        getattr(torch.optim, cls_name)(w, **kwargs)
    assert str(theirs.value) == message  # the wording we copy is torch's own
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        getattr(topt, cls_name)(w, **kwargs)
    fn = {
        "SGD": "sgd",
        "Adam": "adam",
        "AdamW": "adamw",
        "Adagrad": "adagrad",
        "RMSprop": "rmsprop",
    }
    with pytest.raises(ValueError, match="^Invalid|^Nesterov"):
        getattr(optim, fn[cls_name])(**kwargs)


@pytest.mark.parametrize(
    "factory,kwargs,error,message",
    [
        (optim.adam, dict(lr="fast"), TypeError, "Invalid learning rate: 'fast'"),
        (optim.sgd, dict(lr=float("nan")), ValueError, "Invalid learning rate: nan"),
        (optim.momentum, dict(beta=1.0), ValueError, "Invalid beta value: 1.0"),
        (optim.rmsprop, dict(alpha=1.0), ValueError, "Invalid alpha value: 1.0"),
        (optim.adam, dict(betas=0.9), ValueError, "Invalid betas: 0.9"),
        (optim.adam, dict(betas=(0.9, True)), TypeError, "Invalid beta parameter at index 1: True"),
    ],
)
def test_invalid_values_and_types_name_the_value(factory, kwargs, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        factory(**kwargs)


def test_bad_shapes_and_dtypes_raise_errors_that_name_the_parameter():
    params = {"W1": np.zeros((3, 2)), "b1": np.zeros(2)}
    opt = optim.adam()
    state = opt.init(params)
    with pytest.raises(ValueError, match=r"Invalid shape for grads\['W1'\]: \(2, 3\)"):
        opt.update({"W1": np.zeros((2, 3)), "b1": np.zeros(2)}, state, params)
    with pytest.raises(ValueError, match=r"Invalid grads: keys"):
        opt.update({"W1": np.zeros((3, 2))}, state, params)
    with pytest.raises(TypeError, match=r"Invalid params\['b1'\]: ndarray of dtype int64"):
        opt.init({"W1": np.zeros((3, 2)), "b1": np.zeros(2, dtype=np.int64)})
    with pytest.raises(ValueError, match="weight_decay needs the parameters"):
        optim.sgd(weight_decay=0.1).update(np.ones(2), optim.sgd().init(np.ones(2)))
    with pytest.raises(ValueError, match="weight_decay needs the parameters"):
        optim.adamw(weight_decay=0.1).update(np.ones(2), optim.adamw().init(np.ones(2)))


def test_torch_twin_refuses_numpy_arrays():
    with pytest.raises(TypeError, match="expected a torch.Tensor"):
        topt.adam().init(np.zeros(3))
    state = topt.adam().init(torch.zeros(3))
    with pytest.raises(TypeError, match=r"Invalid grads: ndarray"):
        topt.adam().update(np.zeros(3), state, torch.zeros(3))


def test_foreach_is_only_offered_where_there_is_a_foreach_path():
    with pytest.raises(TypeError, match="foreach"):
        topt.RMSprop([torch.zeros(2, requires_grad=True)], foreach=True)
    assert "foreach" not in inspect.signature(topt.Adagrad).parameters


def test_sparse_gradients_are_refused():
    w = torch.zeros(4, requires_grad=True)
    opt = topt.Adam([w])
    w.grad = torch.zeros(4).to_sparse()
    with pytest.raises(RuntimeError, match="does not support sparse gradients"):
        opt.step()


@pytest.mark.parametrize("device", devices())
@pytest.mark.parametrize("foreach", [False, True])
@pytest.mark.parametrize(
    "cls_name,kwargs",
    [
        ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
        ("SGD", dict(lr=0.1, momentum=0.9, weight_decay=0.1)),
        ("Adam", dict(lr=0.1, weight_decay=0.1)),
        ("AdamW", dict(lr=0.1, amsgrad=True)),
    ],
)
def test_step_treats_p_grad_as_read_only(cls_name, kwargs, foreach, device):
    """torch 2.13's foreach SGD with Nesterov writes g + mu b into p.grad; ours never does."""
    p = torch.zeros(3, device=device, requires_grad=True)
    opt = getattr(topt, cls_name)([p], foreach=foreach, **kwargs)
    for _ in range(3):
        p.grad = torch.ones(3, device=device)
        opt.step()
        torch.testing.assert_close(p.grad, torch.ones(3, device=device))
