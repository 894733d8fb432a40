"""The national KPIs: each with its definition (Bahasa Indonesia and English), unit, the base
metrics it is computed from (kpi_metrics) and the event sources behind it.

A KPI whose data no event carries yet is listed with `available=False` and the reason, so the
catalogue says what is missing instead of showing a made-up number.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from pas_gateway.domain.kpi_figures import Figures, KpiValue, pct
from pas_gateway.domain.kpi_metrics import Needs, needs_of

AREAS = ("occupancy", "security", "rehabilitation", "remission", "food", "composite")
SOURCES = ("remission", "security", "rehabilitation", "food-audit")
AREA_SOURCE = {
    "occupancy": "remission",
    "security": "security",
    "rehabilitation": "rehabilitation",
    "remission": "remission",
    "food": "food-audit",
    "composite": "security",
}


@dataclass(frozen=True)
class Kpi:
    id: str
    area: str
    label_id: str
    label_en: str
    definition_id: str
    definition_en: str
    unit: str
    needs: frozenset[str]
    value: Callable[[Figures], KpiValue]
    sources: tuple[str, ...]
    available: bool = True
    note_id: str = ""
    note_en: str = ""
    metric_needs: Needs = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "metric_needs", needs_of(set(self.needs)))

    @property
    def has_series(self) -> bool:
        """Levels and flows can be read at the end of each day or month; windows and per-UPT
        indicators only now."""
        n = self.metric_needs
        return self.available and not n.windows and not n.indicators


CATALOGUE: dict[str, Kpi] = {}


def _kpi(
    id: str,
    area: str,
    label: tuple[str, str],
    definition: tuple[str, str],
    unit: str,
    needs: set[str],
    value: Callable[[Figures], KpiValue],
    *,
    also: tuple[str, ...] = (),
    note: tuple[str, str] = ("", ""),
) -> None:
    if id in CATALOGUE:
        raise ValueError(f"KPI {id} defined twice")
    sources = (AREA_SOURCE[area], *(s for s in also if s != AREA_SOURCE[area]))
    CATALOGUE[id] = Kpi(id, area, *label, *definition, unit, frozenset(needs), value, sources, True, *note)


def _missing(id: str, area: str, label: tuple[str, str], definition: tuple[str, str], unit: str, why: tuple[str, str]) -> None:
    CATALOGUE[id] = Kpi(id, area, *label, *definition, unit, frozenset(), lambda f: None, (AREA_SOURCE[area],), False, *why)


def _occupants(f: Figures) -> float:
    return f.get("detainees") + f.get("convicts")


def _overcrowding(f: Figures) -> float | None:
    capacity = f.get("capacity")
    return None if capacity == 0 else round((_occupants(f) - capacity) / capacity * 100, 1)


def _per(a: float, b: float, digits: int = 1) -> float | None:
    return None if b == 0 else round(a / b, digits)


def _share_of(family: str, whole: str) -> Callable[[Figures], KpiValue]:
    def share(f: Figures) -> dict[str, float]:
        return {k: v for k, v in ((k, pct(n, f.get(whole))) for k, n in f.family(family).items()) if v is not None}

    return share


OCC = {"detainees", "convicts"}

# -- occupancy ------------------------------------------------------------------------------
_kpi(
    "occupants",
    "occupancy",
    ("Penghuni", "Occupants"),
    ("Jumlah tahanan dan narapidana yang berada di UPT.", "Detainees and convicts held in the UPTs."),
    "persons",
    OCC,
    _occupants,
)
_kpi(
    "detainees",
    "occupancy",
    ("Tahanan", "Detainees"),
    ("Penghuni yang belum berputusan berkekuatan hukum tetap.", "Occupants with no final verdict yet."),
    "persons",
    {"detainees"},
    lambda f: f.get("detainees"),
)
_kpi(
    "convicts",
    "occupancy",
    ("Narapidana", "Convicts"),
    ("Penghuni dengan putusan berkekuatan hukum tetap.", "Occupants with a final verdict."),
    "persons",
    {"convicts"},
    lambda f: f.get("convicts"),
)
_kpi(
    "capacity",
    "occupancy",
    ("Kapasitas", "Capacity"),
    ("Kapasitas hunian yang berlaku hari ini.", "Places in force today."),
    "places",
    {"capacity"},
    lambda f: f.get("capacity"),
)
_kpi(
    "overcrowding_pct",
    "occupancy",
    ("Over kapasitas", "Overcrowding"),
    (
        "(penghuni − kapasitas) / kapasitas × 100, sesuai pelaporan 'over kapasitas' Ditjenpas.",
        "(occupants − capacity) / capacity × 100, as Ditjenpas reports 'over kapasitas'.",
    ),
    "percent",
    OCC | {"capacity"},
    _overcrowding,
)
_kpi(
    "occupancy_ratio_pct",
    "occupancy",
    ("Rasio hunian", "Occupancy ratio"),
    ("penghuni / kapasitas × 100.", "occupants / capacity × 100."),
    "percent",
    OCC | {"capacity"},
    lambda f: pct(_occupants(f), f.get("capacity")),
)
_kpi(
    "overcrowded_upts",
    "occupancy",
    ("UPT over kapasitas", "Overcrowded UPTs"),
    ("Jumlah UPT yang penghuninya melebihi kapasitas.", "UPTs holding more occupants than their capacity."),
    "UPTs",
    {"upt_overcrowded"},
    lambda f: f.get("upt_overcrowded"),
)

# -- security -------------------------------------------------------------------------------
_kpi(
    "escape_incidents",
    "security",
    ("Kejadian pelarian", "Escape incidents"),
    ("Kejadian kamtib berkategori pelarian pada periode.", "Security incidents of category escape in the period."),
    "incidents",
    {"incidents.category:*"},
    lambda f: f.family("incidents.category").get("escape", 0.0),
)
_kpi(
    "escapees",
    "security",
    ("WBP melarikan diri", "Escapees"),
    (
        "WBP yang dilaporkan melarikan diri pada periode (per tanggal pelarian).",
        "Inmates reported escaped in the period (by escape date).",
    ),
    "persons",
    {"escapees"},
    lambda f: f.get("escapees"),
)
_kpi(
    "escapees_at_large",
    "security",
    ("Buron belum tertangkap", "Escapees still at large"),
    ("WBP yang melarikan diri dan belum tertangkap kembali atau meninggal.", "Escapees not recaptured and not known dead."),
    "persons",
    {"at_large"},
    lambda f: f.get("at_large"),
)
_kpi(
    "escape_rate_per_10k_year",
    "security",
    ("Tingkat pelarian", "Escape rate"),
    (
        "Pelarian per 10.000 penghuni per tahun: pelarian pada periode / penghuni × 10.000 × 365 / hari periode.",
        "Escapees per 10,000 occupants per year: escapees in the period / occupants × 10,000 × 365 / days in the period.",
    ),
    "per 10,000 occupants per year",
    OCC | {"escapees"},
    lambda f: _per(f.get("escapees") * 10_000 * 365, _occupants(f) * f.period_days, 2),
    also=("remission",),
)
_kpi(
    "recapture_rate_pct",
    "security",
    ("Tingkat penangkapan kembali", "Recapture rate"),
    (
        "Dari WBP yang melarikan diri pada periode, persentase yang sudah tertangkap kembali.",
        "Of the inmates who escaped in the period, the share recaptured since.",
    ),
    "percent",
    {"escapees", "escapees_recaptured"},
    lambda f: f.pct("escapees_recaptured", "escapees"),
)
_kpi(
    "median_days_to_recapture",
    "security",
    ("Median hari sampai tertangkap", "Median days to recapture"),
    (
        "Median selisih hari tanggal tertangkap − tanggal pelarian, untuk pelarian pada periode.",
        "Median of recapture date − escape date in days, for escapes in the period.",
    ),
    "days",
    {"recapture_days:*"},
    lambda f: f.median("recapture_days"),
)
_kpi(
    "incidents",
    "security",
    ("Gangguan kamtib", "Security incidents"),
    (
        "Kejadian yang dilaporkan pada periode (tanggal kejadian), tanpa duplikat dan yang tidak dilaporkan.",
        "Incidents that occurred in the period, duplicates and non-reportable ones excluded.",
    ),
    "incidents",
    {"incidents"},
    lambda f: f.get("incidents"),
)
_kpi(
    "incidents_by_category",
    "security",
    ("Gangguan kamtib per kategori", "Incidents by category"),
    (
        "Kejadian pada periode per kategori (data aturan layanan keamanan).",
        "Incidents in the period per category (security rule data).",
    ),
    "incidents",
    {"incidents.category:*"},
    lambda f: f.family("incidents.category"),
)
_kpi(
    "incidents_by_severity",
    "security",
    ("Gangguan kamtib per tingkat", "Incidents by severity"),
    ("Kejadian pada periode per tingkat keparahan.", "Incidents in the period per severity."),
    "incidents",
    {"incidents.severity:*"},
    lambda f: f.family("incidents.severity"),
)
_kpi(
    "open_incidents",
    "security",
    ("Kejadian belum ditutup", "Open incidents"),
    ("Kejadian yang dilaporkan dan belum ditutup.", "Incidents reported and not closed yet."),
    "incidents",
    {"incidents_open"},
    lambda f: f.get("incidents_open"),
)
_kpi(
    "mean_hours_to_close",
    "security",
    ("Rata-rata jam sampai ditutup", "Mean hours to close"),
    (
        "Rata-rata jam dari kejadian sampai penutupan, untuk kejadian yang ditutup pada periode.",
        "Mean hours from occurrence to closing, of the incidents closed in the period.",
    ),
    "hours",
    {"close_hours", "incidents_closed"},
    lambda f: f.mean("close_hours", "incidents_closed"),
)
_kpi(
    "escalations_on_time_pct",
    "security",
    ("Eskalasi kejadian kritis tepat waktu", "Critical escalations on time"),
    (
        "Eskalasi dengan tenggat (kejadian kritis) yang dilakukan sebelum tenggat, per eskalasi pada periode.",
        "Escalations with a deadline (critical incidents) made by the deadline, of those in the period.",
    ),
    "percent",
    {"escalations_due", "escalations_on_time"},
    lambda f: f.pct("escalations_on_time", "escalations_due"),
)
_kpi(
    "seizures_by_item",
    "security",
    ("Barang sitaan razia per jenis", "Seizures by item type"),
    (
        "Jumlah barang yang disita dalam razia pada periode, per jenis.",
        "Items seized in searches (razia) in the period, per type.",
    ),
    "items",
    {"seized:*"},
    lambda f: f.family("seized"),
)
_kpi(
    "searches",
    "security",
    ("Razia", "Searches"),
    ("Razia (penggeledahan) yang dimulai pada periode.", "Searches (razia) begun in the period."),
    "searches",
    {"searches"},
    lambda f: f.get("searches"),
)
_kpi(
    "sop_audit_score_mean",
    "security",
    ("Kepatuhan SOP (rata-rata skor audit)", "SOP compliance (mean audit score)"),
    (
        "Rata-rata skor audit SOP (bobot item patuh) pada periode.",
        "Mean SOP audit score (weighted compliant items) in the period.",
    ),
    "percent",
    {"audits", "audit_score"},
    lambda f: f.mean("audit_score", "audits"),
)
_kpi(
    "upts_audited_90d_pct",
    "security",
    ("UPT diaudit 90 hari terakhir", "UPTs audited in the last 90 days"),
    (
        "UPT dengan sedikitnya satu audit SOP dalam 90 hari terakhir / seluruh UPT × 100.",
        "UPTs with at least one SOP audit in the last 90 days / all UPTs × 100.",
    ),
    "percent",
    {"upt_audited_90", "upt_count"},
    lambda f: f.pct("upt_audited_90", "upt_count"),
)
_kpi(
    "open_corrective_actions",
    "security",
    ("Tindakan korektif terbuka", "Open corrective actions"),
    (
        "Tindakan korektif dari audit SOP yang belum ditutup oleh audit ulang.",
        "Corrective actions from SOP audits not closed by a re-audit.",
    ),
    "actions",
    {"corrective_open"},
    lambda f: f.get("corrective_open"),
)
_missing(
    "overdue_corrective_actions",
    "security",
    ("Tindakan korektif lewat tenggat", "Overdue corrective actions"),
    ("Tindakan korektif terbuka yang melewati tenggatnya.", "Open corrective actions past their due date."),
    "actions",
    (
        "Tidak tersedia: peristiwa audit SOP tidak membawa tenggat tindakan korektif.",
        "Not available: the SOP audit event carries no due dates of corrective actions.",
    ),
)
_kpi(
    "training_coverage_pct",
    "security",
    ("Cakupan pelatihan petugas", "Officer training coverage"),
    (
        "Petugas aktif dengan sertifikasi pelatihan yang masih berlaku hari ini / petugas aktif × 100.",
        "Active officers holding a training certification valid today / active officers × 100.",
    ),
    "percent",
    {"officers_trained", "officers"},
    lambda f: f.pct("officers_trained", "officers"),
)
_kpi(
    "occupants_per_guard",
    "security",
    ("Penghuni per petugas jaga", "Occupants per guard"),
    ("Penghuni / petugas aktif yang dihitung sebagai petugas jaga.", "Occupants / active officers counted as guards."),
    "persons per guard",
    OCC | {"guards"},
    lambda f: _per(_occupants(f), f.get("guards")),
    also=("remission",),
)

# -- rehabilitation -------------------------------------------------------------------------
_kpi(
    "upts_producing",
    "rehabilitation",
    ("UPT berproduksi", "UPTs producing"),
    ("UPT dengan sedikitnya satu produk aktif (angka '170').", "UPTs with at least one active product (the '170')."),
    "UPTs",
    {"upt_producing"},
    lambda f: f.get("upt_producing"),
)
_kpi(
    "products_active",
    "rehabilitation",
    ("Jenis produk", "Product types"),
    (
        "Produk aktif yang terdaftar; satu produk adalah satu jenis barang dari satu UPT (angka '320').",
        "Active registered products; a product is one kind of good made by one UPT (the '320').",
    ),
    "products",
    {"products_active"},
    lambda f: f.get("products_active"),
)
_kpi(
    "product_categories",
    "rehabilitation",
    ("Kategori produk", "Product categories"),
    ("Kategori berbeda di antara produk aktif.", "Distinct categories among active products."),
    "categories",
    {"products.category:*"},
    lambda f: float(len(f.family("products.category"))),
)
_kpi(
    "legalised_pct_by_permit",
    "rehabilitation",
    ("Produk berizin per jenis izin", "Products legalised per permit type"),
    (
        "Izin berstatus terbit per jenis (NIB, P-IRT, halal, BPOM, HKI, SNI) / produk aktif × 100.",
        "Permits in status granted per type (NIB, P-IRT, halal, BPOM, HKI, SNI) / active products × 100.",
    ),
    "percent",
    {"permits_granted:*", "products_active"},
    _share_of("permits_granted", "products_active"),
)
_kpi(
    "branded_pct",
    "rehabilitation",
    ("Produk bermerek", "Products branded"),
    (
        "Produk yang labelnya berstatus digunakan (in-use) / produk aktif × 100.",
        "Products whose label is in use / active products × 100.",
    ),
    "percent",
    {"products_branded", "products_active"},
    lambda f: f.pct("products_branded", "products_active"),
)
_kpi(
    "programme_completions",
    "rehabilitation",
    ("Penyelesaian program", "Programme completions"),
    ("WBP yang menyelesaikan program pembinaan pada periode.", "Inmates who completed a programme in the period."),
    "completions",
    {"programme_completions"},
    lambda f: f.get("programme_completions"),
)
_kpi(
    "programme_participation_pct",
    "rehabilitation",
    ("Partisipasi program", "Programme participation"),
    (
        "Penyelesaian program pada periode / penghuni × 100 (pendekatan: belum ada peristiwa pendaftaran program).",
        "Programme completions in the period / occupants × 100 (an approximation: no enrolment event exists yet).",
    ),
    "percent",
    OCC | {"programme_completions"},
    lambda f: pct(f.get("programme_completions"), _occupants(f)),
    also=("remission",),
    note=(
        "Pendekatan: peserta yang sedang mengikuti program tidak dikirim sebagai peristiwa.",
        "Approximation: current enrolments are not published as events.",
    ),
)
_kpi(
    "attendance_pct",
    "rehabilitation",
    ("Kehadiran program", "Programme attendance"),
    (
        "Sesi dihadiri / sesi diselenggarakan, untuk program yang selesai pada periode.",
        "Sessions attended / sessions held, of programmes completed in the period.",
    ),
    "percent",
    {"sessions_attended", "sessions_held"},
    lambda f: f.pct("sessions_attended", "sessions_held"),
)
_kpi(
    "revenue_rupiah",
    "rehabilitation",
    ("Pendapatan penjualan", "Sales revenue"),
    ("Pendapatan penjualan produk pada periode.", "Revenue of product sales in the period."),
    "rupiah",
    {"revenue_rupiah"},
    lambda f: f.get("revenue_rupiah"),
)
_kpi(
    "pnbp_deposited_rupiah",
    "rehabilitation",
    ("PNBP disetor", "PNBP deposited"),
    (
        "PNBP yang disetor ke kas negara pada periode (dengan NTPN).",
        "PNBP deposited to the treasury in the period (with an NTPN).",
    ),
    "rupiah",
    {"pnbp_deposited_rupiah"},
    lambda f: f.get("pnbp_deposited_rupiah"),
)
_kpi(
    "premi_paid_rupiah",
    "rehabilitation",
    ("Premi dibayarkan", "Premi paid"),
    ("Premi yang dibayarkan kepada WBP yang bekerja pada periode.", "Premi paid to the inmates who worked, in the period."),
    "rupiah",
    {"premi_paid_rupiah"},
    lambda f: f.get("premi_paid_rupiah"),
)

# -- remission and integration --------------------------------------------------------------
_kpi(
    "remission_recipients",
    "remission",
    ("Penerima remisi", "Remission recipients"),
    (
        "Pemberian remisi dengan SK pada periode (tanggal remisi).",
        "Remissions granted by decree in the period (by remission date).",
    ),
    "persons",
    {"remissions"},
    lambda f: f.get("remissions"),
)
_kpi(
    "remission_recipients_by_occasion",
    "remission",
    ("Penerima remisi per momen", "Remission recipients by occasion"),
    (
        "Per momen: remisi-umum, remisi-khusus:<hari raya> (mis. Idul Fitri), remisi-dasawarsa.",
        "Per occasion: remisi-umum, remisi-khusus:<holiday> (e.g. Idul Fitri), remisi-dasawarsa.",
    ),
    "persons",
    {"remissions.occasion:*"},
    lambda f: f.family("remissions.occasion"),
)
_kpi(
    "remission_recipients_by_type",
    "remission",
    ("Penerima remisi per jenis", "Remission recipients by type"),
    ("Remisi I (sebagian) dan II (langsung bebas).", "Remission type I (partial) and II (released that day)."),
    "persons",
    {"remissions.type:*"},
    lambda f: f.family("remissions.type"),
)
_kpi(
    "type_ii_releases",
    "remission",
    ("Bebas karena remisi II", "Type II releases"),
    ("WBP yang bebas pada hari remisi II.", "Inmates released on the day of a type II remission."),
    "persons",
    {"releases.reason:*"},
    lambda f: f.family("releases.reason").get("remission-ii", 0.0),
)
_kpi(
    "remission_days_granted",
    "remission",
    ("Hari remisi diberikan", "Remission days granted"),
    (
        "Jumlah hari yang dipotong dari masa pidana oleh remisi pada periode.",
        "Days taken off sentences by the remissions of the period.",
    ),
    "days",
    {"remission_days"},
    lambda f: f.get("remission_days"),
)
_kpi(
    "food_budget_saving_rupiah",
    "remission",
    ("Penghematan anggaran makan", "Food-budget saving"),
    (
        "Σ hari remisi × biaya makan per orang per hari di provinsi UPT (PMK Standar Biaya Masukan; data aturan).",
        "Σ remission days × the daily ration cost in the UPT's province (PMK Standar Biaya Masukan; rule data).",
    ),
    "rupiah",
    {"remission_saving_rupiah"},
    lambda f: f.get("remission_saving_rupiah"),
)
_kpi(
    "integration_granted",
    "remission",
    ("Hak integrasi diberikan", "Integration rights granted"),
    ("SK PB, CB, CMB dan asimilasi pada periode, per hak.", "Decrees of PB, CB, CMB and asimilasi in the period, per right."),
    "decrees",
    {"integration.granted:*"},
    lambda f: f.family("integration.granted"),
)
_kpi(
    "integration_revoked",
    "remission",
    ("Pencabutan hak integrasi", "Integration rights revoked"),
    (
        "Pencabutan PB, CB, CMB dan asimilasi pada periode, per hak.",
        "Revocations of PB, CB, CMB and asimilasi in the period, per right.",
    ),
    "revocations",
    {"integration.revoked:*"},
    lambda f: f.family("integration.revoked"),
)
_missing(
    "pending_applications",
    "remission",
    ("Usulan dalam proses per tahap", "Pending applications per stage"),
    (
        "Usulan hak integrasi yang belum diputus, dan median hari proses per tahap.",
        "Integration-right applications not decided yet, and median processing days per stage.",
    ),
    "applications",
    (
        "Tidak tersedia: layanan remisi hanya menerbitkan peristiwa putusan, bukan pengajuan dan tahapannya.",
        "Not available: the remission service publishes decisions only, not submissions and their stages.",
    ),
)
_missing(
    "past_two_thirds_without_application",
    "remission",
    ("Lewat 2/3 tanpa usulan", "Past 2/3 with no application"),
    ("Narapidana yang telah menjalani 2/3 pidana tanpa usulan PB.", "Convicts past 2/3 of the sentence with no PB application."),
    "persons",
    (
        "Tidak tersedia: tanggal 2/3 dan pengajuan usulan tidak dikirim sebagai peristiwa.",
        "Not available: the 2/3 date and application submissions are not published as events.",
    ),
)
_kpi(
    "release_forecast_90d",
    "remission",
    ("Perkiraan bebas 90 hari", "Releases expected in 90 days"),
    (
        "Penghuni yang tanggal bebasnya (ekspirasi dikurangi remisi) jatuh dalam 90 hari ke depan.",
        "Occupants whose release date (expiration less remission) falls in the next 90 days.",
    ),
    "persons",
    {"release_due_90"},
    lambda f: f.get("release_due_90"),
    note=("Tanpa PB/CB/CMB yang belum diputus.", "Not counting PB/CB/CMB not yet decided."),
)
_kpi(
    "assistance_distributions",
    "remission",
    ("Bantuan sosial disalurkan", "Social assistance distributed"),
    (
        "Penyaluran bantuan sosial kepada WBP atau keluarganya pada periode.",
        "Social-assistance distributions to inmates or their families in the period.",
    ),
    "distributions",
    {"assistance"},
    lambda f: f.get("assistance"),
)
_kpi(
    "assistance_rupiah",
    "remission",
    ("Nilai bantuan sosial", "Social assistance value"),
    (
        "Nilai (tunai atau taksiran) bantuan sosial yang disalurkan pada periode.",
        "Value (cash or declared) of social assistance distributed in the period.",
    ),
    "rupiah",
    {"assistance_rupiah"},
    lambda f: f.get("assistance_rupiah"),
)

# -- food -----------------------------------------------------------------------------------
_kpi(
    "inspection_pass_pct",
    "food",
    ("Inspeksi dapur lulus", "Kitchen inspections passed"),
    ("Inspeksi dapur yang lulus / inspeksi pada periode × 100.", "Kitchen inspections passed / inspections in the period × 100."),
    "percent",
    {"inspections", "inspections_passed"},
    lambda f: f.pct("inspections_passed", "inspections"),
)
_kpi(
    "inspection_rating_mean",
    "food",
    ("Rata-rata nilai dapur", "Mean kitchen rating"),
    ("Rata-rata nilai inspeksi (0–5) pada periode.", "Mean inspection rating (0–5) in the period."),
    "rating 0-5",
    {"inspections", "inspection_rating"},
    lambda f: f.mean("inspection_rating", "inspections", 2),
)
_kpi(
    "kitchens_certified",
    "food",
    ("Dapur ber-SLHS berlaku", "Kitchens with a valid SLHS"),
    (
        "Dapur dengan Sertifikat Laik Higiene Sanitasi yang berlaku hari ini.",
        "Kitchens holding a hygiene certificate (SLHS) valid today.",
    ),
    "kitchens",
    {"kitchens_certified"},
    lambda f: f.get("kitchens_certified"),
)
_kpi(
    "kitchens_certified_pct",
    "food",
    ("Dapur ber-SLHS berlaku (persen)", "Kitchens with a valid SLHS (share)"),
    (
        "Dapur ber-SLHS berlaku / dapur yang dikenal dari peristiwa (sertifikat atau inspeksi) × 100.",
        "Kitchens with a valid SLHS / kitchens known from events (a certificate or an inspection) × 100.",
    ),
    "percent",
    {"kitchens_certified", "kitchens"},
    lambda f: f.pct("kitchens_certified", "kitchens"),
    note=(
        "Dapur tanpa sertifikat dan tanpa inspeksi tidak diketahui gateway.",
        "A kitchen with no certificate and no inspection is not known to the gateway.",
    ),
)
_kpi(
    "open_findings",
    "food",
    ("Temuan terbuka", "Open findings"),
    ("Temuan inspeksi yang belum ditutup.", "Inspection findings not closed yet."),
    "findings",
    {"findings_open"},
    lambda f: f.get("findings_open"),
)
_kpi(
    "overdue_findings",
    "food",
    ("Temuan lewat tenggat", "Overdue findings"),
    ("Temuan terbuka yang tenggatnya sudah lewat.", "Open findings past their due date."),
    "findings",
    {"findings_overdue"},
    lambda f: f.get("findings_overdue"),
)
_kpi(
    "vendor_sanctions",
    "food",
    ("Sanksi penyedia", "Vendor sanctions"),
    ("Sanksi kepada penyedia bahan makanan pada periode, per jenis.", "Sanctions on food vendors in the period, per kind."),
    "sanctions",
    {"sanctions:*"},
    lambda f: f.family("sanctions"),
)
_kpi(
    "cost_per_inmate_day_rupiah",
    "food",
    ("Biaya makan per WBP per hari", "Food cost per inmate per day"),
    (
        "Biaya ransum diterima / jumlah penghuni pada hari pengiriman, pada periode.",
        "Cost of accepted rations / headcount on the delivery days, in the period.",
    ),
    "rupiah",
    {"delivery_cost_rupiah", "delivery_headcount"},
    lambda f: f.mean("delivery_cost_rupiah", "delivery_headcount", 0),
)
_kpi(
    "cost_vs_standard_pct",
    "food",
    ("Biaya makan terhadap standar", "Food cost vs standard"),
    (
        "Biaya ransum diterima / (penghuni × standar biaya kontrak) × 100, untuk kontrak yang standarnya diketahui.",
        "Cost of accepted rations / (headcount × the contract's cost standard) × 100, for contracts with a known standard.",
    ),
    "percent",
    {"delivery_cost_std_rupiah", "delivery_standard_rupiah"},
    lambda f: f.pct("delivery_cost_std_rupiah", "delivery_standard_rupiah"),
)
_missing(
    "menus_meeting_energy_pct",
    "food",
    ("Menu memenuhi standar energi", "Menus meeting the energy standard"),
    ("Menu yang memenuhi standar kkal / menu yang diperiksa × 100.", "Menus meeting the kcal standard / menus checked × 100."),
    "percent",
    (
        "Tidak tersedia: layanan audit makanan tidak menerbitkan peristiwa pemeriksaan menu.",
        "Not available: the food-audit service publishes no menu-check events.",
    ),
)
_kpi(
    "delivery_shortfall_rations",
    "food",
    ("Kekurangan ransum", "Delivery shortfalls"),
    (
        "Ransum yang kurang dari jumlah penghuni pada hari pengiriman, pada periode.",
        "Rations short of the headcount on delivery days, in the period.",
    ),
    "rations",
    {"shortfall_rations"},
    lambda f: f.get("shortfall_rations"),
)
_kpi(
    "deliveries_short",
    "food",
    ("Pengiriman kurang", "Short deliveries"),
    (
        "Pengiriman dengan kekurangan terhadap pesanan atau penghuni pada periode.",
        "Deliveries short of the order or the headcount in the period.",
    ),
    "deliveries",
    {"deliveries_short"},
    lambda f: f.get("deliveries_short"),
)

# -- composite ------------------------------------------------------------------------------
_RISK_ALSO = ("remission", "food-audit")
_kpi(
    "risk_index_mean",
    "composite",
    ("Indeks risiko UPT (rata-rata)", "UPT risk index (mean)"),
    (
        "Rata-rata indeks risiko UPT (0–100): 100 × Σ bobotᵢ × min(1, ukuranᵢ / skalaᵢ) / Σ bobot, dari over kapasitas, "
        "tingkat gangguan kamtib, skor audit SOP, rasio penghuni per petugas jaga dan nilai dapur "
        "(bobot: data aturan, pilihan kebijakan).",
        "Mean UPT risk index (0–100): 100 × Σ weightᵢ × min(1, measureᵢ / scaleᵢ) / Σ weight, of overcrowding, incident rate, "
        "SOP audit score, occupants per guard and kitchen rating (weights: rule data, a policy choice).",
    ),
    "index 0-100",
    {"risk_index", "risk_rated"},
    lambda f: f.mean("risk_index", "risk_rated"),
    also=_RISK_ALSO,
)
_kpi(
    "upts_needing_attention",
    "composite",
    ("UPT perlu perhatian", "UPTs needing attention"),
    ("UPT dengan indeks risiko di atas ambang (data aturan).", "UPTs whose risk index is at or above the threshold (rule data)."),
    "UPTs",
    {"risk_attention"},
    lambda f: f.get("risk_attention"),
    also=_RISK_ALSO,
)
_kpi(
    "upts_rated",
    "composite",
    ("UPT ternilai", "UPTs rated"),
    ("UPT yang memiliki data untuk sedikitnya satu komponen indeks.", "UPTs with data for at least one component of the index."),
    "UPTs",
    {"risk_rated"},
    lambda f: f.get("risk_rated"),
    also=_RISK_ALSO,
)


def area_kpis(area: str) -> list[Kpi]:
    return [k for k in CATALOGUE.values() if k.area == area]


def area_needs(area: str) -> Needs:
    return needs_of(set().union(*(k.needs for k in area_kpis(area))))


def area_sources(area: str) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for k in area_kpis(area):
        found.update(dict.fromkeys(k.sources))
    return tuple(found)
