"""Build the ``electricity_prices`` table from ../shared/data and ``prices_manual.csv``.

Rows come from three places:

* ``targeted_nakamoto/elect_price.csv`` -- US EIA Electric Power Monthly Table 5.3,
  average price to industrial customers (US cents/kWh): the annual totals 2014-2023
  and the monthly rows Jan 2022 - Nov 2024 (kind ``industrial_tariff``).
* ``targeted_nakamoto/public_miner_power_cost_2021_2023.csv`` -- quarterly power
  cost of four US-listed miners and the source's average (US cents/kWh).
* ``prices_manual.csv`` -- hand-curated dated prices with their sources (China's
  provinces, CBECI's default, other jurisdictions), in local currency.

Local currencies are converted at the annual-average rate of the row's start year
(``FX_LOCAL_PER_USD``; nearest available year if that year is missing).
"""

from __future__ import annotations

import calendar
import csv
from pathlib import Path

import pandas as pd

from build._common import write_table

HERE = Path(__file__).resolve().parent
MANUAL = HERE / "prices_manual.csv"

#: Units of local currency per USD, annual averages.  CNY, CAD, NOK: Federal Reserve
#: G.5A annual releases of 2021-11-01 (2017-2020) and 2024-02-01 (2020-2023), and of
#: 2016-01-04 (2015).  RUB, IRR, KZT: working rates of the project research note
#: regional_inputs.md (conventions table; KZT implied by its "1 KZT = 0.002 USD").
FX_LOCAL_PER_USD: dict[str, dict[int, float]] = {
    "USD": {2000: 1.0},
    "CNY": {
        2017: 6.7569,
        2018: 6.6090,
        2019: 6.9081,
        2020: 6.9042,
        2021: 6.4508,
        2022: 6.7290,
        2023: 7.0809,
    },
    "CAD": {
        2017: 1.2984,
        2018: 1.2957,
        2019: 1.3269,
        2020: 1.3422,
        2021: 1.2533,
        2022: 1.3014,
        2023: 1.3494,
    },
    "NOK": {
        2015: 8.0681,
        2017: 8.2679,
        2018: 8.1318,
        2019: 8.8001,
        2020: 9.4283,
        2021: 8.5955,
        2022: 9.6138,
    },
    "RUB": {2023: 85.0},
    "IRR": {2021: 250_000.0},
    "KZT": {2022: 500.0},
}

EIA_SOURCE = (
    "US EIA Electric Power Monthly Table 5.3 (Forms EIA-861M/861), average price to industrial "
    "customers; via Krisp140/TargetedNakomoto data/elect_price.csv @ ea026924a6779f67547e5d6fa060a93a84f06fe3"
)
MINER_SOURCE = (
    "company 10-Q/10-K filings as tabulated in Krisp140/TargetedNakomoto pages/3_DataSources.py "
    "@ ea026924a6779f67547e5d6fa060a93a84f06fe3 (not re-verified against the filings)"
)
MONTHS = {m: i for i, m in enumerate(calendar.month_name) if m} | {"Sept": 9}
COLUMNS = [
    "region",
    "start",
    "end",
    "price_usd_per_kwh",
    "price_low_usd_per_kwh",
    "price_high_usd_per_kwh",
    "kind",
    "entity",
    "currency",
    "price_local_per_kwh",
    "fx_local_per_usd",
    "fx_year",
    "source",
    "status",
    "note",
]


def fx_rate(currency: str, year: int) -> tuple[float, int]:
    """Units of ``currency`` per USD for ``year`` (nearest available year, later on ties)."""
    table = FX_LOCAL_PER_USD[currency]
    best = min(table, key=lambda y: (abs(y - year), -y))
    return table[best], best


