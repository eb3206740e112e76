// The live board: the server's stream names the lanes that changed (anyone's move, an
// import, a worker's change), and the board re-fetches those lanes and its counts. When the
// browser has no EventSource, or the stream fails or is refused (the server is full, or its
// message service is away), the board polls (every 15 seconds) until a stream opens again.
// A re-fetched lane keeps what its reader did to it: as many cards as "show more" had shown
// ("todo:it@30"), and the cards they ticked for a bulk change, wherever those went.
"use strict";
(function () {
  const live = document.getElementById("board-live");
  if (!live) return;
  const refresh = live.querySelector("[hx-get]");
  const POLL_MS = 1000 * Number(live.dataset.pollSeconds || 15);
  const pending = new Set();
  const ticked = new Set();
  let poller = null;

  const taskOf = (box) => box.value.split(":")[0]; // "id:version"; the version may change
  const laneOf = (list) => list.id.replace(/^lane-/, "").replace(/-none$/, "-").replace("-", ":");

  function withShown(lane) {
    const [status, team] = lane.split(":");
    const list = document.getElementById(`lane-${status}-${team || "none"}`);
    const cards = list ? list.querySelectorAll("li.card").length : 0;
    return cards ? `${lane}@${cards}` : lane;
  }

  function poll(on) {
    if (on && !poller) {
      poller = window.setInterval(() => htmx.trigger(refresh, "collab:poll"), POLL_MS);
    } else if (!on && poller) {
      window.clearInterval(poller);
      poller = null;
    }
  }

  refresh.addEventListener("htmx:configRequest", (event) => {
    const trigger = event.detail.triggeringEvent;
    if (trigger && trigger.type === "collab:poll") {
      pending.clear(); // a poll re-fetches every lane
      document.querySelectorAll("ul[id^='lane-']").forEach((list) => pending.add(laneOf(list)));
    } else if (!pending.size) {
      event.preventDefault(); // an earlier request already took these lanes
      return;
    }
    event.detail.parameters["lanes"] = Array.from(pending).map(withShown).join(",");
    pending.clear();
    ticked.clear();
    document.querySelectorAll("input.pick:checked").forEach((box) => ticked.add(taskOf(box)));
  });

  document.addEventListener("htmx:oobAfterSwap", (event) => {
    const lane = event.detail.target;
    if (!lane || !lane.id || !lane.id.startsWith("lane-")) return;
    lane.querySelectorAll("input.pick").forEach((box) => {
      if (ticked.has(taskOf(box))) box.checked = true;
    });
  });

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
})();
