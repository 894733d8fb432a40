// The dashboard: sign in (POST /api/v1/auth/token), then the KPI API with the bearer token.
// The token lives in sessionStorage only (gone when the tab closes). What a user sees is what the
// API answers for their scope: a Kanwil user asking for the nation gets their Kanwil.

import { applyStatic, formatTime, formatValue, installSwitch, lang, onChange, pick, t } from "./i18n.js";
import { bars, columns } from "./charts.js";

const AREAS = ["occupancy", "security", "rehabilitation", "remission", "food", "composite"];
const TOKEN = "pas.token";

// What each area's chart shows, by pattern on the KPI ids the API gives (the first that matches):
// "breakdown" draws one KPI across the regions below (choosable, a bar opens that region),
// "series" one KPI over time (choosable), "parts" one KPI's parts (a value per occasion, per
// permit type...), or the matching KPIs side by side when none has parts.
const CHARTS = {
  occupancy: { kind: "breakdown", title: (level) => `chart.occupancy.${level}`, prefer: [/^overcrowding_pct$/, /overcrowd/, /ratio/, /occupan/] },
  security: { kind: "series", title: () => "chart.escapes", prefer: [/^escape_incidents$/, /^escapees$/, /escape/] },
  remission: { kind: "parts", title: () => "chart.remission", prefer: [/by_occasion/, /recipient/] },
  rehabilitation: { kind: "parts", title: () => "chart.legalisation", prefer: [/legali[sz]ed.*permit/, /legal/] },
  food: { kind: "breakdown", title: (level) => `chart.kitchen.${level}`, prefer: [/rating/, /pass/] },
  composite: { kind: "breakdown", title: (level) => `chart.risk.${level}`, prefer: [/risk_index/] },
};

const state = {
  token: sessionStorage.getItem(TOKEN),
  path: [], // from the user's own scope down to the region shown: [{level, code, name}]
  period: { from: "", to: "", interval: "month" },
  results: {}, // area -> the API's answer, or null when it failed
  series: {}, // area -> {kpi, points}
  chosen: {}, // area -> the KPI id its chart shows
};

const $ = (selector) => document.querySelector(selector);

function el(name, attrs = {}, text = "") {
  const node = document.createElement(name);
  Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, String(v)));
  if (text) node.textContent = text;
  return node;
}

class Expired extends Error {}

function claims(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0))));
  } catch {
    return {};
  }
}

function scopeText(scope) {
  if (!scope || scope === "national") return t("scope.national");
  const [level, code] = scope.split(":");
  return t(`scope.${level}`, { code });
}

async function api(path, params = {}) {
  const url = new URL(path, location.origin);
  Object.entries(params).forEach(([k, v]) => { if (v) url.searchParams.set(k, v); });
  const response = await fetch(url, {
    headers: { Authorization: `Bearer ${state.token}`, Accept: "application/json", "Accept-Language": lang() },
  });
  if (response.status === 401) throw new Expired();
  if (!response.ok) throw new Error(`${url.pathname}: ${response.status}`);
  return response.json();
}

// ---- sign in and out ----

async function signIn(event) {
  event.preventDefault();
  const error = $("#login-error");
  const button = $("#login-submit");
  error.hidden = true;
  button.disabled = true;
  button.textContent = t("login.busy");
  try {
    const response = await fetch("/api/v1/auth/token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json", "Accept-Language": lang() },
      body: new URLSearchParams({ grant_type: "password", username: $("#username").value, password: $("#password").value }),
    });
    if (response.ok) {
      const body = await response.json();
      state.token = body.access_token;
      sessionStorage.setItem(TOKEN, state.token);
      $("#password").value = "";
      await showDashboard();
      return;
    }
    if (response.status === 429) {
      error.textContent = t("login.limited", { seconds: response.headers.get("Retry-After") || "60" });
    } else if (response.status === 404 || response.status === 405 || response.status >= 500) {
      error.textContent = t("login.unavailable");
    } else {
      error.textContent = t("login.failed");
    }
    error.hidden = false;
  } finally {
    button.disabled = false;
    button.textContent = t("login.submit");
  }
}

function showLogin(message = "") {
  state.token = null;
  sessionStorage.removeItem(TOKEN);
  Object.assign(state, { path: [], results: {}, series: {}, chosen: {} });
  $("#dashboard-view").hidden = true;
  $("#logout").hidden = true;
  $("#who").hidden = true;
  $("#login-view").hidden = false;
  const error = $("#login-error");
  error.textContent = message;
  error.hidden = !message;
  $("#username").focus();
}

