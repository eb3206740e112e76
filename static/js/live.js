// The live board: the server's stream names the lanes that changed (anyone's move, an
// import, a worker's change), and the board re-fetches those lanes and its counts. When the
// browser has no EventSource, or the stream fails or is refused (the server is full, or its
// message service is away), the board polls (every 15 seconds) until a stream opens again.
"use strict";
(function () {
  const live = document.getElementById("board-live");
  if (!live) return;
  const refresh = live.querySelector("[hx-get]");
  const POLL_MS = 1000 * Number(live.dataset.pollSeconds || 15);
  const pending = new Set();
  let poller = null;

  function poll(on) {
    if (on && !poller) {
      poller = window.setInterval(() => htmx.trigger(refresh, "collab:poll"), POLL_MS);
    } else if (!on && poller) {
      window.clearInterval(poller);
      poller = null;
    }
  }

  if (!window.EventSource) {
    live.removeAttribute("sse-connect"); // before htmx starts the extension on it
    poll(true);
    return;
  }
  live.addEventListener("htmx:sseError", () => poll(true));
  live.addEventListener("htmx:sseOpen", () => {
    // What changed while the stream was down is fetched once, then the stream takes over.
    if (poller) htmx.trigger(refresh, "collab:poll");
    poll(false);
  });

  refresh.addEventListener("sse:board", (event) => {
    try {
      JSON.parse(event.detail.data).lanes.forEach((lane) => pending.add(lane));
    } catch (ignored) {
      // a malformed message: the next poll or message puts the board right
    }
  });
  refresh.addEventListener("htmx:configRequest", (event) => {
    const trigger = event.detail.triggeringEvent;
    if (trigger && trigger.type === "collab:poll") {
      pending.clear(); // a poll re-fetches every lane
      return;
    }
    if (!pending.size) {
      event.preventDefault(); // an earlier request already took these lanes
      return;
    }
    event.detail.parameters["lanes"] = Array.from(pending).join(",");
    pending.clear();
  });
})();
