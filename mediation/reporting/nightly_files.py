"""The files of the nightly export's day folder (``DIR/D/``): THE one place that names them.

The export (mediation/reporting/export.py) writes them under these names and ``export nightly
--help`` lists them from here, so the two cannot drift (issue 14: the help listed 月报.xlsx
where the file is ``monthly-YYYY-MM.xlsx``, and left out ``corrections.csv``). Light on purpose:
a help page may import it (tests/cli/test_startup.py HELP_MAY_IMPORT), not the export.
"""

from __future__ import annotations

from datetime import date

from mediation.core.i18n import N_, gettext_

CASES = "cases.csv"
EVENTS = "events.csv"
CORRECTIONS = "corrections.csv"
STATS = "stats.json"
TREND = "trend.png"
MANIFEST = "manifest.json"
MONTHLY = "monthly-{month}.xlsx"  # month: YYYY-MM, the month of the day exported
# The column dictionary of the CSVs (export_columns.py), named and written in the language of
# the export: 字段说明.csv under zh
COLUMNS = N_("columns.csv")


def columns(lang: str | None = None) -> str:
    """The column dictionary's file name in ``lang`` (default: the current language)."""
    return gettext_(COLUMNS, lang)


def monthly(day: date) -> str:
    """The monthly report's file for ``day``'s month: ``monthly-2026-11.xlsx``."""
    return MONTHLY.format(month=f"{day:%Y-%m}")


def names(day: date | None = None) -> tuple[str, ...]:
    """Every file of the day folder, in the order the help lists them; without ``day`` the
    monthly report's as its pattern, ``monthly-YYYY-MM.xlsx``; the column dictionary's in the
    current language."""
    sheet = monthly(day) if day is not None else MONTHLY.format(month="YYYY-MM")
    return (CASES, EVENTS, CORRECTIONS, columns(), STATS, sheet, TREND, MANIFEST)
