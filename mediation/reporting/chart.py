"""The nightly export's chart (``trend.png``): cases and the success rate over twelve months,
with Chinese labels when a CJK font is installed, English ones otherwise. Byte-identical for the
same figures (no timestamps in the file).
"""

from __future__ import annotations

import functools
import io
import logging
import warnings

from mediation.reporting.figures import Figures

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei",
             "PingFang SC", "Droid Sans Fallback", "AR PL UMing CN", "Noto Serif CJK SC")


@functools.cache
def cjk_font() -> str | None:
    """The name of an installed font that has Chinese glyphs, or None (looked up once)."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def _no_doc(_artist: object) -> str:
    return ""


def _import_drawing() -> None:
    """Import the parts of matplotlib that draw, without their ``set()`` docstrings.

    At import matplotlib writes a docstring for every artist class's ``set()`` that lists each
    property with its current value (``matplotlib.artist.kwdoc``): about a fifth of importing
    it (0.09 of 0.44 s CPU), for a text nobody reads here. ``kwdoc`` is stubbed while these
    modules are imported and put back after, so only those docstrings are empty; what is
    drawn is unchanged (tests/integration/test_export.py pins the file's bytes)."""
    import sys

    if "matplotlib.figure" in sys.modules:
        return
    import matplotlib.artist as artist

    kwdoc = getattr(artist, "kwdoc", None)
    if kwdoc is None:  # pragma: no cover - a matplotlib without it: import as it comes
        return
    artist.kwdoc = _no_doc  # type: ignore[assignment]
    try:
        import matplotlib.backends.backend_agg
        import matplotlib.figure  # noqa: F401
    finally:
        artist.kwdoc = kwdoc


def trend_png(groups: list[Figures]) -> bytes:
    """Cases (bars) and success rate (line) per month; no timestamps in the file.

    Drawn on a bare Agg ``Figure``: no pyplot (a heavier import, a global backend and a figure
    registry), and matplotlib is imported only here, when the chart is drawn.
    """
    logging.getLogger("matplotlib").setLevel(logging.ERROR)
    import matplotlib

    _import_drawing()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    font = cjk_font()
    if font:
        labels = {"title": "近12个月调解情况", "cases": "件数", "intake": "登记",
                  "concluded": "调解结案", "rate": "调解成功率"}
    else:
        labels = {"title": "Mediation, last 12 months", "cases": "cases", "intake": "intake",
                  "concluded": "mediated", "rate": "success rate"}
    keys = [g.key or "" for g in groups]
    with warnings.catch_warnings(), matplotlib.rc_context({
            "font.family": [font] if font else ["DejaVu Sans"], "svg.hashsalt": "mediation",
            "axes.unicode_minus": False}):
        warnings.simplefilter("ignore")
        fig = Figure(figsize=(8, 4), dpi=100)
        FigureCanvasAgg(fig)
        ax = fig.subplots()
        xs = list(range(len(keys)))
        ax.bar([x - 0.2 for x in xs], [g.intake for g in groups], width=0.4,
               label=labels["intake"], color="#9dc3e6")
        ax.bar([x + 0.2 for x in xs], [g.concluded for g in groups], width=0.4,
               label=labels["concluded"], color="#2e75b6")
        ax.set_xticks(xs, [k[2:] for k in keys], fontsize=8)
        ax.set_ylabel(labels["cases"])
        ax2 = ax.twinx()
        ax2.plot(xs, [(g.success_rate or 0) * 100 if g.concluded else float("nan")
                      for g in groups], color="#c00000", marker="o", label=labels["rate"])
        ax2.set_ylim(0, 105)
        ax2.set_ylabel(labels["rate"] + " %")
        ax.set_title(labels["title"])
        handles = ax.get_legend_handles_labels()
        more = ax2.get_legend_handles_labels()
        ax.legend(handles[0] + more[0], handles[1] + more[1], loc="lower left", fontsize=8)
        # Fixed margins, wide enough for five-digit counts and both axis labels: tight_layout
        # would draw the figure once more to measure it (half the chart's time).
        fig.subplots_adjust(left=0.11, right=0.91, bottom=0.09, top=0.91)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()
