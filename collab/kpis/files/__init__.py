"""KPI files as the tools write them: Search Console (its ZIP too), GA4, Google Ads, Bing
Webmaster Tools, Yandex Metrica (CSV and XLSX) and our own CSVs, read into daily observations.

Pure: no Flask, no database. The store decides what to write (inserted, updated, unchanged),
remembers column mappings per organisation and source, and turns ``KpiFileError`` into a 422.
"""

from collab.kpis.files.reading import read_kpi_file
from collab.kpis.files.results import KpiFile, KpiFileError, UnmappedColumn

__all__ = ["KpiFile", "KpiFileError", "UnmappedColumn", "read_kpi_file"]
