// "Select all" of a lane ticks (or, when all are ticked, unticks) the lane's cards in place;
// without script the same link reloads the board with that lane's cards ticked.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.pick-lane");
  if (!link) return;
  const lane = link.closest("h3").nextElementSibling;
  const boxes = lane ? [...lane.querySelectorAll("input.pick")] : [];
  if (!boxes.length) return;
  event.preventDefault();
  const tick = !boxes.every((box) => box.checked);
  boxes.forEach((box) => { box.checked = tick; });
});
