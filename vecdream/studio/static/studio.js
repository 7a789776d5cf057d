// vecdream studio: the page's own script (no framework). Every action is a call to the
// studio's JSON API; long work is a job whose progress streams over server-sent events.
"use strict";

const $ = (sel) => document.querySelector(sel);
const state = { info: null, folder: null, selected: new Set(), channel: 0 };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

function say(text) {
  const box = $("#message");
  box.textContent = text;
  box.hidden = !text;
}

async function api(path, options = {}) {
  const response = await fetch(path, options);
  let body = null;
  try { body = await response.json(); } catch (e) { body = null; }
  if (!response.ok) {
    const text = body && body.error ? body.error : `${response.status} ${response.statusText}`;
    say(text);
    throw new Error(text);
  }
  return body;
}

const post = (path, data) => api(path, {
  method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(data) });

async function upload(kind, files) {
  const form = new FormData();
  for (const f of files) form.append("files", f);
  const result = await api(`/api/uploads?kind=${kind}`, { method: "POST", body: form });
  if (result.skipped.length) {
    say("skipped: " + result.skipped.map((s) => `${s.file} (${s.reason})`).join("; "));
  }
  return result;
}

function formValues(form) {
  const values = {};
  for (const [k, v] of new FormData(form).entries()) if (v !== "") values[k] = v;
  return values;
}

// Run a job: show its progress in `box`, call onUpdate on every event, resolve when done.
function runJob(kind, params, box, onUpdate) {
  say("");
  return post(`/api/jobs/${kind}`, params).then((job) => followJob(job, box, onUpdate));
}

// A job update handler: the job's newest preview image into the <img> `selector`.
const showPreview = (selector) => (j) => {
  if (!j.preview) return;
  $(selector).hidden = false;
  $(selector).src = `${j.base}${j.preview}?v=${j.version}`;
};

function followJob(job, box, onUpdate) {
  return new Promise((resolve, reject) => {
    box.hidden = false;
    box.replaceChildren();
    const bar = el("progress", { max: 1, value: 0 });
    const text = el("span", { class: "text" }, "queued");
    const cancel = el("button", { class: "cancel", type: "button",
      onclick: () => post(`/api/jobs/${job.id}/cancel`, {}) }, "Cancel");
    box.append(bar, text, cancel);
    const source = new EventSource(`/api/jobs/${job.id}/events`);
    source.onmessage = (event) => {
      const j = JSON.parse(event.data);
      const p = j.progress || {};
      bar.max = p.total || 1;
      bar.value = p.done || 0;
      text.textContent = `${j.status}: ${p.text || ""}`;
      if (onUpdate) onUpdate(j);
      if (["done", "failed", "cancelled", "interrupted"].includes(j.status)) {
        source.close();
        cancel.remove();
        refreshJobs();
        if (j.status === "done") resolve(j);
        else { say(`${j.kind} ${j.status}: ${j.error || ""}`); reject(new Error(j.error)); }
      }
    };
    source.onerror = () => { /* EventSource reconnects by itself */ };
  });
}

// ---- seeds -------------------------------------------------------------------------
function badges(stats) {
  const b = el("div", { class: "badges" });
  const add = (text, cls = "") => b.append(el("span", { class: "badge " + cls }, text));
  if (stats.paths !== null) add(`${stats.paths} paths`);
  if (stats.contours !== null) add(`${stats.contours} contours`);
  if (stats.nodes !== null) add(`${stats.nodes} nodes`);
  add(`${stats.colours} colours`);
  add(`ink ${Math.round(stats.coverage * 100)}%`);
  if (stats.seamless) add("seamless");
  if (stats.suitable) add("Mosaic ok", "ok");
  for (const n of stats.notes) add(n, "note");
  return b;
}

