"""Chinese text in the PNG pictures: the installed CJK font, dates with weekdays.

``use_cjk_font()`` points matplotlib at an installed CJK font (WenQuanYi Zen Hei from
``fonts-wqy-zenhei``, or Noto/Source Han Sans CJK) and fails with one clear line when
none is installed, rather than drawing empty boxes for every Chinese character.
"""

from __future__ import annotations

import logging

from features.errors import UserError

CJK_FAMILIES = (
    "WenQuanYi Zen Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "SimHei",
    "Microsoft YaHei",
)
WEEKDAYS = "一二三四五六日"


class _OneWeight(logging.Filter):
    """Drops matplotlib's "Failed to find font weight normal for …, now using 500"."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("findfont: Failed to find font weight")


def use_cjk_font() -> str:
    """The CJK font family matplotlib will draw with (set as its sans-serif default)."""
    import matplotlib
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    family = next((name for name in CJK_FAMILIES if name in installed), None)
    if family is None:
        raise UserError(
            "no CJK font found for the Chinese labels of the pictures; install one "
            "(e.g. apt-get install fonts-wqy-zenhei)"
        )
    # the font has one weight (500): matplotlib says so, once per text style, on every
    # picture; that fallback is the intended font, so the line is only noise
    font_log = logging.getLogger("matplotlib.font_manager")
    if not any(isinstance(f, _OneWeight) for f in font_log.filters):
        font_log.addFilter(_OneWeight())
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [family, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return family


def day_hour_label(ts) -> str:
    """``03-29 周六 08:00``: date, weekday and hour of a local time."""
    return f"{ts:%m-%d} 周{WEEKDAYS[ts.weekday()]} {ts:%H:%M}"
