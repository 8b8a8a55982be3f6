"""The monitor's HTML page: alerts in words, figures, and plots inlined as PNG (no network)."""

from __future__ import annotations

import base64
import html
import io

import numpy as np

from features.monitoring.drift import label_name


def _png(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return (
        '<img alt="plot" src="data:image/png;base64,'
        + base64.b64encode(buf.getvalue()).decode("ascii")
        + '">'
    )


def _mix_plot(mix: dict) -> str:
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(mix), figsize=(4.2 * len(mix), 3), squeeze=False)
    for ax, (field, figs) in zip(axes[0], mix.items(), strict=True):
        keys = sorted(set(figs["reference"]) | set(figs["shares"]))
        x = np.arange(len(keys))
        ax.bar(x - 0.2, [figs["reference"].get(k, 0) for k in keys], 0.4, label="training")
        ax.bar(x + 0.2, [figs["shares"].get(k, 0) for k in keys], 0.4, label="now")
        ax.set_xticks(x, keys, rotation=30, ha="right", fontsize=8)
        ax.set_title(f"{field} (PSI {figs['psi']:.2f})", fontsize=9)
        ax.legend(fontsize=7)
    return _png(fig)


def _daily_plot(daily: list[dict]) -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 2.6))
    days = [d["day"] for d in daily]
    for field in ("category", "disposition", "urgent"):
        if daily and field in daily[0]:
            ax.plot(days, [d[field]["psi"] for d in daily], marker="o", label=field)
    ax.set_ylabel("PSI vs training")
    ax.tick_params(axis="x", rotation=45, labelsize=7)
    ax.legend(fontsize=7)
    return _png(fig)


def _hist_plot(text: dict) -> str:
    import matplotlib.pyplot as plt

    shown = {k: v for k, v in text.items() if v.get("available")}
    if not shown:
        return ""
    fig, axes = plt.subplots(1, len(shown), figsize=(4.2 * len(shown), 2.8), squeeze=False)
    for ax, (name, fig_) in zip(axes[0], shown.items(), strict=True):
        edges = fig_["edges"]
        labels = [f"{a:g}–{b:g}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
        x = np.arange(len(labels))
        ax.bar(x - 0.2, fig_["reference_shares"], 0.4, label="training")
        ax.bar(x + 0.2, fig_["shares"], 0.4, label="now")
        ax.set_xticks(x, labels, rotation=45, ha="right", fontsize=7)
        ax.set_title(
            f"{name} (mean {fig_['mean']:.3f} vs {fig_['reference_mean']:.3f})", fontsize=9
        )
        ax.legend(fontsize=7)
    return _png(fig)


def _forecast_plot(forecast: dict) -> str:
    import matplotlib.pyplot as plt

    shifts = forecast.get("shifts") or []
    if not shifts:
        return ""
    fig, ax = plt.subplots(figsize=(8, 2.6))
    x = np.arange(len(shifts))
    ax.plot(x, [s["forecast"] for s in shifts], label="forecast (city total per shift)")
    ax.plot(x, [s["realised"] for s in shifts], marker=".", label="realised")
    ax.set_xlabel("8-hour shift")
    ax.legend(fontsize=7)
    return _png(fig)


def _table(rows: list[list], head: list[str]) -> str:
    cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows
    )
    return f"<table><tr>{cells}</tr>{body}</table>"


def render(report: dict) -> str:
    """The report dict (``features.monitoring.report.health``) as one self-contained page."""
    parts = [f"<h1>Model health</h1><p>{html.escape(str(report['model']))}</p>"]
    if report["alerts"]:
        items = "".join(
            f"<li><b>{html.escape(a['section'])}</b>: {html.escape(a['message'])}</li>"
            for a in report["alerts"]
        )
        parts.append(f'<h2 class="alert">Alerts ({len(report["alerts"])})</h2><ul>{items}</ul>')
    else:
        parts.append("<h2>No alert</h2>")
    drift = report.get("drift")
    if drift:
        parts.append(f"<h2>Suggestions vs training ({drift['n']:,} calls)</h2>")
        if drift["mix"]:
            parts.append(_mix_plot(drift["mix"]))
        if drift["daily"]:
            parts.append(_daily_plot(drift["daily"]))
        parts.append(_hist_plot(drift["text"]))
    agreement = report.get("agreement")
    if agreement and agreement.get("n"):
        parts.append(f"<h2>Agreement with call takers ({agreement['n']:,} corrections)</h2>")
        parts.append(
            _table(
                [
                    [w["week"], w["n"], f"{w['accuracy']:.3f}", f"{w['macro_f1']:.3f}"]
                    for w in agreement["weeks"]
                ],
                ["week of", "corrections", "accuracy", "macro-F1"],
            )
        )
        parts.append(
            _table(
                [
                    [label_name("category", k), v["n"], f"{v['recall']:.3f}", f"{v['f1']:.3f}"]
                    for k, v in agreement["categories"].items()
                ],
                ["final category", "corrections", "suggestion recall", "F1"],
            )
        )
    forecast = report.get("forecast")
    if forecast and forecast.get("n_grid_shifts"):
        parts.append(
            f"<h2>Forecast error ({forecast['n_grid_shifts']:,} grid-shifts)</h2><p>"
            f"coverage of the 80 % interval (PIT) {forecast['coverage80_pit']:.3f}, "
            f"inside [p10, p90] {forecast['coverage80_interval']:.3f}; deviance "
            f"{forecast['poisson_deviance']:.3f} vs {forecast['expected_deviance']:.3f} "
            f"expected</p>"
        )
        parts.append(_forecast_plot(forecast))
    style = (
        "body{font-family:sans-serif;max-width:60em;margin:1em auto}"
        ".alert{color:#b00}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
        "padding:2px 6px;font-size:90%}"
    )
    return (
        f'<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>jingqing model '
        f"health</title><style>{style}</style></head><body>{''.join(parts)}</body></html>"
    )
