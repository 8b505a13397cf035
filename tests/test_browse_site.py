"""The rules of the browser check of the site (tools/browse_site.py), without a browser:
raw TeX in prose, alt text, internal wording, launch links, the table of contents, leaks."""

from pathlib import Path

import pytest

from tools import browse_site as bs

ROOT = Path(__file__).resolve().parent.parent


# ---- raw TeX --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        r"\(\beta_2\)",  # what Sphinx writes around inline math when MathJax does not run
        r"\[\theta_{t+1} = \theta_t - \eta g_t\]",
        "$$x^2$$",
        r"\begin{aligned} a &= b \end{aligned}",
        r"the rate \frac{1}{\sqrt{t}} decays",
        r"weights \mathbf{W} of a layer",
        r"with decay \rho and \varepsilon",
        "with learning rate $\\eta$ and momentum",
        "the update $x_{t+1} = x_t - g$ here",
        "a scalar $x$ and",
        "for $n+1$ steps",
        "convergence rate $O(1/k^2)$.",  # a BibTeX title that kept its TeX
    ],
)
def test_raw_tex_is_found(text):
    assert bs.raw_tex(text), text


@pytest.mark.parametrize(
    "text",
    [
        "A GPU hour costs $2 and a CPU hour $0.10.",
        "between $5 and $10 a month",
        "prices: $5-$10, or US$7 in total",
        "costs $1,000 (or $1.5k), not $ 3",
        "shell variables such as $HOME and $PATH",
        "a 100$ bill and 5 $ coins",
        "Hinton's lecture 6 explains RMSProp",
        "Windows paths are C:\\Users\\course",
        "a backslash \\ alone, and \\n",
        "$ pip install coursepkg",  # a shell prompt in prose
        "",
    ],
)
def test_dollars_and_backslashes_in_prose_are_not_tex(text):
    assert bs.raw_tex(text) == [], text


def test_raw_tex_reports_each_span_once_with_context():
    found = bs.raw_tex(r"we write \(\beta_2\) and \(\varepsilon\) here")
    assert len(found) == 2
    assert found[0].startswith("\\( \\) math:") and "\\beta_2" in found[0]


# ---- alt text ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "alt, why",
    [
        (None, "no alt attribute"),
        ("", "empty alt text"),
        ("   ", "empty alt text"),
        ("../_images/fa01bc000b617e6efaed71a9028b7433e4a1d99.png", "alt text is a file path"),
        ("figures\\loss.png", "alt text is a file path"),
        ("loss_curve.png", "alt text is a file name"),
        ("Plot.SVG", "alt text is a file name"),
        ("photo.jpeg", "alt text is a file name"),
        ("fa01bc000b617e6efaed71a9028b7433", "alt text is a hash"),
    ],
)
def test_unusable_alt_text(alt, why):
    assert bs.alt_text_problem(alt) == why


@pytest.mark.parametrize(
    "alt",
    [
        "Training loss of SGD, momentum and Adam over 30 epochs",
        "Binder logo",
        "Loss against learning rate (log scale) for 5 seeds",
        "A PNG-like plot",
    ],
)
def test_descriptive_alt_text(alt):
    assert bs.alt_text_problem(alt) is None


# ---- internal wording --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "seed 003 writes the update with epsilon inside the root",
        "as in seeds 000, 001 and 004",
        "Seed 002's saddle example",
        "the slides classify them as high bias",
        "as the lecture slides put it",
        "The lecture notes write the same average",
        "in textbooks, Lecture Notes and PyTorch",
    ],
)
def test_internal_wording_is_found(text):
    assert bs.internal_wording(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Hinton's lecture 6 introduced RMSProp",
        "In Neural Networks: Tricks of the Trade, volume 1524 of Lecture Notes in Computer "
        "Science, pages 55-69. Springer, 1998.",
        "torch.manual_seed(0); rng = np.random.default_rng(seed=0)",
        "seed_everything(0) and five seeds 1, 2, 3",
        "the random seed 42",
        "the ball slides down the valley",
    ],
)
def test_legitimate_wording_passes(text):
    assert bs.internal_wording(text) == [], text


# ---- launch links -----------------------------------------------------------------------


