"""Throughput of ``features.pii.mask_pii`` on call-like texts.

Masking runs on every text that enters training, batch prediction, the service and the
feedback store, so it must stay far from being the bottleneck (target: ≥ 50,000 texts/s on
one core). The corpus mixes texts without personal data (most real calls), texts with one or
two items, and full-width digits, at the length of a dispatch record (30–60 characters).

Run: ``.venv/bin/python benchmarks/features/masking.py``; writes
``benchmarks/results/masking.json``.
"""

from __future__ import annotations

import json
import platform
import random
import time
from pathlib import Path

from features.pii import find_pii, mask_pii

TARGET_PER_S = 50_000
RESULT = Path(__file__).resolve().parents[1] / "results" / "masking.json"

_PLACES = ["XX路XX小区5号楼", "人民广场东门", "城东派出所对面", "步行街KTV门口", "高铁站南广场"]
_EVENTS = [
    "与邻居因停车位发生口角，双方情绪激动。",
    "一男子醉酒后躺在路边，无法自行离开。",
    "报警人称手机被偷，价值约5000元。",
    "来电人反映楼上装修噪音太大，23:40还在施工。",
    "我家孩子放学一直没回来啊，都快急死了，2025年3月5日下午走丢的。",
    "有人冒充公检法打电话让转账，还没转钱。",
    "电动车在楼下被偷了，锁还在，车没了。",
    "店里有人吃饭不给钱还骂人，老板报警。",
]
_PII = [
    "联系电话13800138000",
    "回拨139 1234 5678",
    "座机0537-2345678",
    "身份证440304199003074510",
    "车牌鲁H12345",
    "卡号6217001234567893",
    "手机１８６１２３４５６７８",
    "新能源车粤BD12345",
]


def corpus(n: int, seed: int = 0) -> list[str]:
    """``n`` call-like texts; about 40% carry personal data."""
    rng = random.Random(seed)
    texts = []
    for _ in range(n):
        parts = [rng.choice(_PLACES), rng.choice(_EVENTS)]
        roll = rng.random()
        if roll < 0.3:
            parts.append(rng.choice(_PII))
        elif roll < 0.4:
            parts.extend(rng.sample(_PII, 2))
        texts.append("，".join(parts))
    return texts


def main(n: int = 100_000) -> dict:
    texts = corpus(n)
    mask_pii(texts[0])  # warm up the regex caches
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        masked = [mask_pii(t) for t in texts]
        best = min(best, time.perf_counter() - t0)
    with_pii = sum(1 for t in texts if find_pii(t))
    result = {
        "texts": n,
        "texts_with_pii": with_pii,
        "placeholders_written": sum(m.count("<") for m in masked),
        "seconds_best_of_3": round(best, 4),
        "texts_per_second": round(n / best),
        "target_texts_per_second": TARGET_PER_S,
        "meets_target": n / best >= TARGET_PER_S,
        "mean_chars": round(sum(map(len, texts)) / n, 1),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(
        f"mask_pii: {result['texts_per_second']:,} texts/s on {n:,} texts "
        f"({with_pii:,} with personal data, mean {result['mean_chars']} chars); "
        f"target {TARGET_PER_S:,}/s: {'met' if result['meets_target'] else 'MISSED'} "
        f"→ {RESULT}"
    )
    return result


if __name__ == "__main__":
    main()
