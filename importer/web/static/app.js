// bcdc-import web: live progress and drag-and-drop. No framework, no build step.
// Every page works without this file except the live progress (which then refreshes).
"use strict";

function watchJob() {
  const box = document.getElementById("job");
  if (!box) return;
  const url = box.dataset.statusUrl;
  const active = (s) => s === "queued" || s === "running";
  if (!active(box.dataset.state)) return;
  const bar = document.getElementById("progress");
  const fill = document.getElementById("bar-fill");
  const text = document.getElementById("progress-text");
  const stateLine = document.getElementById("job-state");
  const counts = document.getElementById("counts");
  async function poll() {
    let data;
    try {
      const answer = await fetch(url, {credentials: "same-origin", cache: "no-store"});
      if (!answer.ok) throw new Error(String(answer.status));
      data = await answer.json();
    } catch (e) {
      setTimeout(poll, 2000);
      return;
    }
    const p = data.progress || {};
    const done = p.done || 0, total = p.total || 0;
    if (bar) {
      bar.setAttribute("aria-valuenow", String(done));
      bar.setAttribute("aria-valuemax", String(total));
      fill.style.width = total ? (100 * done / total) + "%" : "0%";
      text.textContent = done + " / " + (total || "?") + " rows";
    }
    stateLine.textContent = "State: " + data.state + (data.message ? ": " + data.message : "");
    counts.replaceChildren();
    for (const [status, n] of Object.entries(p.by_status || {})) {
      const dt = document.createElement("dt"); dt.textContent = status;
      const dd = document.createElement("dd"); dd.textContent = String(n);
      counts.append(dt, dd);
    }
    if (active(data.state)) setTimeout(poll, 500);
    else window.location.reload();
  }
  poll();
}

function sizeBars() {
  for (const fill of document.querySelectorAll(".bar-fill")) {
    const done = Number(fill.dataset.done), total = Number(fill.dataset.total);
    fill.style.width = total ? (100 * done / total) + "%" : "0%";
  }
}

function dropZone() {
  const zone = document.getElementById("dropzone");
  const input = document.getElementById("file");
  if (!zone || !input) return;
  const on = (e) => { e.preventDefault(); zone.classList.add("over"); };
  const off = () => zone.classList.remove("over");
  zone.addEventListener("dragover", on);
  zone.addEventListener("dragenter", on);
  zone.addEventListener("dragleave", off);
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    off();
    if (e.dataTransfer && e.dataTransfer.files.length) {
      input.files = e.dataTransfer.files;
      document.getElementById("upload").requestSubmit();
    }
  });
}

// The check grid: arrow keys move between cells (one tab stop inside the grid), Enter
// puts the cell into the "Correct a cell" form, Enter there saves, Escape goes back.
function editableGrid() {
  const grid = document.getElementById("grid");
  const form = document.getElementById("edit-form");
  if (!grid || !form) return;
  const cellInput = document.getElementById("edit-cell");
  const valueInput = document.getElementById("edit-value");
  let last = null;
  const rows = () => Array.from(grid.tBodies[0].rows);
  function move(td, dr, dc) {
    const tr = td.parentElement;
    const r = rows().indexOf(tr) + dr;
    const c = td.cellIndex + dc;
    const target = rows()[r] && rows()[r].cells[c];
    if (target && target.dataset.ref) { target.focus(); return true; }
    return false;
  }
  grid.addEventListener("keydown", (e) => {
    const td = e.target.closest("td[data-ref]");
    if (!td) return;
    const keys = {ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1]};
    if (keys[e.key]) {
      if (move(td, keys[e.key][0], keys[e.key][1])) e.preventDefault();
    } else if (e.key === "Enter") {
      e.preventDefault();
      last = td;
      cellInput.value = td.dataset.ref;
      const copy = td.cloneNode(true);
      for (const note of copy.querySelectorAll(".note")) note.remove();
      valueInput.value = copy.textContent.trim();
      valueInput.focus();
      valueInput.select();
    }
  });
  valueInput.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && last) { e.preventDefault(); valueInput.value = ""; last.focus(); }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  sizeBars(); watchJob(); dropZone(); editableGrid();
});