def test_launch_links_for_this_repository_and_branch():
    config = bs.read_yaml(ROOT / "_config.yml")
    launch = bs.Launch.from_config(config)
    branch = config["repository"]["branch"]
    links = bs.expected_launch_links(launch, "book/adaptive")
    assert links["colab"] == (
        "https://colab.research.google.com/github/training-deep-models/course/blob/"
        f"{branch}/book/adaptive.ipynb"
    )
    assert links["binder"] == (
        f"https://mybinder.org/v2/gh/training-deep-models/course/{branch}"
        "?urlpath=tree/book/adaptive.ipynb"
    )


def test_launch_link_variants():
    launch = bs.Launch(
        "https://github.com/org/repo/",
        "v1",
        colab_url="https://colab.research.google.com/",
        binderhub_url="https://mybinder.org",
        interface="jupyterlab",
        path_to_book="docs/",
    )
    links = bs.expected_launch_links(launch, "ch/a")
    assert links["colab"].endswith("/github/org/repo/blob/v1/docs/ch/a.ipynb")
    assert (
        links["binder"] == "https://mybinder.org/v2/gh/org/repo/v1?urlpath=lab/tree/docs/ch/a.ipynb"
    )
    assert bs.expected_launch_links(bs.Launch("https://github.com/o/r", "main"), "x") == {}


def test_launch_problems():
    launch = bs.Launch(
        "https://github.com/o/r", "v2", "https://colab.research.google.com", "https://mybinder.org"
    )
    good = list(bs.expected_launch_links(launch, "book/x").values())
    assert bs.launch_problems(launch, "book/x", good + ["https://github.com/o/r"], True) == []
    assert bs.launch_problems(launch, "book/x", [], False) == []  # not a chapter: none needed
    missing = bs.launch_problems(launch, "book/x", [], True)
    assert [p.split()[1] for p in missing] == ["colab", "binder"]
    stale = good[0].replace("/v2/", "/main/")
    wrong = bs.launch_problems(launch, "book/x", [stale, good[1]], True)
    assert len(wrong) == 1 and wrong[0].startswith(f"colab link {stale}")


# ---- table of contents, leaks --------------------------------------------------------


def test_toc_pages_are_root_then_every_file_in_order():
    toc = {
        "root": "book/intro",
        "parts": [
            {
                "caption": "A",
                "chapters": [{"file": "book/a", "sections": [{"file": "book/ex/a.ipynb"}]}],
            },
            {"caption": "B", "chapters": [{"file": "book/b.md"}]},
        ],
    }
    assert bs.toc_pages(toc) == ["book/intro", "book/a", "book/ex/a", "book/b"]


def test_the_course_toc():
    pages = bs.toc_pages(bs.read_yaml(ROOT / "_toc.yml"))
    assert pages[0] == "book/intro" and "book/adaptive" in pages and "book/bibliography" in pages
    assert len(pages) == len(set(pages))
    assert all((ROOT / f"{p}.ipynb").exists() or (ROOT / f"{p}.md").exists() for p in pages)


def test_leaked_secrets_match_across_whitespace():
    secrets = {"x_hat = (x - mu) / np.sqrt(var + eps)", "test_hidden_shape"}
    rendered = "def f(x):\n    x_hat  =  (x - mu) /\tnp.sqrt(var + eps)\n"
    assert bs.leaked_secrets(rendered, secrets) == ["x_hat = (x - mu) / np.sqrt(var + eps)"]
    assert bs.leaked_secrets("x_hat = (x - mu)", secrets) == []


def test_leaks_strict_on_exercise_pages_and_per_answer_elsewhere():
    secrets = bs.Secrets(
        frozenset({"test_hidden_shape"}),
        (("mu = x.mean(axis=0)", "var = x.var(axis=0)", "x_hat = (x - mu) / std"),),
    )
    lesson = "mu = x.mean(axis=0)  # one mean per unit"
    assert bs.leaks(lesson, secrets, exercise_page=True) == ["mu = x.mean(axis=0)"]
    assert bs.leaks(lesson, secrets, exercise_page=False) == []
    partial = "mu = x.mean(axis=0)\nvar   =   x.var(axis=0)\n"
    assert bs.leaks(partial, secrets, exercise_page=False) == []
    (found,) = bs.leaks(partial + "x_hat = (x - mu) / std", secrets, exercise_page=False)
    assert found.startswith("all 3 lines of a solution")
    assert bs.leaks("see test_hidden_shape", secrets, exercise_page=False) == ["test_hidden_shape"]
