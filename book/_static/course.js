// The course site on small screens (loaded by book/_ext/coursesite.py).
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
      img.style.width = least + "px";
    } else {
      box.classList.remove("course-scroll");
      img.style.width = "";
    }
  }

  function fitAll() {
    document.querySelectorAll(".cell_output img").forEach(function (img) {
      if (img.complete) fit(img);
      else img.addEventListener("load", function () { fit(img); }, { once: true });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fitAll);
  else fitAll();
  var timer;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(fitAll, 150);
  });
})();
