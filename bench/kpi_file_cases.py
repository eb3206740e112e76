"""Bench case for reading KPI files as the tools write them (appended to bench.cases.ALL).

kpi_file_import: ``read_kpi_file`` alone (no database: the store's writes are kpi_import's
case) over two files people really upload:

- a two-year GA4 daily export with 20 columns (Traffic acquisition with Date added: a row per
  day and channel group, the ``#`` preamble, fractions for rates);
- a 50 MB ZIP: a year of Google Ads by Day, Campaign and Ad group (UTF-16 with tabs, title
  lines and totals, as Google Ads downloads it) beside Search Console's own export.

``rows_per_s`` counts the data rows of every table read, the skipped ones included.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import statistics
import time
import zipfile

from collab.kpis.files import read_kpi_file

GA4_DAYS = 730
GA4_GROUPS = (
    "Organic Search", "Direct", "Paid Search", "Referral", "Organic Social", "Email",
    "Unassigned", "Cross-network",
)  # fmt: skip
GA4_METRICS = (
    "Sessions", "Engaged sessions", "Engagement rate", "Average engagement time per session",
    "Events per session", "Event count", "Key events", "Session key event rate",
    "Total revenue", "Bounce rate", "Active users", "New users", "Total users", "Views",
    "Views per session", "Sessions per active user", "Returning users", "Ecommerce purchases",
)  # fmt: skip
ZIP_BYTES = 50 * 1024 * 1024


def ga4_two_years(seed: int = 3) -> tuple[bytes, int]:
    rng = random.Random(seed)
    start = dt.date.today() - dt.timedelta(days=GA4_DAYS)
    lines = [
        "# ----------------------------------------",
        "# Traffic acquisition: Session primary channel group (Default Channel Group)",
        "# Account: Bench Ltd",
        "# Property: bench.example - GA4",
        "# ----------------------------------------",
        "#",
        f"# Start date: {start:%Y%m%d}",
        f"# End date: {start + dt.timedelta(days=GA4_DAYS - 1):%Y%m%d}",
        ",".join(("Date", "Session primary channel group (Default Channel Group)", *GA4_METRICS)),
    ]
    for offset in range(GA4_DAYS):
        day = f"{start + dt.timedelta(days=offset):%Y%m%d}"
        for group in GA4_GROUPS:
            sessions = rng.randint(20, 4000)
            cells = [str(sessions)]
            for metric in GA4_METRICS[1:]:
                rate = "rate" in metric.lower()
                cells.append(f"{rng.random():.6f}" if rate else str(rng.randint(0, sessions * 3)))
            lines.append(",".join([day, group, *cells]))
    return ("\n".join(lines) + "\n").encode(), GA4_DAYS * len(GA4_GROUPS)


def _ads_report(rows: int, rng: random.Random) -> tuple[bytes, int]:
    header = (
        "Day\tCampaign\tAd group\tCurrency code\tClicks\tImpr.\tCTR\tAvg. CPC\tCost\t"
        "Conversions\tCost / conv."
    )
    lines = ["Ad group report", "All time", header]
    start = dt.date.today() - dt.timedelta(days=365)
    groups = max(rows // 365, 1)
    for offset in range(365):
        day = (start + dt.timedelta(days=offset)).isoformat()
        for group in range(groups):
            clicks = rng.randint(0, 3000)
            shows = clicks * rng.randint(5, 40) + rng.randint(0, 999)
            cost = clicks * rng.uniform(0.2, 4.0)
            conversions = clicks / rng.randint(20, 90)
            lines.append(
                f"{day}\tCampaign {group % 40}\tAd group {group}\tUSD\t{clicks:,}\t{shows:,}\t"
                f"{100 * clicks / max(shows, 1):.2f}%\t{cost / max(clicks, 1):.2f}\t{cost:,.2f}\t"
                f"{conversions:.2f}\t{cost / conversions if conversions else 0:,.2f}"
            )
    lines.append("Total: Account\t--\t--\tUSD\t--\t--\t--\t--\t--\t--\t--")
    return "\r\n".join(lines).encode("utf-16"), 365 * groups + 1


def fifty_megabyte_zip(seed: int = 5) -> tuple[bytes, int]:
    """Ads reports added until the ZIP weighs 50 MB, plus Search Console's export."""
    rng = random.Random(seed)
    buffer = io.BytesIO()
    rows = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        chart = ["Date,Clicks,Impressions,CTR,Position"]
        for offset in range(480):
            day = dt.date.today() - dt.timedelta(days=offset + 1)
            clicks, shows = rng.randint(50, 900), rng.randint(3000, 40000)
            chart.append(
                f"{day},{clicks},{shows},{100 * clicks / shows:.2f}%,{rng.uniform(3, 30):.1f}"
            )
        archive.writestr("search-console/Chart.csv", "\n".join(chart) + "\n")
        queries = ["Top queries,Clicks,Impressions,CTR,Position"]
        queries += [f"query {i},{i % 97},{i * 3 % 9999},1.0%,9.9" for i in range(1000)]
        archive.writestr("search-console/Queries.csv", "\n".join(queries) + "\n")
        rows += 480 + 1000
        part = 0
        while buffer.tell() < ZIP_BYTES:
            data, count = _ads_report(120_000, rng)
            part += 1
            archive.writestr(f"google-ads/ad-groups-{part}.csv", data)
            rows += count
    return buffer.getvalue(), rows


def _timed(name: str, data: bytes, repeat: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = read_kpi_file(name, data)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


def kpi_file_import():
    """read_kpi_file over a two-year GA4 export with 20 columns and over a 50 MB ZIP."""
    for label, (data, rows), repeat in (
        ("ga4_2y_20_columns", ga4_two_years(), 5),
        ("zip_50mb", fifty_megabyte_zip(), 1),
    ):
        seconds, result = _timed(f"{label}.{'zip' if 'zip' in label else 'csv'}", data, repeat)
        yield {
            "case": "kpi_file_import",
            "file": label,
            "n": rows,
            "mb": round(len(data) / 1024 / 1024, 1),
            "median_ms": round(seconds * 1000, 1),
            "rows_per_s": round(rows / seconds),
            "observations": len(result.observations),
            "source": result.source,
        }


ALL = [kpi_file_import]
