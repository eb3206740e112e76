// The board from the keyboard: "/" searches, "j"/"k" go to the next/previous card, Enter
// opens it (it is a link), "a" assigns the card to me where I may, "?" lists these keys.
// Keys typed into a field are the field's, and a key with Ctrl, Alt or Meta the browser's.
"use strict";
(function () {
  const boardEl = document.getElementById("board");
  const dialog = document.getElementById("shortcuts");
  if (!boardEl || !dialog) return;
  const search = document.getElementById("board-search");
  const opener = document.getElementById("shortcuts-open");
  const me = boardEl.dataset.me;
  let focusedCard = null;

  function typing(target) {
    if (target.isContentEditable) return true;
    if (target.tagName === "TEXTAREA" || target.tagName === "SELECT") return true;
    return target.tagName === "INPUT" &&
      !["checkbox", "radio", "button", "submit", "reset"].includes(target.type);
  }

  function cards() {
    // Only the cards on view: on a phone the board shows one column at a time.
    return Array.from(boardEl.querySelectorAll("li.card")).filter((c) => c.offsetParent);
  }

  function focusCard(card) {
    if (!card) return;
    const link = card.querySelector(".card-title");
    link.focus();
    card.scrollIntoView({ block: "nearest" });
  }

  function step(by) {
    const all = cards();
    const current = document.activeElement && document.activeElement.closest("li.card");
    const at = all.indexOf(current);
    if (at < 0) focusCard(by > 0 ? all[0] : all[all.length - 1]);
    else focusCard(all[Math.min(Math.max(at + by, 0), all.length - 1)]);
  }

  function say(kind, message) {
    document.body.dispatchEvent(new CustomEvent("collab:" + kind, { detail: { message } }));
  }

  function assignToMe() {
    const card = document.activeElement && document.activeElement.closest("li.card");
    if (!card || !me) return;
    if (!card.classList.contains("movable")) {
      say("refused", boardEl.dataset.notYours);
      return;
    }
    const id = card.dataset.id;
    const url = boardEl.dataset.moveUrl.replace(/\/0\/move$/, "/" + id + "/move");
    htmx.ajax("POST", url, {
      source: card, target: card, swap: "outerHTML",
      values: { version: card.dataset.version, assignee: me },
    }).then(() => focusCard(document.getElementById("card-" + id)));
  }

  const keys = {
    "/": () => search && search.focus(),
    j: () => step(1),
    k: () => step(-1),
    a: assignToMe,
    "?": () => dialog.showModal(),
  };

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey || dialog.open) return;
    if (typing(event.target)) return;
    const action = keys[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });

  // A swap that replaces the focused card (a live update, an assignment) gives the focus
  // back to the card as it now is, wherever it went.
  document.body.addEventListener("htmx:beforeSwap", () => {
    const card = document.activeElement && document.activeElement.closest("li.card");
    focusedCard = card ? card.id : null;
  });
  function refocus() {
    const lost = !document.activeElement || document.activeElement === document.body;
    if (lost && focusedCard) focusCard(document.getElementById(focusedCard));
  }
  document.body.addEventListener("htmx:afterSwap", refocus);
  document.body.addEventListener("htmx:afterSettle", refocus);

  if (opener) {
    opener.hidden = false;
    opener.addEventListener("click", () => dialog.showModal());
  }
})();
