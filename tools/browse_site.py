"""Browse the built site in a real browser (headless Chromium driven by Playwright).

    python -m tools.browse_site _build/html [--pages book/adaptive,search] [--screenshots DIR]
        [--screenshot-pages book/adaptive,book/momentum,index] [--json FILE] [--workers 2]

The folder is served on a loopback HTTP server (a thread); every request to any other host
is blocked and counted as a failure (the site must load nothing from a CDN). Every page of
the table of contents (root and files of ``_toc.yml``), ``search.html`` and the ``index.html``
redirect are opened at a desktop (1366x900) and a phone (390x844, 3x, touch) viewport, each
visit in a fresh browser context (a first-time visitor). Per page:

1. the page answers 200 and no request fails (``requestfailed``, a status >= 400, or a
   blocked request to another host);
2. no console error and no uncaught page error (Chromium's console line "Failed to load
   resource" for a request already counted in 1 is not counted twice);
3. once MathJax has typeset (``MathJax.startup.promise``), no raw TeX in the article's
   prose (:func:`raw_tex`; code is skipped); rendered formulas (``mjx-container``) are counted;
4. every image of the article loaded and has alt text that is not a file name
   (:func:`alt_text_problem`);
5. no internal wording in the article's text (:data:`INTERNAL_WORDING`);
6. phone: nothing in the article reaches past the viewport unless it is inside a box that
   scrolls sideways (``overflow-x: auto|scroll``); display math and tables wider than the
   column scroll in a box; no formula is cut off by a box that hides its overflow. The
   rendered scale of each figure (CSS width / natural width) is reported, not judged;
7. ``search.html?q=Adam`` lists ``book/adaptive.html`` among its first results;
8. chapter pages carry the Colab and Binder links of ``_config.yml``'s repository and branch
   (:func:`expected_launch_links`), and every launch link of a notebook page is right;
9. no exercise secret (solution lines and hidden test names of the masters, as
   tests/check_site.py collects them) in the page's rendered text (``innerText``; text that is
   only in hidden elements is reported too);
10. axe-core (pinned in tools/npm_assets.py, from the npm registry, sha512-verified) on each
    page at desktop size: violations inside the article (``article.bd-article``; the search
    box on search.html) fail, those in the theme's chrome (navbar, sidebars, header buttons,
    footer) are printed as information.

Exit status 0 when every check of every page passes, 1 otherwise, 2 when the run could not
start (no Chromium, no Playwright, no site). Needs Debian's ``chromium`` (/usr/bin/chromium,
never Playwright's own browser download) and the PyPI package ``playwright``.
"""

from __future__ import annotations

import argparse
import asyncio
import http.server
import json
import re
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import urljoin, urlparse

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
# The page's own content: the article (search.html has none: its search box). Everything
# else (navbar, sidebars, the article header's buttons, prev/next and footer) is theme chrome.
CONTENT = ["article.bd-article", ".bd-search-container"]
NOT_CHAPTERS = {"book/bibliography", "book/how-to-use", "book/intro"}
SEARCH_QUERY, SEARCH_EXPECT, SEARCH_TOP = "Adam", "book/adaptive.html", 5
DEFAULT_SCREENSHOT_PAGES = "book/adaptive,book/momentum,index"
MATHJAX_TIMEOUT_MS = 20_000
AXE_DIR = ROOT / "_build" / "axe"  # tools.npm_assets unpacks axe-core/axe.min.js here


# ---------------------------------------------------------------------------------------
# Pure rules (tests/test_browse_site.py covers them without a browser)
# ---------------------------------------------------------------------------------------

# TeX commands that do not occur in prose: a backslash followed by one of them, outside code
# and outside typeset math, is TeX that MathJax did not render.
TEX_COMMANDS = (
    "frac dfrac tfrac mathbf mathrm mathcal mathbb mathsf boldsymbol operatorname text sqrt "
    "sum prod int partial nabla cdot cdots ldots dots times odot otimes top leq geq neq "
    "approx propto sim infty left right quad qquad hat bar tilde vec alpha beta gamma delta "
    "epsilon varepsilon zeta eta theta vartheta kappa lambda mu nu xi pi rho sigma varsigma "
    "tau phi varphi chi psi omega Gamma Delta Theta Lambda Sigma Phi Psi Omega"
).split()
_TEX_RULES = (
    ("$$ delimiter", re.compile(r"\$\$")),
    ("\\begin/\\end", re.compile(r"\\(?:begin|end)\{")),
    # The delimiters Sphinx writes around math for MathJax: \( ... \) and \[ ... \].
    ("\\( \\) math", re.compile(r"\\\((.{0,300}?)\\\)", re.S)),
    ("\\[ \\] math", re.compile(r"\\\[(.{0,600}?)\\\]", re.S)),
    ("TeX command", re.compile(r"\\(?:" + "|".join(TEX_COMMANDS) + r")(?![A-Za-z])")),
)
# $...$ as pandoc reads it: the opening $ has a non-space on its right and is neither escaped
# nor glued to a word (US$5); the closing $ has a non-space on its left and no digit after
# it. So "$5 and $10", "costs $5, or $7" and "$5-$10" are no math ...
_DOLLAR_SPAN = re.compile(r"(?<![\\$\w])\$(?=[^\s$])([^$\n]{1,200}?)(?<=\S)\$(?![\d$])")
# ... and the content must look like TeX: a command, a sub/superscript, braces, an equation,
# a lone variable ($x$) or a variable in an operation ($n+1$).
_TEXISH = re.compile(r"[\\^_{}=]|^[A-Za-z]$|^[A-Za-z]\s*[-+*/<>]\s*[A-Za-z0-9]")


