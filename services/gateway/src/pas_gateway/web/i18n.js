// Every label of both pages, Bahasa Indonesia first, and the formatting of numbers and times.
// KPI names and definitions are not here: they come from the API (label_id/label_en).

const DICTIONARY = {
  id: {
    "skip": "Langsung ke isi",
    "app.title": "Kinerja Pemasyarakatan",
    "app.org": "Direktorat Jenderal Pemasyarakatan",
    "lang.switch": "English",
    "lang.switch.label": "Ganti bahasa ke English",
    "login.title": "Masuk",
    "login.intro": "Masuk dengan akun petugas untuk melihat kinerja sesuai wilayah tugas Anda.",
    "login.username": "Nama pengguna",
    "login.password": "Kata sandi",
    "login.submit": "Masuk",
    "login.busy": "Sedang masuk…",
    "login.failed": "Nama pengguna atau kata sandi salah.",
    "login.limited": "Terlalu banyak percobaan. Coba lagi dalam {seconds} detik.",
    "login.unavailable": "Layanan masuk belum tersedia.",
    "login.expired": "Sesi Anda telah berakhir. Silakan masuk kembali.",
    "logout": "Keluar",
    "who": "{name} · {scope}",
    "link.public": "Statistik publik (tanpa masuk)",
    "link.dashboard": "Dasbor petugas",
    "scope.national": "Nasional",
    "scope.kanwil": "Kanwil {code}",
    "scope.upt": "UPT {code}",
    "crumbs": "Tingkat wilayah",
    "title.national": "Gambaran nasional",
    "title.kanwil": "Kanwil: {name}",
    "title.upt": "UPT: {name}",
    "filters": "Saring periode",
    "filters.from": "Dari tanggal",
    "filters.to": "Sampai tanggal",
    "filters.interval": "Deret waktu",
    "filters.month": "Bulanan",
    "filters.day": "Harian",
    "filters.apply": "Terapkan",
    "filters.reset": "Semua periode",
    "status.loading": "Memuat data…",
    "status.loaded": "Data dimuat.",
    "status.failed": "Sebagian data tidak dapat dimuat.",
    "area.occupancy": "Hunian",
    "area.security": "Keamanan",
    "area.rehabilitation": "Pembinaan dan produk",
    "area.remission": "Remisi dan integrasi",
    "area.food": "Makanan dan dapur",
    "area.composite": "Indeks risiko UPT",
    "area.unavailable": "Data bidang ini belum tersedia.",
    "asof": "Data per {time}",
    "asof.none": "belum ada data",
    "behind": "Data tertinggal",
    "behind.title": "Sumber data tertinggal: angka mungkin belum mutakhir.",
    "sources": "Sumber data",
    "source.ok": "mutakhir",
    "definition": "Definisi",
    "no.value": "tidak ada data",
    "chart.kpi": "Angka yang ditampilkan",
    "chart.occupancy.kanwil": "Hunian per Kanwil",
    "chart.occupancy.upt": "Hunian per UPT",
    "chart.escapes": "Pelarian dari waktu ke waktu",
    "chart.remission": "Penerima remisi menurut momen",
    "chart.legalisation": "Kemajuan legalisasi produk",
    "chart.kitchen.kanwil": "Nilai dapur per Kanwil",
    "chart.kitchen.upt": "Nilai dapur per UPT",
    "chart.risk.kanwil": "Indeks risiko per Kanwil",
    "chart.risk.upt": "Indeks risiko per UPT",
    "chart.empty": "Belum ada data untuk grafik ini.",
    "chart.table": "Tabel data grafik",
    "chart.drill": "Pilih baris atau batang untuk melihat rinciannya.",
    "breakdown": "Rincian per wilayah",
    "breakdown.kanwil": "Rincian per Kanwil",
    "breakdown.upt": "Rincian per UPT",
    "col.name": "Wilayah",
    "col.period": "Periode",
    "col.value": "Nilai",
    "drill.open": "Lihat rincian {name}",
    "unit.days": "hari",
    "unit.hours": "jam",
    "public.title": "Statistik Publik Pemasyarakatan",
    "public.intro": "Angka agregat tanpa data pribadi, dari sistem kinerja Ditjenpas.",
    "public.failed": "Statistik publik belum dapat dimuat.",
    "public.occupancy": "Hunian",
    "public.national": "Nasional",
    "public.by_kanwil": "Per Kanwil",
    "public.remission": "Remisi",
    "public.rehabilitation": "Pembinaan",
    "public.remission_recipients": "Penerima remisi",
    "public.occupancy_by_kanwil": "Hunian per Kanwil",
    "public.remission_by_occasion": "Penerima remisi menurut momen",
    "public.remission_recipients_by_occasion": "Penerima remisi menurut momen",
    "public.products": "Produk warga binaan",
    "public.legalisation": "Kemajuan legalisasi produk",
    "public.legalisation_progress": "Kemajuan legalisasi produk",
    "field.kanwil_code": "Kode Kanwil",
    "field.code": "Kode",
    "field.name": "Nama",
    "field.occupants": "Penghuni",
    "field.capacity": "Kapasitas",
    "field.overcrowding_pct": "Kelebihan kapasitas (%)",
    "field.occupancy_ratio_pct": "Rasio hunian (%)",
    "field.detainees": "Tahanan",
    "field.convicts": "Narapidana",
    "field.occasion": "Momen",
    "field.recipients": "Penerima",
    "field.permit_type": "Jenis izin",
    "field.legalised_pct": "Terlegalisasi (%)",
    "field.products": "Produk",
    "field.products_active": "Jenis produk",
    "field.branded_pct": "Produk bermerek (%)",
    "field.remission_recipients": "Penerima remisi",
    "public.legalised_pct_by_permit": "Produk berizin per jenis izin (%)",
    "field.product_types": "Jenis produk",
    "field.upts_producing": "UPT berproduksi",
    "field.value": "Nilai",
    "field.as_of": "Data per",
  },
  en: {
    "skip": "Skip to content",
    "app.title": "Corrections Performance",
    "app.org": "Directorate General of Corrections",
    "lang.switch": "Bahasa Indonesia",
    "lang.switch.label": "Switch language to Bahasa Indonesia",
    "login.title": "Sign in",
    "login.intro": "Sign in with your officer account to see the figures of your area.",
    "login.username": "Username",
    "login.password": "Password",
    "login.submit": "Sign in",
    "login.busy": "Signing in…",
    "login.failed": "Wrong username or password.",
    "login.limited": "Too many attempts. Try again in {seconds} seconds.",
    "login.unavailable": "Sign-in is not available yet.",
    "login.expired": "Your session has ended. Please sign in again.",
    "logout": "Sign out",
    "who": "{name} · {scope}",
    "link.public": "Public statistics (no sign-in)",
    "link.dashboard": "Officers' dashboard",
    "scope.national": "National",
    "scope.kanwil": "Kanwil {code}",
    "scope.upt": "UPT {code}",
    "crumbs": "Region level",
    "title.national": "The national picture",
    "title.kanwil": "Kanwil: {name}",
    "title.upt": "UPT: {name}",
    "filters": "Filter by period",
    "filters.from": "From date",
    "filters.to": "To date",
    "filters.interval": "Time series",
    "filters.month": "Monthly",
    "filters.day": "Daily",
    "filters.apply": "Apply",
    "filters.reset": "All periods",
    "status.loading": "Loading data…",
    "status.loaded": "Data loaded.",
    "status.failed": "Some data could not be loaded.",
    "area.occupancy": "Occupancy",
    "area.security": "Security",
    "area.rehabilitation": "Rehabilitation and products",
    "area.remission": "Remission and integration",
    "area.food": "Food and kitchens",
    "area.composite": "UPT risk index",
    "area.unavailable": "The figures of this area are not available yet.",
    "asof": "Data as of {time}",
    "asof.none": "no data yet",
    "behind": "Data behind",
    "behind.title": "A data source is behind: figures may not be current.",
    "sources": "Data sources",
    "source.ok": "current",
    "definition": "Definition",
    "no.value": "no data",
    "chart.kpi": "Figure shown",
    "chart.occupancy.kanwil": "Occupancy by Kanwil",
    "chart.occupancy.upt": "Occupancy by UPT",
    "chart.escapes": "Escapes over time",
    "chart.remission": "Remission recipients by occasion",
    "chart.legalisation": "Product legalisation progress",
    "chart.kitchen.kanwil": "Kitchen ratings by Kanwil",
    "chart.kitchen.upt": "Kitchen ratings by UPT",
    "chart.risk.kanwil": "Risk index by Kanwil",
    "chart.risk.upt": "Risk index by UPT",
    "chart.empty": "No data for this chart yet.",
    "chart.table": "Chart data table",
    "chart.drill": "Choose a row or bar to see its detail.",
    "breakdown": "Breakdown by region",
    "breakdown.kanwil": "Breakdown by Kanwil",
    "breakdown.upt": "Breakdown by UPT",
    "col.name": "Region",
    "col.period": "Period",
    "col.value": "Value",
    "drill.open": "See the detail of {name}",
    "unit.days": "days",
    "unit.hours": "hours",
    "public.title": "Public Corrections Statistics",
    "public.intro": "Aggregate figures with no personal data, from Ditjenpas's performance system.",
    "public.failed": "The public statistics could not be loaded yet.",
    "public.occupancy": "Occupancy",
    "public.national": "National",
    "public.by_kanwil": "By Kanwil",
    "public.remission": "Remission",
    "public.rehabilitation": "Rehabilitation",
    "public.remission_recipients": "Remission recipients",
    "public.occupancy_by_kanwil": "Occupancy by Kanwil",
    "public.remission_by_occasion": "Remission recipients by occasion",
    "public.remission_recipients_by_occasion": "Remission recipients by occasion",
    "public.products": "Inmate products",
    "public.legalisation": "Product legalisation progress",
    "public.legalisation_progress": "Product legalisation progress",
    "field.kanwil_code": "Kanwil code",
    "field.code": "Code",
    "field.name": "Name",
    "field.occupants": "Occupants",
    "field.capacity": "Capacity",
    "field.overcrowding_pct": "Overcrowding (%)",
    "field.occupancy_ratio_pct": "Occupancy ratio (%)",
    "field.detainees": "Detainees",
    "field.convicts": "Convicts",
    "field.occasion": "Occasion",
    "field.recipients": "Recipients",
    "field.permit_type": "Permit type",
    "field.legalised_pct": "Legalised (%)",
    "field.products": "Products",
    "field.products_active": "Product types",
    "field.branded_pct": "Products branded (%)",
    "field.remission_recipients": "Remission recipients",
    "public.legalised_pct_by_permit": "Products legalised per permit type (%)",
    "field.product_types": "Product types",
    "field.upts_producing": "UPTs producing",
    "field.value": "Value",
    "field.as_of": "As of",
  },
};

