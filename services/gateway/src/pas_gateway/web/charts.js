// Small charts in inline SVG, drawn by our own code (no library, nothing fetched).
// Every chart has a text equivalent: the bar chart's rows are text, the column chart has a table.

import { t } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";

function svg(name, attrs = {}) {
  const el = document.createElementNS(SVG, name);
  Object.entries(attrs).forEach(([k, v]) => el.setAttribute(k, String(v)));
  return el;
}

function html(name, attrs = {}, text = "") {
  const el = document.createElement(name);
  Object.entries(attrs).forEach(([k, v]) => el.setAttribute(k, String(v)));
  if (text) el.textContent = text;
  return el;
}

function empty() {
  return html("p", { class: "chart-empty" }, t("chart.empty"));
}

// Horizontal bars, one row per item ({key, label, value}); a row is a button when onSelect is
// given (drill-down by click, Enter or Space). Negative values (e.g. spare capacity) draw left.
export function bars(items, { format, onSelect, label }) {
  const figure = html("div", { class: "bars", role: "list", "aria-label": label });
  const shown = items.filter((item) => typeof item.value === "number");
  if (!shown.length) return empty();
  const max = Math.max(...shown.map((item) => Math.abs(item.value)), 1e-9);
  const hasNegative = shown.some((item) => item.value < 0);
  items.forEach((item) => {
    const row = html(onSelect ? "button" : "div", { class: "bar-row", role: "listitem", "data-key": item.key });
    if (onSelect) {
      row.setAttribute("type", "button");
      row.setAttribute("aria-label", `${t("drill.open", { name: item.label })}: ${format(item.value)}`);
      row.addEventListener("click", () => onSelect(item));
    }
    row.append(html("span", { class: "bar-label" }, item.label));
    const track = svg("svg", { class: "bar-track", viewBox: "0 0 100 10", preserveAspectRatio: "none", "aria-hidden": "true", focusable: "false" });
    if (typeof item.value === "number") {
      const share = (Math.abs(item.value) / max) * (hasNegative ? 50 : 100);
      const x = hasNegative ? (item.value < 0 ? 50 - share : 50) : 0;
      track.append(svg("rect", { x, y: 1, width: Math.max(share, 0.5), height: 8, class: item.value < 0 ? "bar neg" : "bar" }));
    }
    if (hasNegative) track.append(svg("line", { x1: 50, x2: 50, y1: 0, y2: 10, class: "axis" }));
    row.append(track);
    row.append(html("span", { class: "bar-value" }, format(item.value)));
    figure.append(row);
  });
  return figure;
}

// Columns over time for a series ({period, value}); drawn at the container's width so text keeps
// its size on a phone; redraw on resize by calling again.
export function columns(points, { format, label, width }) {
  if (!points.length) return empty();
  const height = 200;
  const pad = { left: 8, right: 8, top: 22, bottom: 28 };
  const w = Math.max(width, 240);
  const values = points.map((p) => (typeof p.value === "number" ? p.value : 0));
  const max = Math.max(...values, 1e-9);
  const step = (w - pad.left - pad.right) / points.length;
  const chart = svg("svg", { class: "columns", width: w, height, viewBox: `0 0 ${w} ${height}`, role: "img", "aria-label": label });
  chart.append(svg("line", { x1: pad.left, x2: w - pad.right, y1: height - pad.bottom, y2: height - pad.bottom, class: "axis" }));
  const every = Math.ceil(points.length / Math.max(1, Math.floor((w - pad.left - pad.right) / 64)));
  points.forEach((p, i) => {
    const value = values[i];
    const h = ((height - pad.top - pad.bottom) * value) / max;
    const x = pad.left + i * step + step * 0.15;
    const y = height - pad.bottom - h;
    const bar = svg("rect", { x, y, width: Math.max(step * 0.7, 1), height: Math.max(h, 0), class: "bar" });
    const tip = svg("title");
    tip.textContent = `${p.period}: ${format(p.value)}`;
    bar.append(tip);
    chart.append(bar);
    if (i % every === 0) {
      const tick = svg("text", { x: x + step * 0.35, y: height - pad.bottom + 16, "text-anchor": "middle", class: "tick" });
      tick.textContent = p.period;
      chart.append(tick);
    }
  });
  const top = svg("text", { x: pad.left, y: 14, class: "tick" });
  top.textContent = format(max);
  chart.append(top);

  const wrap = html("div", { class: "columns-wrap" });
  wrap.append(chart);
  const details = html("details", { class: "chart-data" });
  details.append(html("summary", {}, t("chart.table")));
  const table = html("table");
  const head = html("tr");
  head.append(html("th", { scope: "col" }, t("col.period")), html("th", { scope: "col" }, t("col.value")));
  const thead = html("thead");
  thead.append(head);
  const body = html("tbody");
  table.append(thead, body);
  points.forEach((p) => {
    const row = html("tr");
    row.append(html("th", { scope: "row" }, p.period), html("td", {}, format(p.value)));
    body.append(row);
  });
  details.append(table);
  wrap.append(details);
  return wrap;
}