def _snippet(text: str, start: int, end: int, pad: int = 30) -> str:
    left, right = max(0, start - pad), min(len(text), end + pad)
    s = " ".join(text[left:right].split())
    return ("…" if left else "") + s + ("…" if right < len(text) else "")


def raw_tex(text: str) -> list[str]:
    """The raw TeX in ``text``, one prose text node: ``"kind: snippet"`` items.

    Flags ``$$``, ``\\begin{``/``\\end{``, ``\\( \\)`` and ``\\[ \\]`` spans, a backslash
    command of :data:`TEX_COMMANDS` (``\\frac``, ``\\mathbf``, ``\\beta`` ...), and a
    ``$...$`` span whose content looks like TeX. Dollar amounts in prose are left alone."""
    found, taken = [], []
    for kind, rule in _TEX_RULES:
        for m in rule.finditer(text):
            if any(a <= m.start() < b for a, b in taken):
                continue  # inside a span already reported (\beta inside \(\beta\))
            taken.append((m.start(), m.end()))
            found.append(f"{kind}: {_snippet(text, m.start(), m.end())}")
    for m in _DOLLAR_SPAN.finditer(text):
        if any(a <= m.start() < b for a, b in taken) or not _TEXISH.search(m[1].strip()):
            continue
        found.append(f"$...$ math: {_snippet(text, m.start(), m.end())}")
    return found


_IMAGE_SUFFIXES = (".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp")


def alt_text_problem(alt: str | None) -> str | None:
    """Why an image's alt text is unusable, or ``None`` when it may describe the image.

    Missing, empty, a path (one word with a ``/`` or ``\\``; prose such as "1/m" passes), a
    file name (ends in an image suffix) or a bare content hash (Sphinx names output images by
    hash) are refused."""
    if alt is None:
        return "no alt attribute"
    text = alt.strip()
    if not text:
        return "empty alt text"
    if len(text.split()) == 1 and ("/" in text or "\\" in text):
        return "alt text is a file path"
    if text.lower().endswith(_IMAGE_SUFFIXES):
        return "alt text is a file name"
    if re.fullmatch(r"[0-9a-f]{16,}", text):
        return "alt text is a hash"
    return None


# Wording of the course's private sources that must not reach readers: the numbered "seeds"
# (the source documents a chapter was written from), "the slides", "lecture slides" and
# "lecture notes". Narrow on purpose: a citation such as "Hinton's lecture 6" passes, and
# so does the book series "Lecture Notes in Computer Science" of a bibliography entry; code
# such as ``manual_seed(0)`` or ``seed=0`` does not match.
INTERNAL_WORDING = (
    ("numbered seed", re.compile(r"\bseeds?\b\s*0\d\d", re.I)),
    ("numbered seed", re.compile(r"\bseed 00\d", re.I)),
    ("the slides", re.compile(r"\bthe slides\b", re.I)),
    ("lecture slides", re.compile(r"\blecture slides\b", re.I)),
    ("our notes", re.compile(r"\bour (?:own |private |source )?notes\b|\bthe notes'", re.I)),
    ("our sources", re.compile(r"\bour sources?\b", re.I)),
    ("lecture notes", re.compile(r"\blecture notes\b(?!\s+in\s+computer\s+science)", re.I)),
)


def internal_wording(text: str) -> list[str]:
    """``"rule: snippet"`` for each internal wording in ``text`` (one item per place)."""
    found, starts = [], set()
    for name, rule in INTERNAL_WORDING:
        for m in rule.finditer(text):
            if m.start() in starts:
                continue
            starts.add(m.start())
            found.append(f"{name}: {_snippet(text, m.start(), m.end(), pad=40)}")
    return found


def normalize_space(text: str) -> str:
    return " ".join(text.split())


def leaked_secrets(text: str, secrets: set[str]) -> list[str]:
    """The secrets that occur in ``text``, any run of whitespace counting as one space."""
    flat = normalize_space(text)
    return sorted(s for s in secrets if normalize_space(s) and normalize_space(s) in flat)