async function showDashboard() {
  $("#login-view").hidden = true;
  $("#dashboard-view").hidden = false;
  $("#logout").hidden = false;
  renderWho();
  await load();
  $("#scope-title").focus();
}

function renderWho() {
  const who = $("#who");
  const c = claims(state.token || "");
  who.textContent = t("who", { name: c.name || c.sub || "", scope: scopeText(c.pas_scope) });
  who.hidden = false;
}

// ---- loading ----

function where() {
  if (state.path.length <= 1) return {}; // the user's own scope: the API knows it from the token
  const here = state.path[state.path.length - 1];
  return { [`${here.level}_code`]: here.code };
}

function periodParams() {
  return { period_from: state.period.from, period_to: state.period.to };
}

async function load() {
  const status = $("#status");
  status.textContent = t("status.loading");
  const params = { ...where(), ...periodParams() };
  const answers = await Promise.allSettled(AREAS.map((area) => api(`/api/v1/kpi/${area}`, params)));
  if (answers.some((a) => a.status === "rejected" && a.reason instanceof Expired)) {
    showLogin(t("login.expired"));
    return;
  }
  AREAS.forEach((area, i) => { state.results[area] = answers[i].status === "fulfilled" ? answers[i].value : null; });
  const first = AREAS.map((area) => state.results[area]).find(Boolean);
  if (!state.path.length && first) state.path = [{ ...first.scope, name: first.scope.code }];
  state.series = {};
  await Promise.all(Object.keys(CHARTS).filter((area) => CHARTS[area].kind === "series").map(loadSeries));
  render();
  status.textContent = answers.some((a) => a.status === "rejected") ? t("status.failed") : t("status.loaded");
}

async function loadSeries(area) {
  const data = state.results[area];
  if (!data || !data.kpis.length) return;
  const kpi = chosenKpi(area, data.kpis.map((k) => k.id));
  try {
    state.series[area] = await api(`/api/v1/kpi/${area}/series`, { kpi, interval: state.period.interval, ...where(), ...periodParams() });
  } catch (error) {
    if (error instanceof Expired) throw error;
    state.series[area] = null;
  }
}

function chosenKpi(area, ids) {
  if (state.chosen[area] && ids.includes(state.chosen[area])) return state.chosen[area];
  const prefer = CHARTS[area].prefer || [];
  for (const pattern of prefer) {
    const found = ids.find((id) => pattern.test(id));
    if (found) return (state.chosen[area] = found);
  }
  return (state.chosen[area] = ids[0]);
}

function drill(row) {
  state.path.push({ level: row.level, code: row.code, name: row.name });
  load().then(() => $("#scope-title").focus());
}

// ---- rendering ----

function render() {
  renderWho();
  renderCrumbs();
  const here = state.path[state.path.length - 1] || { level: "national" };
  $("#scope-title").textContent = here.level === "national" ? t("title.national") : t(`title.${here.level}`, { name: here.name || here.code });
  const areas = $("#areas");
  areas.replaceChildren(...AREAS.map(renderArea));
}

function renderCrumbs() {
  const list = $("#crumbs ol");
  list.replaceChildren();
  state.path.forEach((step, i) => {
    const item = el("li");
    const name = step.level === "national" ? t("scope.national") : step.name || step.code;
    if (i === state.path.length - 1) {
      item.append(el("span", { "aria-current": "page" }, name));
    } else {
      const back = el("button", { type: "button", class: "link" }, name);
      back.addEventListener("click", () => {
        state.path = state.path.slice(0, i + 1);
        load().then(() => $("#scope-title").focus());
      });
      item.append(back);
    }
    list.append(item);
  });
}

function unitOf(data, id) {
  return (data.kpis.find((k) => k.id === id) || {}).unit || "";
}

function labelOf(data, id) {
  const kpi = data.kpis.find((k) => k.id === id);
  return kpi ? pick(kpi, "label") : id;
}

function renderArea(area) {
  const data = state.results[area];
  const section = el("section", { class: "area", id: `area-${area}`, "data-area": area, "aria-labelledby": `h-${area}` });
  const head = el("div", { class: "area-head" });
  head.append(el("h2", { id: `h-${area}` }, t(`area.${area}`)));
  section.append(head);
  if (!data) {
    section.append(el("p", { class: "muted" }, t("area.unavailable")));
    return section;
  }
  head.append(el("span", { class: "asof", "data-asof": data.as_of || "" }, t("asof", { time: formatTime(data.as_of) })));
  if (data.sources.some((s) => s.behind)) {
    head.append(el("span", { class: "behind", role: "note", title: t("behind.title") }, t("behind")));
  }
  section.append(renderSources(data));
  const cards = el("div", { class: "cards" });
  data.kpis.forEach((kpi) => cards.append(renderCard(kpi)));
  section.append(cards);
  if (CHARTS[area]) section.append(renderChart(area, data));
  if (data.breakdown.length) section.append(renderBreakdown(area, data));
  return section;
}

