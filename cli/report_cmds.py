"""`mediation report monthly|quarterly|yearly [--district]`: the statistics forms as .xlsx."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import typer

from cli import render
from cli.context import env
from cli.options import destination_arg, force_opt, out_alias, parse_date, place
from mediation.core.i18n import _


def _today() -> Any:
    from mediation.core.clock import local_date, utcnow

    return local_date(utcnow())


def _committee_today(ctx: typer.Context) -> Any:
    """Today in the committee's calendar: what the period (上月, 本季度 ...) counts from."""
    from mediation import calendars

    return env(ctx).act(calendars.today, write=False)


@dataclass(frozen=True)
class FormOptions:
    """What every report command takes besides its period."""

    out: Path | None  # checked (options.place); None: one named for the report
    lang: str | None
    as_json: bool
    district: bool
    form_no: str | None
    unit: str | None
    head: str | None
    filler: str | None
    reported: str | None
    force: bool = False


def _options() -> dict[str, Any]:
    """The options every report command takes, as Typer parameter defaults."""
    return {
        "destination": destination_arg("FILE", _(
            "The .xlsx file to write (default: one named for the report in the current "
            "folder, e.g. monthly-2026-11.xlsx; never overwritten without --force).")),
        "period": typer.Argument(None, metavar="PERIOD", show_default=False, help=_(
            "The period, as its option takes it (11月, 上月, 2026-11; 上季度; 去年), typed "
            "before the file.")),
        "out": out_alias("FILE"),
        "force": force_opt(),
        "lang": typer.Option(None, "--lang", help=_(
            "Language of the headers: zh (default) or en.")),
        "as_json": typer.Option(False, "--json", help=_("Print one JSON document.")),
        "district": typer.Option(False, "--district", help=_(
            "The district's form: a row per committee of the database and the total "
            "(district administrator, district viewer).")),
        "form_no": typer.Option(None, "--form-no", metavar="TEXT", help=_(
            "With --district: the form number (表号) printed on the form.")),
        "unit": typer.Option(None, "--unit", metavar="TEXT", help=_(
            "With --district: the reporting unit (填报单位; default: your own entry's name).")),
        "head": typer.Option(None, "--head", metavar="NAME", help=_(
            "With --district: the head of the unit (单位负责人).")),
        "filler": typer.Option(None, "--filler", metavar="NAME", help=_(
            "With --district: who filled the form in (填表人; default: you).")),
        "reported": typer.Option(None, "--reported", metavar="DATE", help=_(
            "With --district: the date the form goes out (报出日期; default: today).")),
    }


# The default file's name, by the report's kind and the interface's language.
_DEFAULT_NAMES = {("month", "zh"): "月报", ("month", "en"): "monthly",
                  ("quarter", "zh"): "季报", ("quarter", "en"): "quarterly",
                  ("year", "zh"): "年报", ("year", "en"): "yearly"}


def default_out(p: Any, district: bool) -> Path:
    """``月报-2026-11.xlsx`` (``monthly-2026-11.xlsx`` under en) in the current folder: the
    report's kind and period; the district's form is ``区月报-…`` (``district-monthly-…``)."""
    from mediation.core.i18n import get_language

    lang = "zh" if get_language() == "zh" else "en"
    kind = p.kind.removesuffix("_to_date")
    base = _DEFAULT_NAMES.get((kind, lang), "报表" if lang == "zh" else "report")
    if district:
        base = ("区" if lang == "zh" else "district-") + base
    stamp = {"month": f"{p.start:%Y-%m}", "year": f"{p.start:%Y}",
             "quarter": f"{p.start:%Y}Q{(p.start.month - 1) // 3 + 1}"}.get(
        kind, f"{p.start:%Y-%m-%d}")
    return Path.cwd() / f"{base}-{stamp}.xlsx"


def _period_given(period: str | None, option: str | None, name: str, destination: str | None
                  ) -> tuple[str | None, str | None]:
    """``(period, destination)`` from ``report monthly [PERIOD] [FILE]``: the period may be
    typed before the file as ``stats`` takes it (``report monthly 11月 月报.xlsx``), or as its
    option (``--month 11月``); a .xlsx name alone is the file, as before (``report monthly
    上月报表.xlsx``). Both the argument and the option: a usage error."""
    from mediation.core.errors import UsageError
    from mediation.core.i18n import msg

    if period is not None and destination is None and period.lower().endswith(".xlsx"):
        return option, period
    if period is not None and option is not None:
        raise UsageError(msg("the period is given twice ({period} and {option} {value}): give "
                             "one", period=period, option=name, value=option))
    return (period if period is not None else option), destination


def _destination(destination: str | None, out: str | None) -> Path | None:
    """The report's file as given (FILE or --out), by the one rule (options.place)."""
    return place(destination, out, folder=False, metavar="FILE", suffix=".xlsx",
                       optional=True)