@dataclass(frozen=True)
class Secrets:
    """What no page may show: the masters' hidden test names and their solutions.

    ``blocks`` holds each solution block's code lines (tests.test_exercises.solution_blocks).
    """

    names: frozenset[str]
    blocks: tuple[tuple[str, ...], ...]

    @property
    def lines(self) -> set[str]:
        return {line for block in self.blocks for line in block}


def leaks(text: str, secrets: Secrets, exercise_page: bool) -> list[str]:
    """The secrets a page's text gives away.

    Any hidden test name, anywhere. On an exercise page, any solution line. On the other
    pages, a complete solution *block* (a question's answer of two or more lines): chapters
    teach the formulas an exercise then asks for, so the batch-norm chapter's
    ``mu = x.mean(axis=0)``, ``var = ...`` and ``x_hat = ...`` are the lesson (three of the
    four lines of that exercise's forward pass), while a solution copied into a page shows
    all of its block.
    """
    found = leaked_secrets(text, set(secrets.names))
    if exercise_page:
        return sorted(set(found) | set(leaked_secrets(text, secrets.lines)))
    for block in secrets.blocks:
        shown = leaked_secrets(text, set(block))
        if len(block) >= 2 and len(shown) == len(set(block)):
            found.append(f"all {len(shown)} lines of a solution: {shown}")
    return found


def read_yaml(path: Path):
    import yaml

    return yaml.safe_load(path.read_text())


def toc_pages(toc: dict) -> list[str]:
    """Every document of a Jupyter Book table of contents, root first, in reading order."""
    pages = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                pages.append(node["file"])
            for key, value in node.items():
                if key != "file":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    return [re.sub(r"\.(ipynb|md)$", "", p) for p in pages]


@dataclass(frozen=True)
class Launch:
    """What sphinx-book-theme's launch buttons are made from (``_config.yml``)."""

    repo_url: str
    branch: str
    colab_url: str = ""
    binderhub_url: str = ""
    interface: str = "classic"
    path_to_book: str = ""

    @classmethod
    def from_config(cls, config: dict) -> Launch:
        repo, buttons = config.get("repository", {}), config.get("launch_buttons", {})
        return cls(
            repo_url=repo["url"],
            branch=str(repo.get("branch", "main")),
            colab_url=buttons.get("colab_url", ""),
            binderhub_url=buttons.get("binderhub_url", ""),
            interface=buttons.get("notebook_interface", "classic"),
            path_to_book=repo.get("path_to_book", "") or "",
        )


def expected_launch_links(launch: Launch, page: str) -> dict[str, str]:
    """The launch links of notebook ``page`` (``book/adaptive``), as sphinx-book-theme 1.x
    writes them for a GitHub repository: ``{"colab": ..., "binder": ...}`` (those configured).

    Colab: ``<colab>/github/<org>/<repo>/blob/<branch>/<path>.ipynb``; Binder:
    ``<binderhub>/v2/gh/<org>/<repo>/<branch>?urlpath=tree/<path>.ipynb`` (``lab/tree`` for
    the jupyterlab interface)."""
    org, repo = urlparse(launch.repo_url).path.strip("/").split("/")[-2:]
    prefix = launch.path_to_book.strip("/")
    notebook = f"{prefix}/{page}.ipynb" if prefix else f"{page}.ipynb"
    ui = {"classic": "tree", "jupyterlab": "lab/tree"}[launch.interface]
    links = {}
    if launch.colab_url:
        colab = launch.colab_url.strip("/")
        links["colab"] = f"{colab}/github/{org}/{repo}/blob/{launch.branch}/{notebook}"
    if launch.binderhub_url:
        binder = launch.binderhub_url.strip("/")
        links["binder"] = f"{binder}/v2/gh/{org}/{repo}/{launch.branch}?urlpath={ui}/{notebook}"
    return links


def launch_problems(launch: Launch, page: str, hrefs: list[str], chapter: bool) -> list[str]:
    """Compare a page's links with its expected launch links: on a chapter each configured
    service needs a link; on any page every link to the service must be the expected one."""
    problems = []
    for service, expected in expected_launch_links(launch, page).items():
        host = urlparse(expected).netloc
        found = sorted({h for h in hrefs if urlparse(h).netloc == host})
        if chapter and not found:
            problems.append(f"no {service} launch link (expected {expected})")
        problems += [f"{service} link {h} (expected {expected})" for h in found if h != expected]
    return problems


def page_path(page: str) -> str:
    return page if page.endswith(".html") else f"{page}.html"


# ---------------------------------------------------------------------------------------
# In-page probes (each takes the CONTENT selectors)
# ---------------------------------------------------------------------------------------