def _month_end(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def eia_industrial(shared_data: Path) -> pd.DataFrame:
    """Parse the messy EIA Table 5.3 copy: annual totals and monthly blocks (industrial column)."""
    path = shared_data / "targeted_nakamoto" / "elect_price.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    header = next(i for i, r in enumerate(lines) if r and r[0] == "Period")
    industrial = lines[header].index("Industrial")
    rows, block = [], None
    for r in lines[header + 1 :]:
        if not r or not r[0].strip():
            continue
        label = r[0].strip()
        if label == "Annual Totals":
            block = "annual"
            continue
        if label.startswith("Year to Date") or label.startswith("Rolling"):
            break
        if label.startswith("Year "):
            block = int(label.split()[1])
            continue
        cents = float(r[industrial])
        if block == "annual":
            year = int(label)
            start, end, note = f"{year}-01-01", f"{year}-12-31", "annual average"
        elif isinstance(block, int) and label in MONTHS:
            year, month = block, MONTHS[label]
            start, end, note = f"{year}-{month:02d}-01", _month_end(year, month), "monthly average"
        else:
            raise ValueError(f"elect_price.csv: unexpected row {r!r}")
        if year >= 2024:
            note += "; preliminary (EIA)"
        rows.append(
            ("United States", start, end, cents / 100.0, "industrial_tariff", "", EIA_SOURCE, note)
        )
    cols = ["region", "start", "end", "price_local_per_kwh", "kind", "entity", "source", "note"]
    out = pd.DataFrame(rows, columns=cols)
    out["currency"] = "USD"
    out["status"] = "stated"
    return out


def public_miners(shared_data: Path) -> pd.DataFrame:
    raw = pd.read_csv(shared_data / "targeted_nakamoto" / "public_miner_power_cost_2021_2023.csv")
    raw = raw.dropna(subset=["power_cost_us_cents_per_kwh"])
    q = pd.PeriodIndex(raw["quarter"], freq="Q")
    avg = raw["company"].str.startswith("Average")
    return pd.DataFrame(
        {
            "region": "United States",
            "start": q.start_time.strftime("%Y-%m-%d"),
            "end": q.end_time.strftime("%Y-%m-%d"),
            "price_local_per_kwh": raw["power_cost_us_cents_per_kwh"].to_numpy() / 100.0,
            "kind": avg.map({True: "public_miner_average", False: "miner_power_cost"}).to_numpy(),
            "entity": raw["company"].where(~avg, "").to_numpy(),
            "source": MINER_SOURCE,
            "note": avg.map(
                {
                    True: "average of Riot, Marathon, Core Scientific, CleanSpark as given by the source",
                    False: "all-in power cost",
                }
            ).to_numpy(),
            "currency": "USD",
            "status": "stated",
        }
    )


def manual() -> pd.DataFrame:
    m = pd.read_csv(MANUAL, dtype={"start": str, "end": str, "entity": str, "note": str})
    m = m.rename(
        columns={"price": "price_local_per_kwh", "price_low": "_low", "price_high": "_high"}
    )
    return m


def build_prices(shared_data: Path) -> pd.DataFrame:
    frames = [manual(), eia_industrial(shared_data), public_miners(shared_data)]
    out = pd.concat(frames, ignore_index=True)
    years = pd.to_datetime(out["start"], format="%Y-%m-%d").dt.year
    rates = [fx_rate(c, y) for c, y in zip(out["currency"], years, strict=True)]
    out["fx_local_per_usd"] = [r for r, _ in rates]
    out["fx_year"] = [
        y if c != "USD" else pd.NA for (_, y), c in zip(rates, out["currency"], strict=True)
    ]
    out["fx_year"] = out["fx_year"].astype("Int64")
    out.loc[out["currency"] == "USD", "fx_local_per_usd"] = 1.0
    out["price_usd_per_kwh"] = (out["price_local_per_kwh"] / out["fx_local_per_usd"]).round(6)
    for col, src in (("price_low_usd_per_kwh", "_low"), ("price_high_usd_per_kwh", "_high")):
        out[col] = (out[src] / out["fx_local_per_usd"]).round(6) if src in out else pd.NA
    for col in ("entity", "note"):
        out[col] = out[col].fillna("")
    out["end"] = out["end"].fillna("")
    return (
        out[COLUMNS]
        .sort_values(["region", "kind", "entity", "start"], kind="stable")
        .reset_index(drop=True)
    )


def build(shared_data: Path, out_dir: Path) -> list[Path]:
    """Write the prices tables into out_dir and return their paths."""
    return [
        write_table(
            build_prices(shared_data), out_dir, "electricity_prices.csv", float_format="%.10g"
        )
    ]