def _write(ctx: typer.Context, p: Any, o: FormOptions) -> None:
    from mediation.core import files
    from mediation.core.errors import UsageError
    from mediation.core.i18n import msg, normalise_language

    if o.out is None:
        o = replace(o, out=default_out(p, o.district))
    assert o.out is not None
    files.refuse_existing(o.out, force=o.force)

    try:
        sheet_lang = normalise_language(o.lang) if o.lang else "zh"
    except ValueError:
        raise typer.BadParameter(_("use zh or en"), param_hint="--lang") from None
    header_given = [flag for flag, v in (("--form-no", o.form_no), ("--unit", o.unit),
                                         ("--head", o.head), ("--filler", o.filler),
                                         ("--reported", o.reported)) if v is not None]
    if o.district:
        from mediation.reporting import district_report as dsvc

        header = dsvc.Header(form_no=o.form_no or "", unit=o.unit or "", head=o.head or "",
                             filler=o.filler or "",
                             reported_on=parse_date(o.reported, "--reported") or _today())
        result = env(ctx).act(dsvc.write, p, o.out, header=header, lang=sheet_lang,
                              write=False)
    else:
        if header_given:
            raise UsageError(msg("{option} goes with --district (the district's form)",
                                 option=header_given[0]))
        from mediation.reporting import report as svc

        result = env(ctx).act(svc.monthly, p, o.out, lang=sheet_lang, write=False)
    if o.as_json:
        render.emit_json({**result, "file": str(o.out)})
    else:
        render.out(_("Wrote {path}: {period}, {succeeded} succeeded of {concluded} "
                     "concluded.", path=str(o.out), period=render.spoken(p),
                     succeeded=result["succeeded"], concluded=result["concluded"]) + "\n")


def register(app: typer.Typer) -> None:
    report = typer.Typer(help=_("Reports for the Bureau of Justice."), no_args_is_help=True)
    app.add_typer(report, name="report")
    o = _options()

    @report.command("monthly")
    def report_monthly(
        ctx: typer.Context,
        month: str | None = typer.Option(None, "--month", help=_(
            "The month: 2026-11, 2026年11月, 11月 (the most recent November) or 上月 "
            "(default: the last complete month, in the committee's calendar).")),
        period: str | None = o["period"],
        destination: str | None = o["destination"], out: str | None = o["out"],
        lang: str | None = o["lang"], as_json: bool = o["as_json"],
        district: bool = o["district"], form_no: str | None = o["form_no"],
        unit: str | None = o["unit"], head: str | None = o["head"],
        filler: str | None = o["filler"], reported: str | None = o["reported"],
        force: bool = o["force"],
    ) -> None:
        """Write the monthly statistics sheet (15 categories and a total) as .xlsx; with
        --district, the district's form (a row per committee)."""
        from mediation.core import periods

        month, destination = _period_given(period, month, "--month", destination)
        today = _committee_today(ctx)
        p = (periods.period_from_options(month_=month, today=today) if month
             else periods.last_month(today))
        _write(ctx, p, FormOptions(_destination(destination, out), lang, as_json, district,
                                   form_no, unit, head, filler, reported, force))

    @report.command("quarterly")
    def report_quarterly(
        ctx: typer.Context,
        quarter: str | None = typer.Option(None, "--quarter", help=_(
            "The quarter: 2026Q3, 2026年第3季度, 本季度 (to date) or 上季度 (default: the last "
            "complete quarter, in the committee's calendar).")),
        period: str | None = o["period"],
        destination: str | None = o["destination"], out: str | None = o["out"],
        lang: str | None = o["lang"], as_json: bool = o["as_json"],
        district: bool = o["district"], form_no: str | None = o["form_no"],
        unit: str | None = o["unit"], head: str | None = o["head"],
        filler: str | None = o["filler"], reported: str | None = o["reported"],
        force: bool = o["force"],
    ) -> None:
        """Write the quarterly statistics sheet (15 categories and a total) as .xlsx;
        with --district, the district's form (a row per committee)."""
        from mediation.core import periods

        quarter, destination = _period_given(period, quarter, "--quarter", destination)
        today = _committee_today(ctx)
        p = (periods.period_from_options(quarter_=quarter, today=today) if quarter
             else periods.last_quarter(today))
        _write(ctx, p, FormOptions(_destination(destination, out), lang, as_json, district,
                                   form_no, unit, head, filler, reported, force))

    @report.command("yearly")
    def report_yearly(
        ctx: typer.Context,
        year: str | None = typer.Option(None, "--year", help=_(
            "The year: 2025, 2025年, 今年 (to date) or 去年 (default: the last complete year, "
            "in the committee's calendar).")),
        period: str | None = o["period"],
        destination: str | None = o["destination"], out: str | None = o["out"],
        lang: str | None = o["lang"], as_json: bool = o["as_json"],
        district: bool = o["district"], form_no: str | None = o["form_no"],
        unit: str | None = o["unit"], head: str | None = o["head"],
        filler: str | None = o["filler"], reported: str | None = o["reported"],
        force: bool = o["force"],
    ) -> None:
        """Write the yearly statistics sheet (15 categories and a total) as .xlsx; with
        --district, the district's form (a row per committee)."""
        from mediation.core import periods

        year, destination = _period_given(period, year, "--year", destination)
        today = _committee_today(ctx)
        p = (periods.period_from_options(year_=year, today=today) if year
             else periods.last_year(today))
        _write(ctx, p, FormOptions(_destination(destination, out), lang, as_json, district,
                                   form_no, unit, head, filler, reported, force))
