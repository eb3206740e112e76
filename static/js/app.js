// collab's own behaviour on top of htmx; every page also works without it.
"use strict";
(function () {
  // On a phone the header's menu folds behind its button (CSS shows the button only on
  // narrow screens, and only once this script has run: without it the menu just wraps).
  const bar = document.querySelector(".topbar");
  const toggle = bar && bar.querySelector(".menu-toggle");
  if (!toggle) return;
  bar.classList.add("js-menu", "collapsed");
  toggle.addEventListener("click", () => {
    const open = bar.classList.toggle("collapsed") === false;
    toggle.setAttribute("aria-expanded", String(open));
  });
})();
