// The board's forms, quicker with script; each works without it.
"use strict";
(function () {
  // "Select all" of a lane ticks (or, when all are ticked, unticks) the lane's cards in
  // place; without script the same link reloads the board with that lane's cards ticked.
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a.pick-lane");
    if (!link) return;
    const lane = link.closest("h3").nextElementSibling;
    const boxes = lane ? [...lane.querySelectorAll("input.pick")] : [];
    if (!boxes.length) return;
    event.preventDefault();
    const tick = !boxes.every((box) => box.checked);
    boxes.forEach((box) => { box.checked = tick; });
    if (tick) unfoldActions();
  });
  // Ticking a card unfolds what can be done to the selected cards.
  document.addEventListener("change", (event) => {
    if (event.target.matches("input.pick") && event.target.checked) unfoldActions();
  });
  function unfoldActions() {
    const actions = document.querySelector("details.bulk-actions");
    if (actions) actions.open = true;
  }

  // Filters apply as they change: a choice at once, typed text after a pause. The board
  // loads as a page (its address keeps the filters), so dragging and the counts start afresh;
  // the text field keeps the focus across the load while someone types.
  const filters = document.querySelector("form.filters[data-live]");
  if (!filters) return;
  const typing = "collab-filter-typing";
  let timer = null;
  filters.addEventListener("change", (event) => {
    if (event.target.name !== "q") filters.requestSubmit();
  });
  filters.addEventListener("input", (event) => {
    if (event.target.name !== "q") return;
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      window.sessionStorage.setItem(typing, "1");
      filters.requestSubmit();
    }, 600);
  });
  if (window.sessionStorage.getItem(typing)) {
    window.sessionStorage.removeItem(typing);
    const text = filters.elements.q;
    text.focus();
    text.setSelectionRange(text.value.length, text.value.length);
  }
})();