_JS_HELPERS = """
  const root = sels.map(s => document.querySelector(s)).find(Boolean) || document.body;
  const desc = (el) => {
    const cls = typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).slice(0, 2).join('.') : '';
    const sec = el.closest('section[id]');
    return (sec ? '#' + sec.id + ' ' : '') + el.tagName.toLowerCase() + cls;
  };
"""

JS_WAIT_MATHJAX = """async ([ms, mayLoad]) => {
  const hasMath = !!document.querySelector('.math');
  const ready = () => window.MathJax && MathJax.startup && MathJax.startup.promise;
  // A deferred MathJax script has run by the load event; give a slow one a moment.
  for (let t = 0; !ready() && mayLoad && hasMath && t < 2000; t += 100)
    await new Promise(r => setTimeout(r, 100));
  if (!ready()) return hasMath ? 'not loaded' : 'no math';
  const timeout = new Promise(r => setTimeout(() => r('timeout'), ms));
  return await Promise.race([
    MathJax.startup.promise.then(() => 'ok', e => 'error: ' + e), timeout]);
}"""

JS_LOAD_IMAGES = (
    """async (sels) => {"""
    + _JS_HELPERS
    + """
  const imgs = [...root.querySelectorAll('img')];
  for (const img of imgs) img.loading = 'eager';
  await Promise.all(imgs.map(img => img.complete ? null : new Promise(r => {
    img.addEventListener('load', r); img.addEventListener('error', r); setTimeout(r, 5000); })));
}"""
)

JS_CONTENT = (
    """(sels) => {"""
    + _JS_HELPERS
    + """
  const skip = 'pre, code, kbd, samp, script, style, template, textarea, svg, math, '
    + 'mjx-container, .highlight';
  const texts = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = n.nodeValue;
    if (!t || !(t.includes('$') || t.includes('\\\\'))) continue;
    const el = n.parentElement;
    if (!el || el.closest(skip)) continue;
    const visible = el.checkVisibility ? el.checkVisibility({checkVisibilityCSS: true}) : true;
    texts.push({text: t, where: desc(el), visible});
  }
  const imgs = [...root.querySelectorAll('img')].map(img => ({
    src: img.getAttribute('src'), alt: img.getAttribute('alt'), complete: img.complete,
    natural: img.naturalWidth}));
  return {
    texts, imgs,
    mjx: root.querySelectorAll('mjx-container').length,
    articleText: root.innerText,
    bodyText: document.body.innerText,
    bodyContent: document.body.textContent,
    hrefs: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
  };
}"""
)

JS_LAYOUT = (
    """(sels) => {"""
    + _JS_HELPERS
    + """
  const vw = document.documentElement.clientWidth;
  const rs = getComputedStyle(root), rr = root.getBoundingClientRect();
  const colLeft = rr.left + parseFloat(rs.paddingLeft);
  const colRight = rr.right - parseFloat(rs.paddingRight);
  const col = Math.round(colRight - colLeft);
  const ox = (el) => getComputedStyle(el).overflowX;
  const scrolls = (el) => ['auto', 'scroll'].includes(ox(el));
  const clips = (el) => ['hidden', 'clip'].includes(ox(el));
  // the nearest box, from el up, that scrolls or clips sideways
  const box = (el) => {
    for (let a = el; a && a !== document.documentElement; a = a.parentElement)
      if (scrolls(a) || clips(a)) return a;
    return null;
  };
  const tag = (el) => el.tagName.toLowerCase() + (typeof el.className === 'string'
    && el.className.trim() ? '.' + el.className.trim().split(/\\s+/)[0] : '');
  const px = (r) => `${Math.round(r.left)}..${Math.round(r.right)} px`;
  const problems = [];
  // 1. anything (but formulas and tables, checked below) reaching past the viewport
  const flagged = [];
  for (const el of root.querySelectorAll('*')) {
    if (el.closest('mjx-container, table')) continue;
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || (r.right <= vw + 1 && r.left >= -1)) continue;
    if (flagged.some(f => f.contains(el))) continue;
    const b = box(el.parentElement);
    if (b && scrolls(b)) continue;  // reached by scrolling its box (itself checked here)
    flagged.push(el);
    const seen = el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
    problems.push(`${desc(el)}${seen ? '' : ' (invisible)'} spans ${px(r)} at ${vw} px: `
      + (b ? `cut off by ${tag(b)} (overflow-x ${ox(b)})` : 'the page scrolls sideways'));
  }
  // 2. formulas: wider than the column only inside a box that scrolls; never cut off
  for (const c of root.querySelectorAll('mjx-container')) {
    const m = (c.querySelector('mjx-math') || c).getBoundingClientRect();
    if (!m.width) continue;
    const kind = c.getAttribute('display') === 'true' ? 'display math' : 'inline math';
    let verdict = null;
    for (let a = c; a && a !== document.documentElement; a = a.parentElement) {
      if (scrolls(a)) break;
      const r = a.getBoundingClientRect();
      if (clips(a) && (m.right > r.right + 1 || m.left < r.left - 1)) {
        verdict = `cut off by ${a === c ? 'itself' : tag(a)} (overflow-x ${ox(a)}, `
          + `shows ${Math.round(r.width)} of ${Math.round(m.width)} px)`;
        break;
      }
      if (a === root) {
        if (m.right > colRight + 1 || m.left < colLeft - 1)
          verdict = `${Math.round(m.width)} px wide in a ${col} px column, not in a scrolling box`;
        break;
      }
    }
    if (verdict) problems.push(`${desc(c.parentElement)}: ${kind} ${verdict}`);
  }
  // 3. tables wider than the column scroll in a box (the table itself or an ancestor)
  for (const t of root.querySelectorAll('table')) {
    const w = Math.max(t.getBoundingClientRect().width, t.scrollWidth);
    const b = box(t);
    if (w > col + 1 && !(b && scrolls(b)))
      problems.push(`${desc(t)}: table ${Math.round(w)} px wide in a ${col} px column, `
        + (b ? `cut off by ${tag(b)}` : 'not in a scrolling box'));
  }
  const figures = [...root.querySelectorAll('img')].filter(i => i.naturalWidth > 0).map(i => ({
    src: i.getAttribute('src'), natural: i.naturalWidth,
    rendered: Math.round(i.getBoundingClientRect().width)}));
  return {problems, figures, pageScroll: document.documentElement.scrollWidth - vw};
}"""
)

