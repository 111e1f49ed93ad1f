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
// puts the cell into the "Correct a cell" form: a text box, or a drop-down for a column
// with a list of values (the template's list). Enter there saves, Escape goes back.
// After the save (the page reloads once the check ran again) the edited cell has focus.
const FOCUS_KEY = "bcdc-edited-cell";

function readJson(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
}

function storage() {
  try { return window.sessionStorage; } catch (e) { return null; }
}

function editableGrid() {
  const grid = document.getElementById("grid");
  const form = document.getElementById("edit-form");
  if (!grid || !form) return;
  const cellInput = document.getElementById("edit-cell");
  const valueInput = document.getElementById("edit-value");
  const textField = document.getElementById("edit-text");
  const pickField = document.getElementById("edit-pick");
  const pick = document.getElementById("edit-choice");
  const pickLabel = document.getElementById("edit-choice-label");
  const setup = readJson("cell-editors") || {editors: {}, choices: {}};
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
  function shownValue(td) {
    const copy = td.cloneNode(true);
    for (const note of copy.querySelectorAll(".note")) note.remove();
    return copy.textContent.trim();
  }
  function option(value, text, selected) {
    const o = document.createElement("option");
    o.value = value; o.textContent = text; o.selected = selected;
    return o;
  }
  // the drop-down of a choice cell: blank, the list, and the current value(s) kept
  // (marked) when not in the list, so opening and saving never loses what was there
  function fillPick(editor, current) {
    const values = setup.choices[editor.list] || [];
    const several = !!editor.several;
    const now = several ? current.split(",").map((v) => v.trim()).filter(Boolean)
                        : (current ? [current] : []);
    pick.replaceChildren();
    pick.dataset.current = current;
    pick.multiple = several;
    pick.size = several ? Math.min(8, values.length + now.length) : 0;
    if (!several) pick.append(option("", "(blank: empty the cell)", now.length === 0));
    for (const v of now) {
      if (!values.includes(v)) pick.append(option(v, v + " (not in the list)", true));
    }
    for (const v of values) pick.append(option(v, v, now.includes(v)));
  }
  function picked() {
    const chosen = Array.from(pick.selectedOptions).map((o) => o.value).filter(Boolean);
    // the same values as before: the cell's own text (its order and spacing) is kept
    const before = pick.dataset.current || "";
    const same = before.split(",").map((v) => v.trim()).filter(Boolean).sort().join("\n");
    return same === chosen.slice().sort().join("\n") ? before : chosen.join(", ");
  }
  // the page may come with the drop-down filled by the server (opened with ?cell=, the
  // way without script): it then sends `value` itself; once the script opens a cell, the
  // text box sends it, filled from the drop-down on submit
  function usePick(on) {
    pick.removeAttribute("name");
    valueInput.disabled = false;
    pickField.hidden = !on;
    textField.hidden = on;
  }
  function open(td) {
    last = td;
    const ref = td.dataset.ref;
    const letter = (ref.match(/!([A-Z]+)\d+$/) || [])[1];
    const editor = letter && setup.editors[letter];
    cellInput.value = ref;
    const current = shownValue(td);
    if (editor) {
      fillPick(editor, current);
      const header = grid.tHead.rows[0].cells[td.cellIndex];
      const name = header ? shownValue(header).replace(/^[A-Z]+\s+/, "") : letter;
      pickLabel.textContent = "New value of " + ref + " (" + name + (editor.several
        ? "; pick one or more: Ctrl+Space adds or removes one)" : "; pick from the list)");
      valueInput.value = current;
      usePick(true);
      pick.focus();
    } else {
      usePick(false);
      valueInput.value = current;
      valueInput.focus();
      valueInput.select();
    }
  }
  function cancel() {
    usePick(false);
    valueInput.value = "";
    if (last) last.focus();
  }
  grid.addEventListener("keydown", (e) => {
    if (e.target.closest("input, select, textarea, button")) return;
    const td = e.target.closest("td[data-ref]");
    if (!td) return;
    const keys = {ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1]};
    if (keys[e.key]) {
      if (move(td, keys[e.key][0], keys[e.key][1])) e.preventDefault();
    } else if (e.key === "Enter") {
      e.preventDefault();
      open(td);
    }
  });
  valueInput.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && last) { e.preventDefault(); cancel(); }
  });
  pick.addEventListener("keydown", (e) => {
    if (e.key === "Escape") { e.preventDefault(); cancel(); }
    else if (e.key === "Enter") { e.preventDefault(); form.requestSubmit(); }
  });
  // a reference typed by hand: Enter opens a cell shown on this page as if Enter was
  // pressed on it (else goes on to the value); it never saves (that would blank the cell)
  cellInput.addEventListener("keydown", (e) => {
    if (e.key !== "Enter") return;
    e.preventDefault();
    const td = grid.querySelector('td[data-ref="' + CSS.escape(cellInput.value.trim()) + '"]');
    if (td) open(td);
    else { usePick(false); valueInput.focus(); }
  });
  form.addEventListener("submit", () => {
    if (!pickField.hidden && !pick.name) valueInput.value = picked();
    const store = storage();
    if (store) store.setItem(FOCUS_KEY, cellInput.value.trim());
  });
  const store = storage();
  const edited = store && store.getItem(FOCUS_KEY);
  if (edited) {
    store.removeItem(FOCUS_KEY);
    const td = grid.querySelector('td[data-ref="' + CSS.escape(edited) + '"]');
    if (td) td.focus();
  }
}