const LOCALES = { id: "id-ID", en: "en-GB" };
const STORE = "pas.lang";
const listeners = [];

export function lang() {
  const chosen = localStorage.getItem(STORE);
  return chosen === "en" ? "en" : "id";
}

export function has(key) {
  return key in DICTIONARY.id;
}

export function t(key, params = {}) {
  const text = DICTIONARY[lang()][key] ?? DICTIONARY.id[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

// A label the API gives in both languages (label_id/label_en, definition_id/definition_en).
export function pick(item, field) {
  return item[`${field}_${lang()}`] ?? item[`${field}_id`] ?? "";
}

export function onChange(listener) {
  listeners.push(listener);
}

export function setLang(next) {
  localStorage.setItem(STORE, next);
  applyStatic();
  listeners.forEach((listener) => listener());
}

// Elements carry data-i18n (text), data-i18n-label (aria-label) or data-i18n-title (title).
export function applyStatic(root = document) {
  document.documentElement.lang = lang();
  root.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  root.querySelectorAll("[data-i18n-label]").forEach((el) => el.setAttribute("aria-label", t(el.dataset.i18nLabel)));
  root.querySelectorAll("[data-i18n-title]").forEach((el) => el.setAttribute("title", t(el.dataset.i18nTitle)));
  const title = document.querySelector("meta[name=page-title]");
  if (title) document.title = t(title.content);
}

export function formatNumber(value, digits = 1) {
  return new Intl.NumberFormat(LOCALES[lang()], { maximumFractionDigits: digits }).format(value);
}

// A KPI value in its unit; null means the figure cannot be computed yet (no data).
export function formatValue(value, unit = "") {
  if (value === null || value === undefined) return "–";
  if (typeof value !== "number") return String(value);
  const u = String(unit).toLowerCase();
  if (u === "percent" || u === "%" || u === "pct") return `${formatNumber(value)} %`;
  if (u === "idr" || u === "rupiah" || u === "rp") {
    return new Intl.NumberFormat(LOCALES[lang()], { style: "currency", currency: "IDR", maximumFractionDigits: 0 }).format(value);
  }
  if (u === "days" || u === "day") return `${formatNumber(value)} ${t("unit.days")}`;
  if (u === "hours" || u === "hour") return `${formatNumber(value)} ${t("unit.hours")}`;
  return formatNumber(value, 2);
}

export function formatTime(iso) {
  if (!iso) return t("asof.none");
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return String(iso);
  return new Intl.DateTimeFormat(LOCALES[lang()], {
    year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short",
  }).format(when);
}

// Wire the language button present on both pages.
export function installSwitch(button) {
  const render = () => {
    const other = lang() === "id" ? "en" : "id";
    button.textContent = t("lang.switch");
    button.setAttribute("aria-label", t("lang.switch.label"));
    button.setAttribute("lang", other);
  };
  button.addEventListener("click", () => {
    setLang(lang() === "id" ? "en" : "id");
    render();
  });
  render();
}