JS_AXE = (
    """async (sels) => {"""
    + _JS_HELPERS
    + """
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => {
      let el = null;
      const t = n.target[0];
      try { el = typeof t === 'string' ? document.querySelector(t) : null; } catch (e) {}
      return {target: n.target.join(' >>> '), ours: !!(el && root.contains(el)),
              html: n.html.slice(0, 160)};
    }),
  }));
}"""
)

JS_SEARCH_DONE = """() => {
  const s = document.querySelector('#search-results .search-summary');
  return s && /finished|did not match/i.test(s.textContent);
}"""


# ---------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------

CHECKS = (  # key, column title, what it counts
    ("status", "http", "page status not 200 / redirect"),
    ("failed", "failreq", "failed requests (requestfailed or status >= 400)"),
    ("external", "extern", "blocked requests to other hosts"),
    ("console", "console", "console errors"),
    ("pageerror", "pageerr", "uncaught page errors"),
    ("tex", "rawTeX", "raw TeX in the article"),
    ("imgload", "imgfail", "article images that did not load"),
    ("alt", "badalt", "images without usable alt text"),
    ("wording", "wording", "internal wording"),
    ("layout", "phone", "phone layout (390 px) overflow"),
    ("launch", "launch", "wrong or missing launch links"),
    ("leak", "leak", "exercise secrets in the page's text"),
    ("search", "search", "search results"),
    ("axe", "axeArt", "axe violations in the article (nodes)"),
)


@dataclass
class PageReport:
    page: str
    problems: dict[str, list[str]] = field(default_factory=dict)
    math: int = 0
    images: int = 0
    mathjax: str = ""
    scales: list[float] = field(default_factory=list)
    axe_article: dict[str, int] = field(default_factory=dict)
    axe_chrome: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, key: str, items) -> None:
        bucket = self.problems.setdefault(key, [])
        for item in items:
            if item not in bucket:
                bucket.append(item)

    def count(self, key: str) -> int:
        return len(self.problems.get(key, []))

    @property
    def ok(self) -> bool:
        return not any(self.count(key) for key, _, _ in CHECKS)


@dataclass
class Context:
    site: Path
    launch: Launch
    secrets: Secrets
    axe: str
    root: str
    screenshots: Path | None = None
    screenshot_pages: set[str] = field(default_factory=set)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory: Path) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(QuietHandler, directory=str(directory))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def axe_source() -> str:
    """axe.min.js of the axe-core pinned in tools/npm_assets.py (fetched and verified once)."""
    from tools import npm_assets

    script = AXE_DIR / "axe-core" / "axe.min.js"
    version = npm_assets.PACKAGES["axe-core"].version
    stamp = AXE_DIR / "axe-core" / ".version"
    if not (script.exists() and stamp.exists() and stamp.read_text() == version):
        npm_assets.install("axe-core", AXE_DIR)
        stamp.write_text(version)
    return script.read_text()


def load_secrets() -> Secrets:
    """Solution blocks and hidden test names of the exercise masters."""
    sys.path.insert(0, str(ROOT))
    from exercises.build import masters
    from tests.test_exercises import hidden_test_names, solution_blocks

    names, blocks = set(), []
    for master in masters():
        names |= hidden_test_names(master)
        blocks += solution_blocks(master)
    return Secrets(frozenset(names), tuple(blocks))


