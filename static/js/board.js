// Drag and drop on the board: Sortable moves the card, htmx posts the move, the server
// answers with the card as it now is (and the board's counts, out of band), and the card
// goes to the lane its answer names. A refused or stale move therefore puts the card where
// it really is, with a message. Only cards the person may move can be picked up, and only
// dropped where they may go; a director handing a card to the other team is asked first.
"use strict";
(function () {
  const boardEl = document.querySelector(".board");
  if (!boardEl || boardEl.dataset.canMove !== "yes" || !window.Sortable || !window.htmx) return;
  const message = document.getElementById("board-message");
  const director = boardEl.dataset.director === "yes";
  const moveUrl = (id) => boardEl.dataset.moveUrl.replace(/\/0\/move$/, "/" + id + "/move");

  // Refusals (403, 409, 422) carry the card as it is: swap it in rather than drop it.
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "(403|409|422)", swap: true, error: false },
    { code: "[45]..", swap: false, error: true },
  ];

  // One message at a time: what this move says replaces whatever was said before it,
  // the page's own messages included.
  function say(text, refused) {
    document.querySelectorAll("main .flash:not(#board-message)").forEach((old) => old.remove());
    message.textContent = text || "";
    message.hidden = !text;
    message.classList.toggle("flash-error", !!refused);
    message.setAttribute("role", refused ? "alert" : "status");
  }

  function laneFor(card) {
    const status = card.dataset.status, team = card.dataset.team || "";
    return boardEl.querySelector(`ul.lane[data-status="${status}"][data-team="${team}"]`);
  }

  // May this card be dropped in this lane? The same answer the server gives, asked first.
  function mayDrop(card, lane) {
    const moves = (card.dataset.moves || "").split(" ");
    const status = lane.dataset.status, team = lane.dataset.team;
    if (!director && team !== card.dataset.team) return false;
    if (status === card.dataset.status) return director && team !== card.dataset.team;
    return moves.includes(status);
  }

  function confirmReroute(card, from, to) {
    if (!director || !from.dataset.team || from.dataset.team === to.dataset.team) return true;
    const title = card.querySelector(".card-title").textContent;
    const question = boardEl.dataset.rerouteQuestion
      .replaceAll("{title}", title)
      .replaceAll("{from}", from.dataset.label)
      .replaceAll("{to}", to.dataset.label);
    return window.confirm(question);
  }

  document.body.addEventListener("collab:moved", (event) => say(event.detail.message, false));
  document.body.addEventListener("collab:refused", (event) => say(event.detail.message, true));
  document.body.addEventListener("htmx:responseError", () =>
    say(boardEl.dataset.failed, true));

  boardEl.querySelectorAll("ul.lane").forEach((lane) => {
    Sortable.create(lane, {
      group: { name: "board", put: (to, from, dragged) => mayDrop(dragged, to.el) },
      draggable: "li.card.movable",
      sort: false,
      animation: 120,
      onEnd(event) {
        if (event.from === event.to) return;
        const card = event.item, from = event.from, oldIndex = event.oldIndex;
        if (!confirmReroute(card, from, event.to)) {
          from.insertBefore(card, from.children[oldIndex] || null);
          return;
        }
        const id = card.dataset.id;
        const values = { version: card.dataset.version, status: event.to.dataset.status };
        if (event.to.dataset.team !== event.from.dataset.team) values.team = event.to.dataset.team;
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
