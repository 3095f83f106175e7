// ilacs publish: sorting and filtering of the authorities table, and the map's judgement.
// Plain JavaScript, no framework; every string set here goes in through textContent.
"use strict";
document.documentElement.classList.add("js");

function sortTable(table, index, type, th) {
  const tbody = table.tBodies[0];
  const rows = Array.from(tbody.rows);
  const ascending = th.getAttribute("aria-sort") !== "ascending";
  const value = (row) => {
    const cell = row.cells[index];
    const raw = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
    return type === "number" ? Number(raw) : raw.toLowerCase();
  };
  rows.sort((a, b) => {
    const va = value(a), vb = value(b);
    const c = type === "number" ? va - vb : va.localeCompare(vb);
    if (c !== 0) return ascending ? c : -c;
    return a.cells[0].dataset.sort.localeCompare(b.cells[0].dataset.sort); // ties: by name
  });
  for (const other of table.tHead.rows[0].cells) other.removeAttribute("aria-sort");
  th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  for (const row of rows) tbody.appendChild(row);
}

function setupTable() {
  const table = document.getElementById("la-table");
  if (!table) return;
  Array.from(table.tHead.rows[0].cells).forEach((th, index) => {
    const button = th.querySelector("button");
    if (button) button.addEventListener("click", () => sortTable(table, index, th.dataset.type, th));
  });
  const name = document.getElementById("f-name");
  const region = document.getElementById("f-region");
  const judgement = document.getElementById("f-judgement");
  const grade = document.getElementById("f-grade");
  const shown = document.getElementById("shown");
  const apply = () => {
    const text = name.value.trim().toLowerCase();
    let n = 0;
    for (const row of table.tBodies[0].rows) {
      const ok = (!text || row.dataset.name.includes(text)) &&
        (!region.value || row.dataset.region === region.value) &&
        (!grade.value || row.dataset[judgement.value] === grade.value);
      row.hidden = !ok;
      if (ok) n += 1;
    }
    shown.textContent = `Showing ${n} of ${table.tBodies[0].rows.length} authorities.`;
  };
  for (const control of [name, region, judgement, grade]) {
    control.addEventListener("input", apply);
    control.addEventListener("change", apply);
  }
  apply();
}

function setupMap() {
  const select = document.getElementById("map-judgement");
  const svg = document.getElementById("hexmap");
  if (!select || !svg) return;
  const showing = document.getElementById("map-showing");
  const apply = () => {
    const key = select.value;
    for (const hex of svg.querySelectorAll("a.hex")) {
      const data = hex.dataset[key] || "";
      const first = data.indexOf("|"), second = data.indexOf("|", first + 1);
      if (first < 0 || second < 0) continue;
      hex.setAttribute("class", "hex " + data.slice(0, first));
      hex.querySelector("text").textContent = data.slice(first + 1, second);
      hex.querySelector("title").textContent = data.slice(second + 1);
    }
    showing.textContent = select.options[select.selectedIndex].textContent;
  };
  select.addEventListener("change", apply);
}

document.addEventListener("DOMContentLoaded", () => { setupTable(); setupMap(); });
