// Drag and drop on the board: Sortable moves the card, htmx posts the move, the server
// answers with the card as it now is. A refused move puts the card back where it was.
"use strict";
(function () {
  const boardEl = document.querySelector(".board");
  if (!boardEl || boardEl.dataset.canMove !== "yes" || !window.Sortable || !window.htmx) return;
  const message = document.getElementById("board-message");
  const moveUrl = (id) => boardEl.dataset.moveUrl.replace(/\/0\/move$/, "/" + id + "/move");

  function say(text) {
    message.textContent = text;
    message.hidden = !text;
  }

  document.body.addEventListener("collab:refused", (event) => say(event.detail.message));

  boardEl.querySelectorAll("ul.lane").forEach((lane) => {
    Sortable.create(lane, {
      group: "board",
      draggable: "li.card",
      animation: 120,
      onEnd(event) {
        if (event.from === event.to) return;
        const card = event.item;
        const from = event.from, oldIndex = event.oldIndex;
        const values = {
          version: card.dataset.version,
          status: event.to.dataset.status,
        };
        if (event.to.dataset.team) values.team = event.to.dataset.team;
        say("");
        htmx.ajax("POST", moveUrl(card.dataset.id), {
          target: card, swap: "outerHTML", values: values,
        }).then(() => {
          const now = document.getElementById("card-" + card.dataset.id);
          // The answer says where the card really is; put it back if the move was refused.
          if (now && (now.dataset.status !== event.to.dataset.status)) {
            from.insertBefore(now, from.children[oldIndex] || null);
          }
        });
      },
    });
  });
})();