// Row selection: the ticks live in this tab's sessionStorage (per job), so paging the
// grid keeps them; the plan form carries the ticks of other pages as hidden `row` fields.
// "Select all valid rows" / "rows with no problems" tick exactly those rows (every page),
// "Clear selection" unticks all. Without this script the ticks of the page shown are sent.
function rowSelection() {
  const form = document.getElementById("plan-form");
  const tools = document.getElementById("select-tools");
  const sets = readJson("row-sets");
  if (!form || !sets) return;
  const key = "bcdc-rows:" + form.dataset.job;
  const store = storage();
  let chosen = new Set();
  try { chosen = new Set(JSON.parse((store && store.getItem(key)) || "[]")); } catch (e) { /* none */ }
  const count = document.getElementById("selection-count");
  const ticked = document.getElementById("choose-ticked");
  const elsewhere = document.getElementById("ticked-elsewhere");
  const boxes = () => Array.from(document.querySelectorAll('input[name="row"][form="plan-form"]'));
  const expand = (runs) => {
    const out = [];
    for (const [first, last] of runs) for (let n = first; n <= last; n++) out.push(sets.sheet + "!" + n);
    return out;
  };
  function show() {
    for (const box of boxes()) box.checked = chosen.has(box.value);
    if (count) count.textContent = chosen.size + (chosen.size === 1 ? " row selected" : " rows selected");
  }
  function save() {
    if (store) store.setItem(key, JSON.stringify(Array.from(chosen)));
    if (chosen.size && ticked) ticked.checked = true;
    show();
  }
  for (const box of boxes()) {
    box.addEventListener("change", () => {
      if (box.checked) chosen.add(box.value); else chosen.delete(box.value);
      save();
    });
  }
  const buttons = {"select-valid": () => expand(sets.valid),
                   "select-clean": () => expand(sets.clean), "select-clear": () => []};
  for (const [id, rows] of Object.entries(buttons)) {
    const button = document.getElementById(id);
    if (button) button.addEventListener("click", () => { chosen = new Set(rows()); save(); });
  }
  form.addEventListener("submit", () => {
    const here = new Set(boxes().map((b) => b.value));
    elsewhere.replaceChildren();
    for (const ref of chosen) {
      if (here.has(ref)) continue;
      const input = document.createElement("input");
      input.type = "hidden"; input.name = "row"; input.value = ref;
      elsewhere.append(input);
    }
  });
  if (tools) tools.hidden = false;
  if (chosen.size && ticked) ticked.checked = true;
  show();
}

document.addEventListener("DOMContentLoaded", () => {
  sizeBars(); watchJob(); dropZone(); editableGrid(); rowSelection();
});
