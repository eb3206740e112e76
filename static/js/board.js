// Drag and drop on the board: Sortable moves the card, htmx posts the move, the server
// answers with the card as it now is, and the card goes to the lane its answer names.
// A refused or stale move therefore puts the card where it really is, with a message.
"use strict";
(function () {
  const boardEl = document.querySelector(".board");
  if (!boardEl || boardEl.dataset.canMove !== "yes" || !window.Sortable || !window.htmx) return;
  const message = document.getElementById("board-message");
  const moveUrl = (id) => boardEl.dataset.moveUrl.replace(/\/0\/move$/, "/" + id + "/move");

  // Refusals (403, 409, 422) carry the card as it is: swap it in rather than drop it.
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "(403|409|422)", swap: true, error: false },
    { code: "[45]..", swap: false, error: true },
  ];

  function say(text) {
    message.textContent = text;
    message.hidden = !text;
  }

  function laneFor(card) {
    const status = card.dataset.status, team = card.dataset.team || "";
    return boardEl.querySelector(`ul.lane[data-status="${status}"][data-team="${team}"]`);
  }

  document.body.addEventListener("collab:refused", (event) => say(event.detail.message));
  document.body.addEventListener("htmx:responseError", () =>
    say("The move could not be saved; the card is back where it was."));

  boardEl.querySelectorAll("ul.lane").forEach((lane) => {
    Sortable.create(lane, {
      group: "board",
      draggable: "li.card",
      animation: 120,
      onEnd(event) {
        if (event.from === event.to) return;
        const card = event.item, from = event.from, oldIndex = event.oldIndex;
        const id = card.dataset.id;
        const values = { version: card.dataset.version, status: event.to.dataset.status };
        if (event.to.dataset.team !== event.from.dataset.team) values.team = event.to.dataset.team;
        say("");
        htmx.ajax("POST", moveUrl(id), { source: card, target: card, swap: "outerHTML", values })
          .then(() => {
            const now = document.getElementById("card-" + id);
            if (!now) return;
            const home = laneFor(now);
            if (home && now.parentElement !== home) {
              home.insertBefore(now, home === from ? from.children[oldIndex] || null : home.firstChild);
            } else if (!home) {
              now.remove(); // its lane is filtered out of this view
            }
          });
      },
    });
  });
})();
