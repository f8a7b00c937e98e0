"""`mediation stats` and `mediation export nightly` (the reports: cli/report_cmds.py)."""

from __future__ import annotations

import sys
from typing import Any

import typer

from cli import render
from cli.choices import COMPOSED, choice_opt
from cli.context import env
from cli.options import destination_arg, force_opt, format_opt, out_alias, place
from mediation.core import money
from mediation.core.i18n import N_, _, join, name

SMALL_DENOMINATOR = 30


def _today() -> Any:
    from mediation.core.clock import local_date, utcnow

    return local_date(utcnow())


def _pct(value: Any) -> str:
    return "—" if value is None else f"{value:.1%}"


WHOLE = ("month", "quarter", "year")  # the periods whose name does not say their dates


def _interval_label(key: str) -> str:
    labels = {
        "discovered_to_accepted": _("discovered → accepted"),
        "accepted_to_concluded": _("accepted → concluded"),
        "concluded_to_confirmed": _("concluded → confirmed"),
        "confirmed_to_feedback": _("confirmed → feedback"),
        "whole": _("whole (discovered → feedback)"),
    }
    return labels.get(key, key)


def _rate_sentence(doc: dict[str, Any]) -> str:
    if doc["success_rate"] is None:
        return _("Success rate: none — no case concluded in this period (the denominator is 0).")
    low, high = doc["success_rate_ci95"]
    return _("Success rate {rate} = {succeeded} succeeded ÷ {concluded} concluded (agreements + "
             "terminations after acceptance; declined, withdrawn and open cases excluded); 95% "
             "Wilson interval {low} – {high}.", rate=_pct(doc["success_rate"]),
             succeeded=doc["succeeded"], concluded=doc["concluded"], low=_pct(low),
             high=_pct(high))


Rows = tuple[list[render.Column], list[list[str]]]


def _figures_table(doc: dict[str, Any]) -> Rows:
    columns = [render.Column(_("Figure")), render.Column(_("Value"), right=True, wrap=True)]
    agreements, judicial, perf = doc["agreements"], doc["judicial"], doc["performance"]
    rows: list[tuple[str, Any]] = [
        (_("Intake (registered)"), doc["intake"]),
        (_("Accepted"), doc["accepted"]),
        (_("Declined (not in the denominator)"), doc["declined"]),
        (_("Withdrawn by the applicant before acceptance"), doc["withdrawn"]),
        (_("Concluded (the denominator)"), doc["concluded"]),
        (_("Succeeded (agreement)"), doc["succeeded"]),
        (_("Terminated"), doc["terminated"]),
        (_("Written / oral agreements"), f"{agreements['written']} / {agreements['oral']}"),
        (_("Judicial confirmation: filed / confirmed / rejected"),
         f"{judicial['filed']} / {judicial['confirmed']} / {judicial['rejected']}"),
        (_("Fully performed, of followed-up agreements"),
         f"{perf['full']} / {perf['followed_up']} ({_pct(perf['rate'])})"),
        (_("Amount involved (yuan)"), money.shown(doc["amount_yuan"]) or "0.00"),
        (_("Escalations prevented (cases / persons)"),
         f"{doc['prevention']['total']['cases']} / {doc['prevention']['total']['persons']}"),
    ]
    for kind, v in doc["prevention"].items():
        if kind != "total" and v["cases"] not in (0, "0"):
            rows.append(("  " + name("prevention", kind), f"{v['cases']} / {v['persons']}"))
    rows.append((_("Overdue (open past the deadline)"), doc["overdue"]))
    sweeps = doc.get("sweeps") or {}
    if sweeps:
        rows.append((_("Sweeps (zero reports) / disputes found"),
                     f"{sweeps['sweeps']} ({sweeps['zero_reports']}) / "
                     f"{sweeps['disputes_found']}"))
    # one source a line: a source's name and its count are never split
    sources = "\n".join(f"{name('source', k)} {v}" for k, v in doc["sources"].items()
                        if v not in (0, "0"))
    rows.append((_("Sources of the intake"), sources or "—"))
    return columns, [[label, str(value)] for label, value in rows]


def _intervals_table(doc: dict[str, Any]) -> Rows:
    columns = [render.Column(_("Step")), render.Column(_("Cases"), right=True),
               render.Column(_("Median"), right=True),
               render.Column(_("90th percentile"), right=True)]
    body = [[_interval_label(key), str(iv["n"]),
             "—" if iv["median_days"] is None else f"{iv['median_days']:.1f}",
             "—" if iv["p90_days"] is None else f"{iv['p90_days']:.1f}"]
            for key, iv in doc["intervals"].items()]
    return columns, body


