// Code blocks wider than the page scroll sideways: make those reachable from the keyboard
// (a focused block scrolls with the arrow keys), as WCAG asks (axe: scrollable-region-focusable).
(function () {
  function update() {
    document.querySelectorAll("div.highlight pre").forEach(function (pre) {
      if (pre.scrollWidth > pre.clientWidth) {
        pre.setAttribute("tabindex", "0");
      } else {
        pre.removeAttribute("tabindex");
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
  window.addEventListener("resize", update);
})();
