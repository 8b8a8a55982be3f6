"""Where the second taxonomy moved calls the fragment lists were first written for.

Applied when the generator is built, so the older fragment modules stay as they were
written and the rules that moved them are listed in one place (docs/TAXONOMY.md):

* traffic scrapes argued over are not a dispute any more but ``non_police`` for 122;
* noise from a business or from works is ``non_police`` for 12345, not public order or
  city management;
* domestic violence whose only marks are bruises is ``public_order``, not ``criminal``;
* passing a few counterfeit notes is a public-order offence (治安警情 / 制贩、使用假币; the
  crime needs large sums), so those calls are ``public_order``.
"""

from __future__ import annotations

# sub-type → (from category, to category, keys of the spec to replace)
MOVES: dict[str, tuple[str, str, dict]] = {
    "traffic_scrape": ("dispute", "non_police", {"w": 5.0, "divert": "122", "route": None}),
    "counterfeit_money": ("criminal", "public_order", {}),
}
# sub-type → keys of the spec to replace (it stays in its category)
RETARGET: dict[str, dict] = {
    "construction_noise": {"divert": "12345"},
}
# (category, sub-type, pattern, target sub-type): event clauses matching the pattern leave
# the sub-type for the target (which lives in the target's own category).
REASSIGN: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "public_order",
        "party_noise",
        r"KTV|酒吧|烧烤|店|摊|\{venue\}",
        "non_police",
        "business_noise",
    ),
    ("criminal", "domestic_violence_injury", r"淤青", "public_order", "domestic_violence"),
)