function renderSources(data) {
  const details = el("details", { class: "sources" });
  details.append(el("summary", {}, t("sources")));
  const list = el("ul");
  data.sources.forEach((source) => {
    const item = el("li", { "data-source": source.source, "data-behind": String(source.behind) });
    item.append(el("strong", {}, source.source), document.createTextNode(` · ${t("asof", { time: formatTime(source.as_of) })} · `));
    item.append(source.behind ? el("span", { class: "behind" }, t("behind")) : el("span", {}, t("source.ok")));
    if (source.detail) item.append(document.createTextNode(` · ${source.detail}`));
    list.append(item);
  });
  details.append(list);
  return details;
}

function renderCard(kpi) {
  const card = el("article", { class: "kpi", "data-kpi": kpi.id, "data-value": JSON.stringify(kpi.value ?? null) });
  card.append(el("h3", {}, pick(kpi, "label")));
  card.append(renderValue(kpi.value, kpi.unit));
  card.append(el("p", { class: "asof" }, t("asof", { time: formatTime(kpi.as_of) })));
  const definition = el("details");
  definition.append(el("summary", {}, t("definition")), el("p", {}, pick(kpi, "definition")));
  card.append(definition);
  return card;
}

const isNumber = (v) => typeof v === "number";
const isParts = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

