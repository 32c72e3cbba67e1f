"""Every claim's verdict and its key evidence number, pinned.

Numbers from the embedded data are pinned with a tolerance (values of the sourced seasonal
calendar and post-ban province split of issue 12); numbers of the world model
(which is being recalibrated) are not: only the verdicts that no plausible calibration
can flip are pinned for them.
"""

from __future__ import annotations

import json

import pytest

from hashcarbon.report import claims

PINS = {
    # id: (verdict, {evidence key: (value, abs tolerance)})
    "bmc-56-sustainable-q2-2021": ("contradicted", {"sust_q2_2021": (0.416, 0.01)}),
    "intensity-418-vs-grid-463": (
        "contradicted",
        {"int_12m_to_jun21": (505.0, 5.0), "iea_2020": (463.0, 0.5)},
    ),
    "forecast-2026-200-vs-321": (
        "contradicted",
        {"int_ytd": (462.1, 5.0), "iea_2026": (414.0, 0.5)},
    ),
    "forecast-2031-zero-vs-220": ("unresolved", {"iea_trend_2031": (424.6, 1.0)}),
    "carbon-peak-2020": ("contradicted", {"peak_em_year": (2024, 0), "em_2020": (35.0, 0.5)}),
    "ban-abroad-or-underground": ("supported", {"cn_sep21": (0.223, 0.005)}),
    "clean-mining-absorbs-curtailed-hydro": (
        "partly-supported",
        {
            "hydro_wet_curtailed_share": (1.0, 0.01),
            "hydro_dry_curtailed_share": (0.0, 0.01),
            "sichuan_curtailed_gw_wet": (4.57, 0.02),  # 20.2 TWh / 4,416 h (May-Oct 2020)
            "sichuan_mining_gw_wet": (2.65, 0.05),
            "network_curtailed_share": (0.196, 0.01),
        },
    ),
    "bbce-peak-2024": (
        "contradicted",
        {"bbce_peak_twh": (296.59, 0.01), "cn_energy_at_bbce_peak": (34.3, 1.0)},
    ),
    "cambridge-2025-survey": (
        "partly-supported",
        {
            "energy_twh": (208.1, 2.0),
            "emissions_mt": (98.4, 1.0),
            "sustainable_share": (0.392, 0.01),
        },
    ),
    "bmc-later-sustainable": (
        "contradicted",
        {"bmc_Q4 2022": (0.387, 0.01), "bmc_H1 2023": (0.391, 0.01)},
    ),
}


@pytest.fixture(scope="module")
def recs(report_dir):
    return {r["id"]: r for r in json.loads((report_dir / "claims.json").read_text("utf-8"))}


def test_every_claim_is_pinned(recs):
    assert set(recs) == set(PINS)


@pytest.mark.parametrize("cid", sorted(PINS))
def test_verdict_and_evidence(recs, cid):
    verdict, evidence = PINS[cid]
    r = recs[cid]
    assert r["verdict"] == verdict, (cid, r["reason"])
    for key, (value, tol) in evidence.items():
        assert r["evidence"][key] == pytest.approx(value, abs=tol), (cid, key)
    assert r["project_number_zh"]
    assert r["published_number_zh"]


def test_2026_claim_is_provisional_while_the_year_runs(recs):
    r = recs["forecast-2026-200-vs-321"]
    assert r["provisional"] == (r["evidence"]["ytd_months"] < 12)


def test_2031_target_is_unresolved_with_the_trend(recs):
    r = recs["forecast-2031-zero-vs-220"]
    assert "trend" in r["project_number"]
    assert "2031 has no data" in r["reason"]


def test_no_degenerate_band(recs):
    assert not any(f"{x}-{x}" in recs["bbce-peak-2024"]["project_number"] for x in range(1000))


def test_rules():
    assert claims.combine_parts(["supported", "contradicted"]) == "partly-supported"
    assert claims.combine_parts(["supported", "supported"]) == "supported"
    assert claims.combine_parts(["contradicted", "contradicted"]) == "contradicted"
    assert claims.combine_parts(["supported", "unresolved"]) == "unresolved"
    assert claims.bounds_verdict(80, 350, 138) == "supported"
    assert claims.bounds_verdict(80, 350, 400) == "contradicted"
    assert claims._band(113.2, 113.4, 4).startswith("all 4 runs equal")
    assert claims._band(100, 130, 4) == "P5-P95 100-130"


def test_survey_claim_walks_step_by_step_to_the_published_figure(recs):
    # pipeline.survey_decomposition (issue 12): each step changes one assumption; the last
    # step is the survey's published 39.8 Mt, the own-mix step lands within 1 Mt of it
    steps = recs["cambridge-2025-survey"]["evidence"]["steps_mt"]
    assert list(steps) == ["project", "energy", "geography", "own_mix", "survey"]
    assert steps["survey"] == pytest.approx(39.8, abs=0.05)
    assert steps["project"] == pytest.approx(98.4, abs=1.0)
    assert steps["geography"] == pytest.approx(52.3, abs=1.0)
    assert abs(steps["own_mix"] - steps["survey"]) < 1.0
    assert "Step by step" in recs["cambridge-2025-survey"]["reason"]


def _claim(cid, verdict, **numbers):
    return claims.Claim(
        id=cid,
        quote="",
        seed="",
        claim_en="",
        claim_zh="",
        published="",
        published_source="",
        verdict=verdict,
        numbers=numbers,
    )


def test_claims_whose_evidence_changed_with_updated_data_say_so():
    # issue 13: the same claims on the embedded tables alone against the updated layer
    embedded = [
        _claim("a", "supported", x=0.5),
        _claim("b", "contradicted", x=1.0, y={"p": 2.0}),
        _claim("c", "supported", x=float("nan")),
    ]
    updated = [
        _claim("a", "contradicted", x=0.9),
        _claim("b", "contradicted", x=1.0, y={"p": 2.5}),
        _claim("c", "supported", x=float("nan")),
    ]
    assert claims.mark_changed(updated, embedded) == ["a", "b"]
    assert updated[0].changed_with_update == "verdict supported -> contradicted"
    assert updated[1].changed_with_update == "evidence changed: y"
    assert updated[2].changed_with_update == ""
    assert updated[1].record()["changed_with_update"] == "evidence changed: y"