@dataclass
class Visit:
    """One page in a fresh context: its blocked and failed requests, console and errors."""

    viewport: str
    report: PageReport
    context: object = None
    page: object = None
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console: list = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    async def route(self, host: str, route) -> None:
        url = urlparse(route.request.url)
        if url.scheme in ("data", "blob") or url.netloc == host:
            await route.continue_()
        else:
            self.blocked.append(route.request.url)
            await route.abort("blockedbyclient")

    def _fail(self, url: str, why: str) -> None:
        if url not in self.blocked and not any(f.startswith(url + " (") for f in self.failed):
            self.failed.append(f"{url} ({why})")  # one line per URL: a 404 also aborts

    def on_failed(self, request) -> None:
        self._fail(request.url, request.failure)

    def on_response(self, response) -> None:
        if response.status >= 400:
            self._fail(response.url, f"HTTP {response.status}")

    def on_console(self, message) -> None:
        if message.type == "error":
            self.console.append((message.text, message.location.get("url", "")))

    async def close(self) -> None:
        """End the visit and record its failures in the report."""
        await self.context.close()
        report = self.report
        report.add("failed", self.failed)
        report.add("external", self.blocked)
        # Chromium repeats a failed load as a console error: counted once, as a request.
        seen = {f.split(" (")[0] for f in self.failed} | set(self.blocked)
        report.add(
            "console",
            [
                text
                for text, url in self.console
                if not (text.startswith("Failed to load resource") and url in seen)
            ],
        )
        report.add("pageerror", self.errors)


