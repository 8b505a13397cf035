// The course site on small screens (loaded by book/_ext/coursesite.py).
//
// 1. Display equations on a phone. MathJax 3 does not break lines, and many of the course's
//    equations list several statements side by side ("a = ...,\quad b = ..."). Below
//    NARROW px, a display equation is broken at its top-level \quad / \qquad gaps into
//    centred lines (a gathered environment) before MathJax typesets it; what is still too
//    wide scrolls sideways (course.css).
(function () {
  "use strict";
  var NARROW = 600;

  // Split TeX at \quad or \qquad (a comma before one stays on its line) outside any
  // braces, \left...\right pair or environment; [] when there is no such gap.
  function topLevelGaps(tex) {
    var parts = [];
    var depth = 0;
    var start = 0;
    var re = /\\(?:begin|end|left|right)\b|\\q?quad\b|[{}]|\\[{}]/g;
    var m;
    while ((m = re.exec(tex))) {
      var t = m[0];
      if (t === "{" || t === "\\begin" || t === "\\left") depth++;
      else if (t === "}" || t === "\\end" || t === "\\right") depth--;
      else if ((t === "\\quad" || t === "\\qquad") && depth === 0) {
        var piece = tex.slice(start, m.index).trim();
        if (piece) parts.push(piece);
        start = m.index + t.length;
      }
    }
    if (!parts.length) return [];
    var last = tex.slice(start).trim();
    if (last) parts.push(last);
    return parts;
  }

  function breakForPhones(tex) {
    if (/\\\\|&/.test(tex)) return tex; // already laid out in rows or columns
    var parts = topLevelGaps(tex);
    if (parts.length < 2) return tex;
    return "\\begin{gathered}" + parts.join(" \\\\ ") + "\\end{gathered}";
  }

  if (window.innerWidth >= NARROW) return;
  var config = (window.MathJax = window.MathJax || {});
  var startup = (config.startup = config.startup || {});
  var ready = startup.ready;
  startup.ready = function () {
    if (ready) ready();
    else MathJax.startup.defaultReady();
    MathJax.startup.document.inputJax.forEach(function (jax) {
      if (jax.name !== "TeX") return;
      jax.preFilters.add(function (args) {
        if (args.math.display) args.math.math = breakForPhones(args.math.math);
      });
    });
  };
})();

// 2. Figures and scrolling boxes.
// A matplotlib figure squeezed into a phone's column shrinks its tick labels to a few
// pixels. Each figure is shown at least at MIN_SCALE of its natural size (labels of 10 pt
// at 100 dpi stay about 9 CSS px tall); a wider figure scrolls sideways in its output area.
(function () {
  "use strict";
  var MIN_SCALE = 0.65;

  function fit(img) {
    var box = img.parentElement;
    if (!box || !img.naturalWidth) return;
    var column = box.clientWidth || box.getBoundingClientRect().width;
    var least = Math.round(img.naturalWidth * MIN_SCALE);
    if (least > column) {
      box.classList.add("course-scroll");
      box.tabIndex = 0; // a box that scrolls must be reachable with the keyboard
      img.style.width = least + "px";
    } else {
      box.classList.remove("course-scroll");
      box.removeAttribute("tabindex");
      img.style.width = "";
    }
  }

  function fitAll() {
    document.querySelectorAll(".cell_output img").forEach(function (img) {
      if (img.complete) fit(img);
      else img.addEventListener("load", function () { fit(img); }, { once: true });
    });
  }

  // Display equations and tables that scroll sideways get keyboard access too.
  function focusableScrollers() {
    document
      .querySelectorAll('.bd-article table, .bd-article mjx-container[display="true"]')
      .forEach(function (el) {
        if (el.scrollWidth > el.clientWidth + 1) el.tabIndex = 0; // MathJax may set its own
      });
  }

  function start() {
    fitAll();
    focusableScrollers();
  }

  // MathJax (a deferred script after this one) typesets later: check its output once done.
  window.addEventListener("load", function () {
    var mj = window.MathJax;
    if (mj && mj.startup && mj.startup.promise) mj.startup.promise.then(focusableScrollers);
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  var timer;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      fitAll();
      focusableScrollers();
    }, 150);
  });
})();