def _groups_table(doc: dict[str, Any], by: str, chosen: str = "table") -> Rows:
    """The groups; by mediator the display name (staff_names.label), and in CSV, which programs
    read, the user name in a column of its own after it (JSON: ``key``, ``name``)."""
    users = by == "mediator" and chosen == "csv"
    columns = [render.Column(_("Group"), flexible=True),
               *([render.Column(_("User name"))] if users else []),
               render.Column(_("Intake"), 4, True),
               render.Column(_("Accepted"), 5, True), render.Column(_("Concluded"), 1, True),
               render.Column(_("Succeeded"), 1, True), render.Column(_("Success rate"), 1, True),
               render.Column(_("95% interval"), 3, True), render.Column(_("Overdue"), 2, True)]
    body = []
    for g in doc["groups"] or []:
        ci = g["success_rate_ci95"]
        key = g["key"]
        label = (render.category_name(key) if by == "category" else
                 name("source", key) if by == "source" else
                 _("(no mediator)") if by == "mediator" and key == "-" else
                 g.get("name") or key)
        body.append([label, *([key if key != "-" else ""] if users else []),
                     str(g["intake"]), str(g["accepted"]), str(g["concluded"]),
                     str(g["succeeded"]), _pct(g["success_rate"]),
                     "—" if ci is None else f"{ci[0] * 100:.1f}–{ci[1] * 100:.1f}%",
                     str(g["overdue"])])
    return columns, body


# What --by groups by: mediation.reporting.stats.GROUP_BY (not imported here: it is heavy; a
# test checks the two agree), named under ``group.*`` keys.
GROUPS = ("category", "mediator", "committee", "source", "month")
GROUP_NAMES = (N_("group.category"), N_("group.mediator"), N_("group.committee"),
               N_("group.source"), N_("group.month"))


def _dimension(by: str) -> str:
    return name("group", by)