class Site:
    """One Chromium for the whole run, confined to the local server."""

    def __init__(self, browser, base: str, ctx: Context):
        self.browser, self.base, self.ctx = browser, base, ctx
        self.host = urlparse(base).netloc

    async def open(self, viewport: str, path: str, report: PageReport, math=True) -> Visit:
        """Open ``path`` ("desktop" or "phone") in a fresh context, as a first-time visitor;
        on return the page has loaded and MathJax has typeset (or given up)."""
        options = DESKTOP if viewport == "desktop" else PHONE
        visit = Visit(viewport, report)
        visit.context = await self.browser.new_context(service_workers="block", **options)
        await visit.context.route("**/*", partial(visit.route, self.host))
        page = visit.page = await visit.context.new_page()
        page.on("requestfailed", visit.on_failed)
        page.on("response", visit.on_response)
        page.on("console", visit.on_console)
        page.on("pageerror", lambda e: visit.errors.append(str(e).splitlines()[0]))
        response = await page.goto(urljoin(self.base, path), wait_until="load", timeout=60_000)
        status = response.status if response else 0
        if status != 200:
            report.add("status", [f"[{viewport}] {path}: HTTP {status}"])
        if math:
            may_load = not any("mathjax" in u.lower() for u in visit.blocked + visit.failed)
            state = await page.evaluate(JS_WAIT_MATHJAX, [MATHJAX_TIMEOUT_MS, may_load])
            report.mathjax = report.mathjax or state
            if state not in ("ok", "no math"):
                n = await page.evaluate("document.querySelectorAll('.math').length")
                report.add("tex", [f"[{viewport}] MathJax {state}: {n} formulas shown as TeX"])
        return visit

    async def check(self, report: PageReport) -> None:
        start = time.perf_counter()
        if report.page == "index":
            await self.check_index(report)
        else:
            path = page_path(report.page)
            visit = await self.open("desktop", path, report)
            await self.check_content(visit.page, report)
            await self.check_axe(visit.page, report)
            await visit.close()
            visit = await self.open("phone", path, report)
            await self.check_layout(visit.page, report)
            await self.screenshot(visit.page, report.page)
            await visit.close()
            if report.page == "search":
                await self.check_search(report)
        report.seconds = round(time.perf_counter() - start, 1)

    async def screenshot(self, page, name: str) -> None:
        if self.ctx.screenshots and name in self.ctx.screenshot_pages:
            out = self.ctx.screenshots / (name.replace("/", "_") + ".png")
            await page.screenshot(path=str(out), full_page=True)

    async def check_content(self, page, report: PageReport) -> None:
        """Checks 3, 4, 5, 8 and 9, on the desktop page."""
        await page.evaluate(JS_LOAD_IMAGES, CONTENT)
        data = await page.evaluate(JS_CONTENT, CONTENT)
        report.math, report.images = data["mjx"], len(data["imgs"])
        for node in data["texts"]:
            hidden = "" if node["visible"] else " (hidden)"
            report.add("tex", [f"{node['where']}{hidden}: {t}" for t in raw_tex(node["text"])])
        for img in data["imgs"]:
            if not img["complete"] or not img["natural"]:
                report.add("imgload", [f"{img['src']} did not load"])
            why = alt_text_problem(img["alt"])
            if why:
                report.add("alt", [f"{img['src']}: {why} (alt={img['alt']!r})"])
        report.add("wording", internal_wording(data["articleText"]))
        notebook = report.page.startswith("book/") and (ROOT / f"{report.page}.ipynb").exists()
        chapter = report.page.count("/") == 1 and report.page not in NOT_CHAPTERS
        if chapter and not notebook:
            report.add("launch", [f"{report.page}.ipynb is not in the repository"])
        if notebook:
            report.add(
                "launch", launch_problems(self.ctx.launch, report.page, data["hrefs"], chapter)
            )
        exercise = report.page.startswith("book/exercises/")
        shown = leaks(data["bodyText"], self.ctx.secrets, exercise)
        hidden = set(leaks(data["bodyContent"], self.ctx.secrets, exercise)) - set(shown)
        report.add("leak", [f"in the text: {s}" for s in shown])
        report.add("leak", [f"in hidden text: {s}" for s in sorted(hidden)])

    async def check_axe(self, page, report: PageReport) -> None:
        await page.add_script_tag(content=self.ctx.axe)
        for v in await page.evaluate(JS_AXE, CONTENT):
            ours = [n for n in v["nodes"] if n["ours"]]
            chrome = len(v["nodes"]) - len(ours)
            if ours:
                report.axe_article[v["id"]] = len(ours)
                report.add(
                    "axe",
                    [f"{v['id']} ({v['impact']}: {v['help']}): {n['html']}" for n in ours],
                )
            if chrome:
                report.axe_chrome[v["id"]] = chrome

    async def check_layout(self, page, report: PageReport) -> None:
        await page.evaluate(JS_LOAD_IMAGES, CONTENT)
        data = await page.evaluate(JS_LAYOUT, CONTENT)
        report.add("layout", data["problems"])
        if data["pageScroll"] > 1:
            report.add("layout", [f"the page is {data['pageScroll']} px wider than the phone"])
        report.scales = [round(f["rendered"] / f["natural"], 2) for f in data["figures"]]

    async def check_search(self, report: PageReport) -> None:
        visit = await self.open("desktop", f"search.html?q={SEARCH_QUERY}", report, math=False)
        hrefs = None
        try:
            await visit.page.wait_for_function(JS_SEARCH_DONE, timeout=15_000)
            hrefs = await visit.page.eval_on_selector_all(
                "#search-results ul.search li > a", "els => els.map(a => a.href)"
            )
            await visit.page.wait_for_timeout(300)  # summaries are fetched after the list
        except Exception as exc:  # playwright's TimeoutError
            report.add("search", [f"the search for {SEARCH_QUERY!r} did not finish: {exc}"])
        await visit.close()
        if hrefs is None:
            return
        top = [urlparse(h).path.lstrip("/") for h in hrefs[:SEARCH_TOP]]
        if SEARCH_EXPECT not in top:
            report.add(
                "search",
                [
                    f"{SEARCH_EXPECT} not in the first {SEARCH_TOP} results for {SEARCH_QUERY!r}: {top}"
                ],
            )

    async def check_index(self, report: PageReport) -> None:
        """index.html answers 200 and sends the reader on to the root page."""
        visit = await self.open("phone", "index.html", report, math=False)
        target = page_path(self.ctx.root)
        try:
            await visit.page.wait_for_url(f"**/{target}", timeout=10_000, wait_until="load")
            await self.screenshot(visit.page, "index")
        except Exception:
            landed = urlparse(visit.page.url).path.lstrip("/")
            report.add("status", [f"index.html does not lead to {target} (at {landed})"])
        await visit.close()


async def browse(pages: list[str], ctx: Context, workers: int, max_items: int):
    from playwright.async_api import async_playwright

    server = serve(ctx.site)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    reports = [PageReport(p) for p in pages]
    queue: asyncio.Queue = asyncio.Queue()
    for r in reports:
        queue.put_nowait(r)
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            site = Site(browser, base, ctx)

            async def worker():
                while not queue.empty():
                    report = queue.get_nowait()
                    try:
                        await site.check(report)
                    except Exception as exc:  # a page that breaks the probe fails, the run goes on
                        report.add("status", [f"the check stopped: {type(exc).__name__}: {exc}"])
                    print_page(report, max_items)

            try:
                await asyncio.gather(*(worker() for _ in range(max(1, workers))))
            finally:
                await browser.close()
    finally:
        server.shutdown()
    return reports


def print_page(report: PageReport, max_items: int) -> None:
    info = f"math {report.math}, images {report.images}"
    if report.scales:
        info += f", figure scale at 390 px {min(report.scales):.2f}..{max(report.scales):.2f}"
    if report.axe_chrome:
        info += f", axe in theme chrome {sum(report.axe_chrome.values())}"
    info += f", {report.seconds:.0f} s"
    if report.ok:
        print(f"ok    {report.page}  ({info})", flush=True)
        return
    counts = ", ".join(f"{t} {report.count(k)}" for k, t, _ in CHECKS if report.count(k))
    lines = [f"FAIL  {report.page}: {counts}  ({info})"]
    for key, _, what in CHECKS:
        items = report.problems.get(key, [])
        if items:
            lines.append(f"      {what}:")
            lines += [f"        - {item}" for item in items[:max_items]]
            if len(items) > max_items:
                lines.append(f"        ... and {len(items) - max_items} more")
    print("\n".join(lines), flush=True)