function seedCard(seed, base, container) {
  const file = seed.svg ? (base + seed.svg).replace(/^\/files\//, "") : null;
  const img = el("img", { src: base + seed.png, alt: seed.name, title: "open its Mosaic preview" });
  const card = el("div", { class: "seed", "data-name": seed.name },
    img, el("div", { class: "name" }, seed.name), badges(seed.stats));
  if (file) {
    const box = el("input", { type: "checkbox", class: "select" });
    box.addEventListener("change", () => {
      if (box.checked) state.selected.add(file); else state.selected.delete(file);
      card.classList.toggle("selected", box.checked);
    });
    card.append(el("label", {}, box, "select"));
    img.addEventListener("click", () => openSeed(seed, file));
  }
  container.append(card);
}

function showSeeds(job, container = $("#seed-grid")) {
  for (const seed of job.result.seeds) seedCard(seed, job.base, container);
}

async function openSeed(seed, file) {
  $("#seed-detail").hidden = false;
  $("#detail-title").textContent = `${seed.name}: Mosaic preview and variations`;
  $("#variation-grid").replaceChildren();
  $("#mosaic-page").removeAttribute("src");
  const job = await runJob("variations", { svg: file, count: 6 }, $("#detail-job"));
  $("#mosaic-page").src = job.base + job.result.mosaic;
  showSeeds(job, $("#variation-grid"));
  const record = await api(`/api/provenance/${file}`);
  $("#detail-provenance").textContent = "provenance: " +
    Object.entries(record).map(([k, v]) => `${k}=${v}`).join(", ");
}

async function generateSeeds(event) {
  event.preventDefault();
  const params = formValues(event.target);
  const named = $("#palette-name").value;
  if (!params.palette && named) params.palette = named;
  const paletteFile = $("#palette-file").files;
  if (paletteFile.length) params.palette_file = (await upload("palette", paletteFile)).files[0];
  const job = await runJob("seeds", params, $("#seeds-job"));
  showSeeds(job);
}

async function readFolder(event) {
  event.preventDefault();
  const files = $("#seed-files").files;
  if (files.length) {
    state.folder = (await upload("seeds", files)).folder;
    refreshFolders();
  } else if ($("#folder-select").value) {
    state.folder = $("#folder-select").value;
  } else { say("choose seed files or a folder first"); return; }
  const job = await runJob("folder", { folder: state.folder }, $("#seeds-job"));
  showSeeds(job);
  $("#train-box").hidden = false;
}

function drawLoss(losses) {
  const svg = $("#loss-curve");
  svg.hidden = false;
  svg.replaceChildren();
  const all = losses.d.concat(losses.g);
  if (!all.length) return;
  const lo = Math.min(...all), hi = Math.max(...all), n = losses.d.length;
  for (const [key, colour] of [["d", "#0b6e4f"], ["g", "#b3261e"]]) {
    const pts = losses[key].map((v, i) =>
      `${(i / Math.max(n - 1, 1)) * 300},${78 - ((v - lo) / (hi - lo || 1)) * 76}`);
    const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
    svg.append(line);
    line.setAttribute("points", pts.join(" "));
    line.setAttribute("fill", "none");
    line.setAttribute("stroke", colour);
    line.setAttribute("vector-effect", "non-scaling-stroke");
  }
}

async function train() {
  const params = { folder: state.folder, steps: $("#train-steps").value,
                   generator: $("#train-generator").value };
  const job = await runJob("train", params, $("#seeds-job"), (j) => {
    if (j.progress && j.progress.losses) drawLoss(j.progress.losses);
    showPreview("#train-sheet")(j);
  });
  showSeeds(job);
}

async function issue() {
  const seeds = [...state.selected];
  if (!seeds.length) { say("select seeds to issue first"); return; }
  const results = await post("/api/catalogue/issue", { seeds, campaign: $("#campaign").value });
  const list = $("#issue-results");
  list.replaceChildren();
  for (const r of results) {
    const name = r.file.split("/").pop();
    const text = r.status === "admitted" ? `admitted ${name} as #${r.id}`
      : r.status === "refused" ? `refused ${name}: near-duplicate of ${r.line}`
      : `${r.status} ${name}: ${r.reason}`;
    list.append(el("li", { class: r.status }, text));
  }
  refreshCampaigns();
}

async function exportZip() {
  const result = await post("/api/catalogue/export", { campaign: $("#campaign").value });
  const link = $("#export-link");
  link.href = result.zip;
  link.textContent = `download ${result.zip.split("/").pop()} (${result.seeds} seeds)`;
  link.hidden = false;
}

async function refreshFolders() {
  const select = $("#folder-select");
  select.replaceChildren(el("option", { value: "" }, "(upload above)"));
  for (const f of await api("/api/uploads")) {
    select.append(el("option", { value: f.folder }, `${f.folder.split("/").pop()} (${f.files} files)`));
  }
}

async function refreshCampaigns() {
  const list = $("#campaigns");
  list.replaceChildren();
  for (const c of await api("/api/catalogue")) {
    list.append(el("li", {}, `campaign ${c.campaign}: ${c.seeds} seeds`));
  }
}

// ---- dream and paint ---------------------------------------------------------------
function downloads(job, names) {
  const box = el("p", { class: "downloads" });
  for (const [label, key] of names) {
    const name = job.result[key];
    if (name) box.append(el("a", { href: job.base + name, download: name }, label));
  }
  return box;
}

async function provenanceLine(job, key) {
  const record = await api(`/api/provenance/${(job.base + job.result[key]).replace(/^\/files\//, "")}`);
  return el("p", { class: "hint" }, "provenance: " +
    Object.entries(record).map(([k, v]) => `${k}=${v}`).join(", "));
}

async function loadLayers() {
  const info = await api(`/api/layers/${$("#net").value}`);
  $("#layer-list").replaceChildren(...info.layers.map((l) =>
    el("option", { value: l.name }, `${l.name} (${l.channels} channels)`)));
  $("#layer").value = info.default;
}

async function channelSheet() {
  const params = { net: $("#net").value, layer: $("#layer").value };
  const grid = $("#channel-grid");
  grid.replaceChildren();
  const job = await runJob("channels", params, $("#dream-job"), showPreview("#dream-preview"));
  for (const c of job.result.channels) {
    const tile = el("div", { class: "channel", "data-channel": c.channel },
      el("img", { src: job.base + c.png, alt: `channel ${c.channel}` }), String(c.channel));
    tile.addEventListener("click", () => {  // click a channel to dream it
      for (const t of grid.children) t.classList.remove("selected");
      tile.classList.add("selected");
      $("#channel").value = c.channel;
      $("#dream-form").requestSubmit();
    });
    grid.append(tile);
  }
}

async function dream(event) {
  event.preventDefault();
  const params = formValues(event.target);
  $("#plot-preview").hidden = true;
  $("#dream-result").replaceChildren();
  const job = await runJob("dream", params, $("#dream-job"), showPreview("#dream-preview"));
  await showDream(job);
}

async function showDream(job) {
  const r = job.result;
  $("#dream-preview").src = job.base + r.png;
  $("#plot-preview").src = job.base + r.plot_png;
  $("#plot-preview").hidden = false;
  const box = $("#dream-result");
  box.replaceChildren();
  box.append(downloads(job, [["SVG", "svg"], ["PDF", "pdf"], ["plotter SVG", "plotter_svg"]]));
  box.append(el("p", {}, `plot on ${r.page} with a ${r.pen_mm} mm pen: ${r.ink_m} m of ink, ` +
    `${r.pen_lifts} pen lifts, about ${r.estimate}`));
  for (const line of r.pen_cannot) box.append(el("p", { class: "hint" }, "pen: " + line));
  box.append(await provenanceLine(job, "svg"));
}

async function paint(event) {
  event.preventDefault();
  const files = $("#photo-file").files;
  if (!files.length) { say("choose a photo first"); return; }
  const up = await upload("photo", files);
  const params = { ...formValues(event.target), photo: up.files[0] };
  $("#paint-result").replaceChildren();
  const job = await runJob("paint", params, $("#paint-job"), showPreview("#paint-preview"));
  await showPainting(job);
}

async function showPainting(job) {
  const r = job.result;
  $("#paint-photo").src = job.base + r.photo_png;
  $("#paint-photo").hidden = false;
  $("#paint-preview").src = job.base + r.png;
  $("#paint-result").replaceChildren(downloads(job, [["SVG", "svg"], ["PNG", "png"],
    ["PDF", "pdf"], ["JSON actions", "json"], ["MyPaint replay", "replay"]]));
  $("#paint-result").append(await provenanceLine(job, "png"));
}

// ---- jobs --------------------------------------------------------------------------
async function refreshJobs() {
  const body = $("#job-table tbody");
  const jobs = await api("/api/jobs");
  body.replaceChildren();
  for (const j of jobs) {
    const p = j.progress || {};
    const row = el("tr", { "data-id": j.id }, el("td", {}, j.kind), el("td", { class: j.status }, j.status),
      el("td", {}, p.total ? `${p.done} / ${p.total}` : ""), el("td", {}, j.created || ""));
    const cell = el("td");
    if (!["done", "failed", "cancelled", "interrupted"].includes(j.status)) {
      cell.append(el("button", { class: "cancel", type: "button",
        onclick: () => post(`/api/jobs/${j.id}/cancel`, {}).then(refreshJobs) }, "Cancel"));
    } else if (j.status === "done" && j.result && j.result.seeds) {
      cell.append(el("button", { class: "secondary", type: "button", onclick: () => {
        showTab("seeds"); showSeeds(j); } }, "Show seeds"));
    } else if (j.status === "done" && (j.kind === "dream" || j.kind === "paint")) {
      cell.append(el("button", { class: "secondary", type: "button", onclick: () => {
        showTab(j.kind);
        (j.kind === "dream" ? showDream(j) : showPainting(j)).catch(() => {});
      } }, "Open"));
    } else if (j.error) cell.append(j.error);
    row.append(cell);
    body.append(row);
  }
}

function showTab(name) {
  for (const t of document.querySelectorAll(".tab")) t.classList.toggle("active", t.dataset.tab === name);
  for (const p of document.querySelectorAll(".panel")) p.hidden = p.id !== `tab-${name}`;
  if (name === "jobs") refreshJobs();
}

async function start() {
  for (const t of document.querySelectorAll(".tab")) t.addEventListener("click", () => showTab(t.dataset.tab));
  const info = state.info = await api("/api/info");
  $("#version").textContent = `vecdream ${info.version} · workspace ${info.workspace}`;
  for (const f of info.options.seeds.family.options) $("#family").append(el("option", {}, f));
  $("#palette-name").append(el("option", { value: "" }, "the family's own"));
  for (const p of Object.keys(info.palettes)) $("#palette-name").append(el("option", {}, p));
  for (const n of info.options.dream.net.options) $("#net").append(el("option", {}, n));
  $("#seeds-form").addEventListener("submit", (e) => generateSeeds(e).catch(() => {}));
  $("#folder-form").addEventListener("submit", (e) => readFolder(e).catch(() => {}));
  $("#train").addEventListener("click", () => train().catch(() => {}));
  $("#issue").addEventListener("click", () => issue().catch(() => {}));
  $("#export").addEventListener("click", () => exportZip().catch(() => {}));
  $("#channel-sheet").addEventListener("click", () => channelSheet().catch(() => {}));
  $("#net").addEventListener("change", () => loadLayers().catch(() => {}));
  $("#dream-form").addEventListener("submit", (e) => dream(e).catch(() => {}));
  $("#paint-form").addEventListener("submit", (e) => paint(e).catch(() => {}));
  refreshCampaigns();
  refreshFolders();
  refreshJobs();
  document.body.dataset.ready = "1";
}

document.addEventListener("DOMContentLoaded", () => start().catch((e) => say(String(e))));
