// The public transparency page: GET /api/v1/public/statistics, no login, aggregates only.
// It draws whatever aggregate sections the API gives: a list of rows becomes a bar chart and a
// table, a group of figures becomes cards; section and field names come from the dictionary.

import { applyStatic, formatTime, formatValue, has, installSwitch, lang, onChange, pick, t } from "./i18n.js";
import { bars } from "./charts.js";

const LABEL_FIELDS = ["name", "label", "occasion", "permit_type", "kanwil_name", "kanwil_code", "code"];
const HIDDEN_FIELDS = new Set(["label_id", "label_en", "definition_id", "definition_en", "unit"]);
const CHART_FIELDS = [/overcrowd/, /occupan/, /recipient/, /legali[sz]/, /pct|share|percent/, /count|total|value/];

let statistics = null;
let failed = false;

const $ = (selector) => document.querySelector(selector);

function el(name, attrs = {}, text = "") {
  const node = document.createElement(name);
  Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, String(v)));
  if (text) node.textContent = text;
  return node;
}

function humanize(key) {
  const text = key.replace(/[_-]+/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const heading = (key) => (has(`public.${key}`) ? t(`public.${key}`) : humanize(key));
const fieldLabel = (key) => (has(`field.${key}`) ? t(`field.${key}`) : humanize(key));

function rowLabel(row) {
  if (row.label_id || row.label_en) return pick(row, "label");
  const field = LABEL_FIELDS.find((f) => typeof row[f] === "string" && row[f]);
  return field ? row[field] : "";
}

function unitOf(key, row = {}) {
  if (row.unit) return row.unit;
  return /pct|percent|share|rate/.test(key) ? "percent" : "";
}

function cell(key, value, row) {
  if (/as_of$|_at$/.test(key)) return formatTime(value);
  return formatValue(value, unitOf(key, row));
}

const isScalar = (v) => v === null || ["string", "number", "boolean"].includes(typeof v);

function renderRows(key, rows, level) {
  const section = el("section", { class: "area", "data-section": key, "aria-labelledby": `h-${key}` });
  section.append(el(`h${level}`, { id: `h-${key}` }, heading(key)));
  const fields = [...new Set(rows.flatMap((row) => Object.keys(row)))].filter((f) => !HIDDEN_FIELDS.has(f));
  const numeric = fields.filter((f) => rows.some((row) => typeof row[f] === "number"));
  const chartField = CHART_FIELDS.map((p) => numeric.find((f) => p.test(f))).find(Boolean) || numeric[0];
  if (chartField) {
    const figure = el("figure", { class: "chart" });
    figure.append(el("figcaption", {}, `${heading(key)}: ${fieldLabel(chartField)}`));
    const items = rows.map((row, i) => ({ key: String(i), label: rowLabel(row), value: row[chartField] ?? null }));
    figure.append(bars(items, { label: heading(key), format: (v) => cell(chartField, v, rows[0]) }));
    section.append(figure);
  }
  const scroller = el("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": heading(key) });
  const table = el("table");
  const head = el("tr");
  const labelled = rows.some((row) => row.label_id || row.label_en);
  if (labelled) head.append(el("th", { scope: "col" }, fieldLabel("name")));
  fields.forEach((f) => head.append(el("th", { scope: "col" }, fieldLabel(f))));
  const thead = el("thead");
  thead.append(head);
  const body = el("tbody");
  rows.forEach((row) => {
    const tr = el("tr");
    if (labelled) tr.append(el("th", { scope: "row" }, rowLabel(row)));
    fields.forEach((f) => tr.append(el("td", {}, isScalar(row[f]) ? cell(f, row[f], row) : JSON.stringify(row[f]))));
    body.append(tr);
  });
  table.append(thead, body);
  scroller.append(table);
  section.append(scroller);
  return section;
}

function renderFigures(key, figures, level) {
  const section = el("section", { class: "area", "data-section": key, "aria-labelledby": `h-${key}` });
  section.append(el(`h${level}`, { id: `h-${key}` }, heading(key)));
  if (!Object.keys(figures).length) section.append(el("p", { class: "muted" }, t("chart.empty")));
  const cards = el("div", { class: "cards" });
  Object.entries(figures).forEach(([name, value]) => {
    if (!isScalar(value)) {
      section.append(render(name, value, Math.min(level + 1, 4)));
      return;
    }
    const card = el("article", { class: "kpi" });
    card.append(el("h3", {}, fieldLabel(name)), el("p", { class: "value" }, cell(name, value, figures)));
    cards.append(card);
  });
  if (cards.children.length) section.insertBefore(cards, section.children[1] || null);
  return section;
}

function render(key, value, level = 2) {
  if (Array.isArray(value)) {
    if (value.every((row) => row && typeof row === "object" && !Array.isArray(row))) return renderRows(key, value, level);
    return renderFigures(key, Object.fromEntries(value.map((v, i) => [String(i + 1), v])), level);
  }
  if (value && typeof value === "object") return renderFigures(key, value, level);
  return renderFigures(key, { [key]: value }, level);
}

function draw() {
  const holder = $("#statistics");
  if (failed) {
    holder.replaceChildren(el("p", { class: "error", role: "alert" }, t("public.failed")));
    return;
  }
  if (!statistics) return;
  // One as-of for the page, or one per source ({"occupancy": "...", "remission": null}).
  const asOf = statistics.as_of;
  $("#public-asof").textContent =
    asOf && typeof asOf === "object"
      ? Object.entries(asOf).map(([source, time]) => `${heading(source)}: ${t("asof", { time: formatTime(time) })}`).join(" · ")
      : t("asof", { time: formatTime(asOf) });
  holder.replaceChildren(
    ...Object.entries(statistics).filter(([key]) => key !== "as_of").map(([key, value]) => render(key, value)),
  );
}

async function load() {
  $("#status").textContent = t("status.loading");
  try {
    const response = await fetch("/api/v1/public/statistics", { headers: { Accept: "application/json", "Accept-Language": lang() } });
    if (!response.ok) throw new Error(String(response.status));
    statistics = await response.json();
    failed = false;
    $("#status").textContent = t("status.loaded");
  } catch {
    failed = true;
    $("#status").textContent = "";
  }
  draw();
}

document.addEventListener("DOMContentLoaded", () => {
  applyStatic();
  installSwitch($("#lang"));
  onChange(draw);
  load();
});