def print_summary(reports: list[PageReport]) -> None:
    cols = [("page", max([4] + [len(r.page) for r in reports]) + 2), ("math", 5), ("imgs", 4)]
    cols += [(title, len(title)) for _, title, _ in CHECKS]

    def row(values):
        print(
            "  ".join(
                f"{v:<{w}}" if i == 0 else f"{v:>{w}}"
                for i, (v, (_, w)) in enumerate(zip(values, cols, strict=True))
            )
        )

    print()
    row([t for t, _ in cols])
    totals = [0] * (len(cols) - 1)
    for r in reports:
        values = [r.math, r.images] + [r.count(key) for key, _, _ in CHECKS]
        totals = [t + v for t, v in zip(totals, values, strict=True)]
        row([r.page, *values])
    row([f"TOTAL {len(reports)} pages", *totals])
    print("  " + "; ".join(f"{title}: {what}" for _, title, what in CHECKS))
    scales = sorted((s, r.page) for r in reports for s in r.scales)
    if scales:
        print(f"\nfigure scale at 390 px (CSS width / natural width), {len(scales)} figures:")
        print(
            f"  min {scales[0][0]:.2f} ({scales[0][1]}), max {scales[-1][0]:.2f}; "
            + ", ".join(
                f"< {b:.2f}: {sum(s < b for s, _ in scales)}" for b in (0.4, 0.5, 0.65, 0.8)
            )
        )
    for label, attr in (("article (fails)", "axe_article"), ("theme chrome (info)", "axe_chrome")):
        rules: dict[str, list[int]] = {}
        for r in reports:
            for rule, n in getattr(r, attr).items():
                rules.setdefault(rule, [0, 0])
                rules[rule][0] += n
                rules[rule][1] += 1
        if rules:
            print(f"\naxe-core violations in the {label}, by rule:")
            for rule, (n, pages) in sorted(rules.items(), key=lambda kv: -kv[1][0]):
                print(f"  {rule}: {n} nodes on {pages} pages")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, nargs="?", default=ROOT / "_build" / "html")
    parser.add_argument("--pages", help="comma-separated pages (book/adaptive,search,index)")
    parser.add_argument("--screenshots", type=Path, help="save full-page phone screenshots here")
    parser.add_argument("--screenshot-pages", default=DEFAULT_SCREENSHOT_PAGES)
    parser.add_argument("--json", type=Path, help="write every result to this file")
    parser.add_argument("--workers", type=int, default=2, help="pages checked at once")
    parser.add_argument("--max-items", type=int, default=3, help="items printed per problem")
    args = parser.parse_args(argv)

    if not (args.site / "index.html").exists():
        print(f"browse_site: no built site in {args.site} (make book)")
        return 2
    if not Path(CHROMIUM).exists():
        print(f"browse_site: {CHROMIUM} is missing (apt-get install chromium)")
        return 2
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        print("browse_site: the Python package playwright is missing (pip install playwright)")
        return 2

    start = time.perf_counter()
    toc = read_yaml(ROOT / "_toc.yml")
    every = ["index", *toc_pages(toc), "search"]
    pages = every
    if args.pages:
        pages = [p.strip().removesuffix(".html") for p in args.pages.split(",") if p.strip()]
        unknown = [p for p in pages if p not in every]
        if unknown:
            print(f"browse_site: not pages of the site: {unknown} (pages: {', '.join(every)})")
            return 2
    if args.screenshots:
        args.screenshots.mkdir(parents=True, exist_ok=True)
    ctx = Context(
        site=args.site,
        launch=Launch.from_config(read_yaml(ROOT / "_config.yml")),
        secrets=load_secrets(),
        axe=axe_source(),
        root=toc_pages(toc)[0],
        screenshots=args.screenshots,
        screenshot_pages={
            p.strip().removesuffix(".html") for p in args.screenshot_pages.split(",")
        },
    )
    reports = asyncio.run(browse(pages, ctx, args.workers, args.max_items))
    order = {p: i for i, p in enumerate(pages)}
    reports.sort(key=lambda r: order[r.page])
    print_summary(reports)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in reports], indent=1) + "\n")
    bad = [r.page for r in reports if not r.ok]
    verdict = f"FAILED on {len(bad)} of {len(reports)} pages" if bad else "ok"
    print(f"\nbrowse site: {verdict} ({args.site}, {time.perf_counter() - start:.0f} s)")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