function humanize(key) {
  const text = String(key).replace(/[_-]+/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// A KPI's value: one number, parts of a whole ({"halal": 40}), or rows ([{...}]).
function renderValue(value, unit) {
  if (isParts(value)) {
    const list = el("dl", { class: "parts" });
    Object.entries(value).forEach(([part, v]) => list.append(el("dt", {}, humanize(part)), el("dd", {}, formatValue(v, unit))));
    return Object.keys(value).length ? list : el("p", { class: "value", "aria-label": t("no.value") }, "–");
  }
  if (Array.isArray(value)) {
    const list = el("ul", { class: "rows" });
    value.forEach((row) => list.append(el("li", {}, Object.entries(row).map(([k, v]) => `${humanize(k)}: ${isNumber(v) ? formatValue(v) : v}`).join(" · "))));
    return value.length ? list : el("p", { class: "value", "aria-label": t("no.value") }, "–");
  }
  const shown = el("p", { class: "value" }, formatValue(value, unit));
  if (value === null || value === undefined) shown.setAttribute("aria-label", t("no.value"));
  return shown;
}

function cellText(value, unit) {
  if (isParts(value)) return Object.entries(value).map(([k, v]) => `${humanize(k)}: ${formatValue(v, unit)}`).join("; ");
  if (Array.isArray(value)) return String(value.length);
  return formatValue(value, unit);
}

function kpiPicker(area, ids, data, onPick) {
  const id = `pick-${area}`;
  const wrap = el("div", { class: "picker" });
  wrap.append(el("label", { for: id }, t("chart.kpi")));
  const select = el("select", { id });
  ids.forEach((kpiId) => {
    const option = el("option", { value: kpiId }, labelOf(data, kpiId));
    option.selected = kpiId === state.chosen[area];
    select.append(option);
  });
  select.addEventListener("change", () => onPick(select.value));
  wrap.append(select);
  return wrap;
}

function renderChart(area, data) {
  const spec = CHARTS[area];
  const figure = el("figure", { class: "chart", "data-chart": area });
  const level = data.breakdown.length ? data.breakdown[0].level : "upt";
  const title = t(spec.title(level));
  const caption = el("figcaption", {}, title);
  figure.append(caption);

  if (spec.kind === "breakdown") {
    if (!data.breakdown.length) return el("div");
    const ids = [...new Set(data.breakdown.flatMap((row) => Object.keys(row.kpis).filter((k) => isNumber(row.kpis[k]))))];
    if (!ids.length) return el("div");
    const id = chosenKpi(area, ids);
    figure.append(kpiPicker(area, ids, data, (next) => { state.chosen[area] = next; rerender(area); }));
    figure.append(el("p", { class: "muted small" }, t("chart.drill")));
    const items = data.breakdown.map((row) => ({ key: row.code, label: row.name || row.code, value: isNumber(row.kpis[id]) ? row.kpis[id] : null, row }));
    figure.append(bars(items, { label: `${title}: ${labelOf(data, id)}`, format: (v) => formatValue(v, unitOf(data, id)), onSelect: (item) => drill(item.row) }));
  } else if (spec.kind === "series") {
    const ids = data.kpis.map((k) => k.id);
    if (!ids.length) return el("div");
    figure.append(kpiPicker(area, ids, data, async (next) => {
      state.chosen[area] = next;
      await loadSeries(area);
      rerender(area);
    }));
    const holder = el("div", { class: "series", "data-series": area });
    figure.append(holder);
    requestAnimationFrame(() => drawSeries(holder, area, data, title));
  } else {
    const matching = data.kpis.filter((k) => spec.prefer.some((p) => p.test(k.id)));
    const whole = spec.prefer.map((p) => matching.find((k) => p.test(k.id) && isParts(k.value))).find(Boolean);
    const items = whole
      ? Object.entries(whole.value).map(([part, v]) => ({ key: part, label: humanize(part), value: v }))
      : matching.filter((k) => isNumber(k.value)).map((k) => ({ key: k.id, label: pick(k, "label"), value: k.value }));
    const unit = whole ? whole.unit : (matching[0] || {}).unit;
    if (whole) caption.textContent = `${title}: ${pick(whole, "label")}`;
    figure.append(bars(items, { label: title, format: (v) => formatValue(v, unit) }));
  }
  return figure;
}

function drawSeries(holder, area, data, title) {
  const series = state.series[area];
  const id = series ? series.kpi : state.chosen[area];
  const points = series ? series.points : [];
  holder.replaceChildren(columns(points, { label: `${title}: ${labelOf(data, id)}`, format: (v) => formatValue(v, unitOf(data, id)), width: holder.clientWidth }));
}

function rerender(area) {
  const old = document.getElementById(`area-${area}`);
  const focused = document.activeElement && document.activeElement.id;
  old.replaceWith(renderArea(area));
  if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
}

function renderBreakdown(area, data) {
  const level = data.breakdown[0].level;
  const details = el("details", { class: "breakdown" });
  details.open = area === "occupancy";
  details.append(el("summary", {}, t(`breakdown.${level}`)));
  const ids = [...new Set(data.breakdown.flatMap((row) => Object.keys(row.kpis)))];
  const scroller = el("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": t(`breakdown.${level}`) });
  const table = el("table");
  const head = el("tr");
  head.append(el("th", { scope: "col" }, t("col.name")));
  ids.forEach((id) => head.append(el("th", { scope: "col" }, labelOf(data, id))));
  const thead = el("thead");
  thead.append(head);
  const body = el("tbody");
  data.breakdown.forEach((row) => {
    const tr = el("tr", { "data-code": row.code, "data-level": row.level });
    const name = el("th", { scope: "row" });
    const open = el("button", { type: "button", class: "link", "aria-label": t("drill.open", { name: row.name || row.code }) }, row.name || row.code);
    open.addEventListener("click", () => drill(row));
    name.append(open);
    tr.append(name);
    ids.forEach((id) => tr.append(el("td", { "data-kpi": id, "data-value": JSON.stringify(row.kpis[id] ?? null) }, cellText(row.kpis[id], unitOf(data, id)))));
    body.append(tr);
  });
  table.append(thead, body);
  scroller.append(table);
  details.append(scroller);
  return details;
}

// ---- wiring ----

function applyFilters(event) {
  event.preventDefault();
  state.period = { from: $("#period-from").value, to: $("#period-to").value, interval: $("#interval").value };
  load();
}

function resetFilters() {
  $("#period-from").value = "";
  $("#period-to").value = "";
  state.period = { from: "", to: "", interval: $("#interval").value };
  load();
}

let resizeTimer = 0;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    document.querySelectorAll(".series").forEach((holder) => {
      const area = holder.dataset.series;
      if (state.results[area]) drawSeries(holder, area, state.results[area], t(CHARTS[area].title()));
    });
  }, 150);
});

document.addEventListener("DOMContentLoaded", () => {
  applyStatic();
  installSwitch($("#lang"));
  onChange(() => { if (!$("#dashboard-view").hidden) render(); });
  $("#login-form").addEventListener("submit", signIn);
  $("#logout").addEventListener("click", () => showLogin());
  $("#filters").addEventListener("submit", applyFilters);
  $("#filters-reset").addEventListener("click", resetFilters);
  $("#period-from").addEventListener("change", () => { $("#period-to").min = $("#period-from").value; });
  const exp = state.token ? claims(state.token).exp : 0;
  if (state.token && (!exp || exp * 1000 > Date.now())) showDashboard();
  else showLogin(state.token ? t("login.expired") : "");
});