def _chart(series: list[Any]) -> str:
    """Bars of concluded cases per month with the success rate beside each."""
    top = max([f.concluded for f in series] + [1])
    lines = [_("Last 12 months: concluded cases (bars) and success rate")]
    for f in series:
        bar = "█" * round(24 * f.concluded / top) if f.concluded else ""
        lines.append(f"  {f.key}  {bar:<24} {f.concluded:>4}  {_pct(f.success_rate):>6}")
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    @app.command("stats")
    def stats_cmd(
        ctx: typer.Context,
        period: str | None = typer.Argument(None, metavar="PERIOD", help=_(
            "A period: 2026-11, 2026Q4, 2026 or 2026-01-01..2026-03-31; or this month, last "
            "month, this quarter, last quarter, this year, last year (本月, 上月, 本季度, "
            "上季度, 今年, 去年), counted from today in the committee's calendar.")),
        month: str | None = typer.Option(None, "--month", help=_(
            "A month, e.g. 2026-11, 本月 or 上月.")),
        quarter: str | None = typer.Option(None, "--quarter", help=_(
            "A quarter, e.g. 2026Q4, 本季度 or 上季度.")),
        year: str | None = typer.Option(None, "--year", help=_(
            "A year, e.g. 2026, 今年 or 去年.")),
        from_: str | None = typer.Option(None, "--from", metavar="DATE",
                                         help=_("First day, YYYY-MM-DD.")),
        to: str | None = typer.Option(None, "--to", metavar="DATE",
                                      help=_("Last day, YYYY-MM-DD.")),
        by: str | None = choice_opt("group", None, "--by", help=_("Group the figures."),
                                    codes=GROUPS),
        fmt: str | None = format_opt(),
        as_json: bool = typer.Option(False, "--json", help=_("Print one JSON document.")),
        suppress_small: bool | None = typer.Option(
            None, "--suppress-small/--no-suppress-small", help=_(
                "Show counts from 1 to 4 as <5 (for publication; on by default with "
                "--district).")),
        chart: bool = typer.Option(True, "--chart/--no-chart", help=_(
            "Show the chart of the last 12 months.")),
        district: bool = typer.Option(False, "--district", help=_(
            "Every committee of the database side by side and the district's total, counts "
            "only (district administrator, district viewer).")),
    ) -> None:
        """Statistics of a period (default: this month to date): success rate with its
        denominator and Wilson interval, intake, intervals, overdue cases."""
        from mediation import calendars
        from mediation.core import periods
        from mediation.reporting import figures
        from mediation.reporting import stats as svc

        today = env(ctx).act(calendars.today, write=False)  # the committee's, not the machine's
        p = periods.period_from_options(month_=month, quarter_=quarter, year_=year,
                                        from_=from_, to=to, spec=period, today=today)
        if district:
            from cli import district_cmds
            from mediation.core.errors import UsageError
            from mediation.core.i18n import msg
            from mediation.reporting import district as dsvc

            if by is not None:
                raise UsageError(msg("--district shows one row per committee: leave out --by"))
            dfigs = env(ctx).act(dsvc.compute, p, write=False)
            district_cmds.show_stats(
                dsvc.to_json(dfigs, suppress=suppress_small is not False), render.spoken(p),
                render.output_format(fmt, as_json))
            return
        result = env(ctx).act(svc.compute, p, by, write=False)
        doc = figures.to_json(result)
        if suppress_small:
            doc = figures.suppress_small(doc)
        chosen = render.output_format(fmt, as_json)
        if chosen == "json":
            render.emit_json(doc)
            return
        # A table on a terminal; in a pipe (or --format tsv|csv) the tables' rows, the
        # sentences on standard error.
        # sentences on standard error; the period first and each table's column labels.
        say = render.paragraph if chosen == "table" else render.err
        period = (_("Statistics {period}", period=render.spoken(p)) if p.kind not in WHOLE else
                  _("Statistics {period} ({start} – {end})", period=render.spoken(p),
                    start=p.start.isoformat(), end=p.last_day.isoformat()))
        if chosen == "table":
            render.console().rule(period)
        else:
            render.period_line(period, chosen)
        say(_rate_sentence(doc) + "\n")
        if isinstance(result.concluded, int) and 0 < result.concluded < SMALL_DENOMINATOR:
            say(_("Small numbers: with only {n} concluded cases the interval is wide; do not "
                  "compare rates on their own.", n=doc["concluded"]) + "\n")
        render.emit_rows(*_figures_table(doc), chosen, header=True)
        render.emit_rows(*_intervals_table(doc), chosen, title=_("Intervals (days)"),
                         header=True)
        if by:
            render.emit_rows(*_groups_table(doc, by, chosen), chosen, header=True,
                             title=_("By {dimension}", dimension=_dimension(by)))
        if chart and not suppress_small and chosen == "table":
            months = periods.last_months(min(p.last_day, today), 12)
            trend = env(ctx).act(svc.compute,
                                 periods.date_range(months[0].start, months[-1].last_day),
                                 "month", write=False)
            render.out(_chart(figures.monthly_series(trend, months)) + "\n")

    export = typer.Typer(help=_("Exports for archiving and the Bureau of Justice."),
                         no_args_is_help=True)
    app.add_typer(export, name="export")

    from mediation.reporting import nightly_files  # light: the names the export writes

    # The files listed from the one place that names them (issue 14: the help had drifted).
    nightly_help = _("Write DIR/D/ (D: the day exported) atomically: {files}; personal data "
                     "masked.", files=join(list(nightly_files.names())))
    COMPOSED.add(nightly_help)

    @export.command("nightly", help=nightly_help)
    def export_nightly(
        ctx: typer.Context,
        destination: str | None = destination_arg("DIR", _(
            "The folder that holds one folder per day (created owner-only if new).")),
        out: str | None = out_alias("DIR"),
        day: str | None = typer.Option(None, "--date", metavar="DATE", help=_(
            "The day to export, YYYY-MM-DD (default: yesterday, the last complete day).")),
        force: bool = force_opt(_(
            "Overwrite the day's folder DIR/D/ if it exists already (without it: refused, "
            "nothing written).")),
        as_json: bool = typer.Option(False, "--json", help=_("Print the manifest as JSON.")),
    ) -> None:
        """Write the day's folder DIR/D/ (the files mediation.reporting.nightly_files names,
        which the help lists), atomically."""
        from datetime import timedelta

        from cli.options import parse_date
        from mediation.core import files
        from mediation.reporting import export as svc

        dest = place(destination, out, folder=True, metavar="DIR")
        assert dest is not None
        d = parse_date(day, "--date") or _today() - timedelta(days=1)
        files.refuse_existing(dest / d.isoformat(), force=force)
        with _progress() as progress:
            manifest = env(ctx).act(svc.nightly, dest, d, progress=progress, write=False)
        if as_json:
            render.emit_json(manifest)
        else:
            render.out(_("Exported {date} to {folder}: {cases} cases, {events} events.",
                         date=d.isoformat(), folder=manifest["folder"],
                         cases=manifest["rows"]["cases.csv"],
                         events=manifest["rows"]["events.csv"]) + "\n")
            render.out(_("Log head {seq} {hash}.", seq=manifest["log_head"]["seq"],
                         hash=manifest["log_head"]["hash"][:16]) + "\n")


class _progress:
    """A Rich progress bar on a terminal; plain log lines on stderr otherwise (cron)."""

    def __enter__(self) -> Any:
        if sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar: Any = Progress(TextColumn("{task.description}"), BarColumn(),
                                     MofNCompleteColumn(), console=render.console(stderr=True),
                                     transient=True)
            self.bar.__enter__()
            tasks: dict[str, Any] = {}

            def on_tty(stage: str, done: int, total: int | None) -> None:
                if stage not in tasks:
                    tasks[stage] = self.bar.add_task(stage, total=total)
                self.bar.update(tasks[stage], completed=done, total=total)

            return on_tty
        self.bar = None

        def plain(stage: str, done: int, total: int | None) -> None:
            if done == 0 and stage.endswith(".csv"):
                render.err(_("export: {stage}: writing {total} rows",
                                   stage=stage, total="?" if total is None else total) + "\n")
            elif total is not None and done >= total:
                render.err(_("export: {stage}: done", stage=stage) + "\n")

        return plain

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
