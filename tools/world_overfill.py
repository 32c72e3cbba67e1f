"""How much of each year's new machines the world model places beyond the receiving
region's headroom (docs/world.md, hindcast round 6).

The siting step (``steps.siting_weights``) gives each region a weight; with
``site_within_headroom = 0`` the month's deliveries are placed by the weights alone, so a
region whose weight dominates can take more than its headroom (its cap minus the
installed and in-transit load); the excess is displaced in the next month and relocated.
This tool runs the reference engine once (``china-ban-2021``, 2014-2021) and, around its
``deliver`` step, adds up the placements beyond the headroom that ``site`` computed for
the same month.  The model is not changed; the wrappers only read.  Usage::

    python tools/world_overfill.py                          # shipped parameters
    python tools/world_overfill.py round5                   # the round-5 model
    python tools/world_overfill.py site_within_headroom=0   # any --param overrides
"""

from __future__ import annotations

import collections
import os
import sys

import numpy as np


def main(argv: list[str]) -> int:
    os.environ["HASHCARBON_WORLD_ENGINE"] = "reference"
    from hashcarbon.models import world
    from hashcarbon.models.world import calibration, steps

    if argv[:1] == ["round5"]:
        argv = [f"{k}={v}" for k, v in calibration.ROUND5.items()] + argv[1:]
    try:
        overrides = {k: float(v) for k, v in (a.split("=", 1) for a in argv)}
    except ValueError:
        print("world_overfill: expected name=value arguments")
        return 2
    beyond: dict[tuple[int, int], float] = collections.defaultdict(float)
    placed_by_year: dict[int, float] = collections.defaultdict(float)
    month: dict[str, np.ndarray] = {}
    deliver, site = steps.deliver, steps.site

    def site_and_keep(*a, **k):
        out = site(*a, **k)  # weights, access, headroom, scale
        month["headroom_gw"] = out[2]
        return out

    def deliver_and_count(st, t, w_new, gw_per_ehs, *a, **k):
        new, f, share = deliver(st, t, w_new, gw_per_ehs, *a, **k)
        placed = share[0] * f["delivered"][0]  # EH/s, run 0
        room = month["headroom_gw"][0] / gw_per_ehs
        year = 2014 + t // 12
        placed_by_year[year] += float(placed.sum())
        for r, v in enumerate(np.maximum(placed - room, 0.0)):
            if v > 0:
                beyond[year, r] += float(v)
        return new, f, share

    steps.site, steps.deliver = site_and_keep, deliver_and_count
    try:
        hist = world.history()
        scen = calibration.load_scenario("china-ban-2021")
        scen = scen.model_copy(
            update={"scenario": scen.scenario.model_copy(update={"end": "2021-12-01"})}
        )
        sim = calibration.simulate(
            hist, scen, params=calibration.resolve({**scen.parameters, **overrides})
        )
    finally:
        steps.site, steps.deliver = site, deliver
    print("| year | delivered [EH/s] | placed beyond the headroom [EH/s] | share |")
    print("|---|---|---|---|")
    for y in sorted(placed_by_year):
        b = sum(v for (yy, _), v in beyond.items() if yy == y)
        print(
            f"| {y} | {placed_by_year[y]:.1f} | {b:.1f} | {b / max(placed_by_year[y], 1e-12):.0%} |"
        )
    by_region: dict[str, float] = collections.defaultdict(float)
    for (y, r), v in beyond.items():
        if 2019 <= y <= 2021:
            by_region[sim.regions[r]] += v
    top = sorted(by_region.items(), key=lambda x: -x[1])[:6]
    print("2019-2021 by region [EH/s]: " + ", ".join(f"{k} {v:.1f}" for k, v in top))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
