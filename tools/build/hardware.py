"""Build the ``hardware`` table (ASIC catalogue) from ../shared/data and the hand-curated rows.

Inputs (never copied into the repository):

* ``cbeci_api_repo/miners.csv`` -- CBECI hardware basket (CambridgeAltFin/ccaf_cbeci_api
  ``server_config/miners.csv``, HEAD 0e28e81, 2024-03-28): name, Unix release time,
  efficiency in J/GH.
* ``f2pool_devices_2020/mining-devices.csv`` -- F2Pool "Popular Mining Devices" list, March 2020
  (mattk8/mining-data @ f4b9405): hash rate, wall power, release year and month.
* ``math331_crypto/bitcoin_asic_miners.csv`` -- asicminervalue.com scrape, Dec 2025
  (twsaf1-sys/math_331_cryptocurrency_project @ 474919a): hash rate, power, release month.
* ``math331_crypto/bitcoin_mining_hardware_summary_clean.csv`` -- Bitcoin Wiki "Mining hardware
  comparison" table (same commit): MH/s, MH/J, W; no release dates.
* ``tools/build/hardware_manual.csv`` (committed, project-authored): rows and dates taken from
  published specifications and press reports, each with the URL that was read.

Merging: every source record is given a canonical model name (explicit alias tables below, else a
documented normalisation); records with the same name are merged field by field.  Precedence:
specifications (hash rate, power) manual > asicminervalue > F2Pool > Bitcoin Wiki; release date
manual > CBECI > F2Pool > asicminervalue.  ``efficiency_j_per_th`` is ``power_w / hashrate_ths``
where both are known, else the stated efficiency (manual, then CBECI, then Bitcoin Wiki MH/J).
CBECI's own values are kept untouched in the ``cbeci_*`` columns.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from build._common import write_table

FILENAME = "hardware_2026-11.csv"
MANUAL = Path(__file__).with_name("hardware_manual.csv")

#: Snapshot date of the asicminervalue scrape (commit date of the math331 repository);
#: rows released after it are flagged ``announced``.
AMV_SNAPSHOT = pd.Timestamp("2025-12-09")

SOURCE_URLS = {
    "cbeci": "https://github.com/CambridgeAltFin/ccaf_cbeci_api/blob/0e28e819a084c8b3c6c752fb0aae00cb609e8b17/server_config/miners.csv",
    "f2pool_2020": "https://github.com/mattk8/mining-data/blob/f4b94058100d9b501e3aa01e82d216bc91b74430/mining-devices.csv",
    "asicminervalue_2025": "https://github.com/twsaf1-sys/math_331_cryptocurrency_project/blob/474919a8f31bccc281a88a91681052096bb096db/bitcoin_asic_miners.csv",
    "bitcoin_wiki": "https://en.bitcoin.it/wiki/Mining_hardware_comparison",
}

COLUMNS = [
    "model",
    "manufacturer",
    "kind",
    "release_date",
    "release_date_precision",
    "announced",
    "hashrate_ths",
    "power_w",
    "efficiency_j_per_th",
    "cooling",
    "in_cbeci_2019",
    "cbeci_name",
    "cbeci_efficiency_j_per_th",
    "cbeci_release_date",
    "cbeci_release_unix_s",
    "spec_source",
    "date_source",
    "source",
    "source_url",
    "notes",
]

# --------------------------------------------------------------------------- CBECI
#: CBECI name -> (canonical model, manufacturer).  Placeholders keep CBECI's wording.
CBECI_ALIASES: dict[str, tuple[str, str]] = {
    "Worst CPU": ("CBECI placeholder: Worst CPU", "(placeholder)"),
    "Best CPU": ("CBECI placeholder: Best CPU", "(placeholder)"),
    "Worst GPU": ("CBECI placeholder: Worst GPU", "(placeholder)"),
    "Best GPU": ("CBECI placeholder: Best GPU", "(placeholder)"),
    "FPGA": ("CBECI placeholder: FPGA", "(placeholder)"),
    "early ASICS": ("CBECI placeholder: early ASICS", "(placeholder)"),
    "Bitmain Antminer S3": ("Antminer S3", "Bitmain"),
    "Bitmain Antminer S5": ("Antminer S5", "Bitmain"),
    "Bitmain Antminer S7": ("Antminer S7", "Bitmain"),
    "Bitmain Antminer S9 (11.5Th)": ("Antminer S9 11.5T", "Bitmain"),
    "Bitmain Antminer S7-LN": ("Antminer S7-LN", "Bitmain"),
    "Bitmain Antminer R4": ("Antminer R4", "Bitmain"),
    "Bitmain Antminer S9 (12.5Th)": ("Antminer S9 12.5T", "Bitmain"),
    "Bitmain Antminer T9 (11.5Th)": ("Antminer T9 11.5T", "Bitmain"),
    "Canaan AvalonMiner 741": ("AvalonMiner 741 7.3T", "Canaan"),
    "Bitmain Antminer S9 (13Th)": ("Antminer S9 13T", "Bitmain"),
    "Bitmain Antminer T9 (12.5Th)": ("Antminer T9 12.5T", "Bitmain"),
    "Bitmain Antminer S9 (13.5Th)": ("Antminer S9 13.5T", "Bitmain"),
    "Pantech SX6": ("Pantech SX6", "Pantech"),
    "Bitmain Antminer S9 (14Th)": ("Antminer S9 14T", "Bitmain"),
    "Bitfury B8": ("Bitfury B8", "Bitfury"),
    "Ebang Ebit E9+": ("Ebit E9+ 9T", "Ebang"),
    "Bitmain Antminer T9+ (10.5Th)": ("Antminer T9+ 10.5T", "Bitmain"),
    "MicroBT Whatsminer M3": ("Whatsminer M3 11.5T", "MicroBT"),
    "Bitfily Snow Panther A1": ("SnowPanther A1 49T", "Bitfily"),
    "Pantech WX6": ("Pantech WX6", "Pantech"),
    "Ebang Ebit E10": ("Ebit E10 18T", "Ebang"),
    "Canaan AvalonMiner 821": ("AvalonMiner 821 11.5T", "Canaan"),
    "Bitmain Antminer V9 (4Th)": ("Antminer V9 4T", "Bitmain"),
    "MicroBT Whatsminer M3X": ("Whatsminer M3X", "MicroBT"),
    "Halong Mining DragonMint T1": ("DragonMint T1 16T", "Halong Mining"),
    "Canaan AvalonMiner 841": ("AvalonMiner 841 13.6T", "Canaan"),
    "ASICminer 8 Nano Pro": ("ASICminer 8 Nano Pro", "ASICMiner"),
    "Innosilicon T2 Terminator": ("Innosilicon T2 Terminator 17.2T", "Innosilicon"),
    "Bitmain Antminer S9i (14Th)": ("Antminer S9i 14T", "Bitmain"),
    "Bitmain Antminer S9i (13.5Th)": ("Antminer S9i 13.5T", "Bitmain"),
    "Bitmain Antminer S9i (13Th)": ("Antminer S9i 13T", "Bitmain"),
    "Ebang Ebit E9.2": ("Ebit E9.2 12T", "Ebang"),
    "Ebang Ebit E9.3": ("Ebit E9.3 16T", "Ebang"),
    "Bitfily Snow Panther B1": ("SnowPanther B1", "Bitfily"),
    "Aladdin Miner 16Th/s Bitcoin": ("Aladdin Miner 16T", "Aladdin"),
    "Ebang Ebit E9i": ("Ebit E9i 13.5T", "Ebang"),
    "Innosilicon T2 Turbo": ("Innosilicon T2 Turbo 24T", "Innosilicon"),
    "Bitfily Snow Panther B1+": ("SnowPanther B1+ 24.5T", "Bitfily"),
    "Bitmain Antminer S9j (14.5Th)": ("Antminer S9j 14.5T", "Bitmain"),
    "Bitmain Antminer S9 Hydro (18Th)": ("Antminer S9 Hydro 18T", "Bitmain"),
    "MicroBT Whatsminer M10S": ("Whatsminer M10S 55T", "MicroBT"),
    "MicroBT Whatsminer M10": ("Whatsminer M10 33T", "MicroBT"),
    "Innosilicon T2 Turbo+ 32T": ("Innosilicon T2 Turbo+ 32T", "Innosilicon"),
    "Canaan AvalonMiner 921": ("AvalonMiner 921 20T", "Canaan"),
    "Ebang Ebit E11++": ("Ebit E11++ 44T", "Ebang"),
    "ASICminer 8 Nano 44Th": ("ASICminer 8 Nano 44T", "ASICMiner"),
    "Ebang Ebit E11+": ("Ebit E11+ 37T", "Ebang"),
    "Ebang Ebit E11": ("Ebit E11 30T", "Ebang"),
    "GMO miner B2": ("GMO B2", "GMO"),
    "Bitfury Tardis": ("Bitfury Tardis 80T", "Bitfury"),
    "Bitmain Antminer S11 (20.5Th)": ("Antminer S11 20.5T", "Bitmain"),
    "GMO miner B3": ("GMO B3 33T", "GMO"),
    "Holic H22": ("Holic H22 22T", "Holic"),
    "Holic H28": ("Holic H28", "Holic"),
    "Innosilicon T3 43T": ("Innosilicon T3 43T", "Innosilicon"),
    "Innosilicon T3 39T": ("Innosilicon T3 39T", "Innosilicon"),
    "Bitmain Antminer S17 Pro (53Th)": ("Antminer S17 Pro 53T", "Bitmain"),
    "Bitmain Antminer S17 Pro (50Th)": ("Antminer S17 Pro 50T", "Bitmain"),
    "Bitmain Antminer S17 (56Th)": ("Antminer S17 56T", "Bitmain"),
    "Bitmain Antminer S17 (53Th)": ("Antminer S17 53T", "Bitmain"),
    "Innosilicon T3+ 52T": ("Innosilicon T3+ 52T", "Innosilicon"),
    "Bitmain Antminer T17 (40Th)": ("Antminer T17 40T", "Bitmain"),
    "MicroBT Whatsminer M21S": ("Whatsminer M21S 56T", "MicroBT"),
    "StrongU STU-U8": ("StrongU STU-U8 46T", "StrongU"),
    "Innosilicon T3": ("Innosilicon T3 50T", "Innosilicon"),
    "Bitmain Antminer S9 SE": ("Antminer S9 SE 16T", "Bitmain"),
    "MicroBT Whatsminer M21": ("Whatsminer M21 28T", "MicroBT"),
    "MicroBT Whatsminer M20S": ("Whatsminer M20S 68T", "MicroBT"),
    "Bitmain Antminer S9k": ("Antminer S9k", "Bitmain"),
    "StrongU STU-U8 Pro": ("StrongU STU-U8 Pro", "StrongU"),
    "Ebang Ebit E12+": ("Ebit E12+ 50T", "Ebang"),
    "Innosilicon T3+": ("Innosilicon T3+ 57T", "Innosilicon"),
    "Ebang Ebit E12": ("Ebit E12 44T", "Ebang"),
    "Canaan AvalonMiner 1066": ("AvalonMiner 1066 50T", "Canaan"),
    "Canaan AvalonMiner 1047": ("AvalonMiner 1047 37T", "Canaan"),
    "Bitmain Antminer S17e": ("Antminer S17e 64T", "Bitmain"),
    "Bitmain Antminer T17e": ("Antminer T17e 53T", "Bitmain"),
    "Bitmain Antminer S17+": ("Antminer S17+ 73T", "Bitmain"),
    "Bitmain Antminer T17+": ("Antminer T17+ 64T", "Bitmain"),
    "ASICminer 8 Nano S 58Th": ("ASICminer 8 Nano S 58T", "ASICMiner"),
    "MicroBT Whatsminer M30S": ("Whatsminer M30S 88T", "MicroBT"),
    "MicroBT Whatsminer M31S": ("Whatsminer M31S", "MicroBT"),
    "Bitmain Antminer S19 Pro (110Th)": ("Antminer S19 Pro 110T", "Bitmain"),
    "Bitmain Antminer S19 (95Th)": ("Antminer S19 95T", "Bitmain"),
}

# --------------------------------------------------------------------------- F2Pool
#: F2Pool company -> canonical manufacturer.
F2POOL_MANUFACTURERS = {
    "Bitmain": "Bitmain",
    "Whatsminer": "MicroBT",
    "Canaan": "Canaan",
    "INNOSILICON": "Innosilicon",
    "Ebang": "Ebang",
    "Hummer": "Hummer",
    "Bee": "Bee",
    "StrongU": "StrongU",
    "Bitexpress": "Bitexpress",
    "Holic": "Holic",
    "Bitfury": "Bitfury",
    "GMO": "GMO",
    "SnowPanther": "Bitfily",
    "DragonMint": "Halong Mining",
}

#: (F2Pool device, hash rate) -> canonical model, where the normalisation rule is not enough.
F2POOL_ALIASES: dict[tuple[str, float], str] = {
    ("Antminer S9", 14.0): "Antminer S9 14T (2019 listing)",
    ("Hummer Miner H7 Pro (48T)", 53.0): "Hummer H7 Pro 53T",
    ("Hummer Miner H7 Pro (48T)", 48.0): "Hummer H7 Pro 48T",
    ("Whatsminer M10S (Underclocked )", 44.0): "Whatsminer M10S 44T underclocked",
    ("Whatsminer M10 (Underclocked )", 25.0): "Whatsminer M10 25T underclocked",
    ("INNOSILICON T2T (30T)", 30.0): "Innosilicon T2 Turbo 30T",
    ("INNOSILICON T2T-25T", 25.0): "Innosilicon T2 Turbo 25T",
    ("INNOSILICON T2T+", 32.0): "Innosilicon T2 Turbo+ 32T",
    ("INNOSILICON T2 Turbo (T2T)", 24.0): "Innosilicon T2 Turbo 24T",
    ("INNOSILICON T2 Miner", 17.2): "Innosilicon T2 Terminator 17.2T",
    ("Bitfury Tardis B8", 80.0): "Bitfury Tardis 80T",
    ("Avalon A9", 23.0): "AvalonMiner A9 23T",
}

# --------------------------------------------------------------------------- Bitcoin Wiki
#: Wiki product (footnote removed) -> canonical model, for products that other sources also list.
WIKI_ALIASES = {
    "AntMiner S3": "Antminer S3",
    "AntMiner S5": "Antminer S5",
    "AntMiner S7": "Antminer S7",
    "AntMiner S9": "Antminer S9 14T",
    "Avalon741": "AvalonMiner 741 7.3T",
    "Avalon821": "AvalonMiner 821 11.5T",
    "Avalon721": "AvalonMiner 721",
    "Avalon761": "AvalonMiner 761",
    "Avalon6": "AvalonMiner 6",
    "Ebit E9+": "Ebit E9+ 9T",
    "Ebit E10": "Ebit E10 18T",
    "WhatsMiner M3": "Whatsminer M3 11.5T",
}

#: Wiki product prefix -> manufacturer (first match wins).
WIKI_MANUFACTURERS = [
    ("AntMiner", "Bitmain"),
    ("ASICMiner", "ASICMiner"),
    ("Avalon", "Canaan"),
    ("BFL", "Butterfly Labs"),
    ("Bitmine.ch", "Bitmine.ch"),
    ("Black Arrow", "Black Arrow"),
    ("BTC Garden", "BTC Garden"),
    ("CoinTerra", "CoinTerra"),
    ("Ebit", "Ebang"),
    ("HashBuster", "HashBuster"),
    ("HashCoins", "HashCoins"),
    ("HashFast", "HashFast"),
    ("KnC", "KnCMiner"),
    ("Metabank", "Metabank"),
    ("ROCKMINER", "Rockminer"),
    ("Spondooliestech", "Spondoolies-Tech"),
    ("TerraHash", "TerraHash"),
    ("WhatsMiner", "MicroBT"),
    ("Klondike", "Klondike (open design)"),
]
#: Products using Bitfury chips sold by small third parties.
WIKI_BITFURY_CHIP = (
    "bi*fury",
    "Blue Fury",
    "Red/BlueFury",
    "NanoFury",
    "Twinfury",
    "BitFury",
    "LittleFury",
)


def _fmt_ths(value: float) -> str:
    """Hash rate suffix for a model name: 110 -> '110', 14.5 -> '14.5'."""
    return f"{value:g}"


def _cooling_from_name(name: str) -> str | None:
    """Cooling inferred from the model name: 'Hyd'/'Hydro' -> hydro, 'Imm' -> immersion."""
    low = name.lower()
    if re.search(r"\bhyd(ro)?\b", low):
        return "hydro"
    if re.search(r"\bimm(\.|ersion)?\b", low):
        return "immersion"
    return None


def _record(**kw) -> dict:
    return kw


def _num(rec: dict, key: str) -> float | None:
    """A finite number from a record, or None."""
    value = rec.get(key)
    if value is None or pd.isna(value):
        return None
    return float(value)


def read_cbeci(shared: Path) -> list[dict]:
    """CBECI basket rows: name, Unix release time, J/GH (x1000 -> J/TH)."""
    raw = pd.read_csv(shared / "cbeci_api_repo" / "miners.csv", dtype={"Miner_name": str})
    out = []
    for row in raw.itertuples(index=False):
        name = row.Miner_name  # kept verbatim (some CBECI names contain non-breaking spaces)
        lookup = " ".join(name.replace("\xa0", " ").split())
        if lookup not in CBECI_ALIASES:
            raise ValueError(f"miners.csv: CBECI name {name!r} has no canonical alias")
        model, manufacturer = CBECI_ALIASES[lookup]
        unix_s = int(row.UNIX_date_of_release)
        stamp = pd.Timestamp(unix_s, unit="s")
        placeholder = manufacturer == "(placeholder)"
        out.append(
            _record(
                model=model,
                manufacturer=manufacturer,
                kind="placeholder" if placeholder else "asic",
                source="cbeci",
                cbeci_name=name,
                cbeci_efficiency_j_per_th=float(row.Efficiency_J_Gh) * 1000.0,
                cbeci_release_date=stamp.normalize(),
                cbeci_release_unix_s=unix_s,
                release_date=stamp.normalize(),
                # CBECI ASIC rows are first-of-month midnights (month known); the placeholders carry
                # arbitrary round Unix times.
                release_date_precision="day" if placeholder else "month",
                efficiency_j_per_th=float(row.Efficiency_J_Gh) * 1000.0,
                notes=(
                    f"CBECI placeholder row; CBECI release time {stamp.isoformat()} UTC"
                    if placeholder
                    else None
                ),
            )
        )
    return out


def _f2pool_model(device: str, hashrate_ths: float) -> str:
    key = (device, hashrate_ths)
    if key in F2POOL_ALIASES:
        return F2POOL_ALIASES[key]
    name = re.sub(r"\s*\(\s*\d+(\.\d+)?T\s*\)", "", device)
    name = name.replace("INNOSILICON ", "Innosilicon ").replace(" Miner", "")
    m = re.fullmatch(r"Avalon A?(\d{3,4})", name)
    if m:
        name = f"AvalonMiner {m.group(1)}"
    name = name.replace("Hummer Hummer", "Hummer").strip()
    return f"{name} {_fmt_ths(hashrate_ths)}T"


def read_f2pool(shared: Path) -> list[dict]:
    """F2Pool list (Mar 2020): hash rate [TH/s], wall power [W], release year/month."""
    raw = pd.read_csv(shared / "f2pool_devices_2020" / "mining-devices.csv", encoding="utf-8-sig")
    raw.columns = [c.strip() for c in raw.columns]
    out = []
    for _, row in raw.iterrows():
        device = str(row["Device"])
        hashrate = float(row["Hashrate (T)"])
        company = str(row["Company"]).strip()
        out.append(
            _record(
                model=_f2pool_model(device, hashrate),
                manufacturer=F2POOL_MANUFACTURERS[company],
                kind="asic",
                source="f2pool_2020",
                hashrate_ths=hashrate,
                power_w=float(row["Power Consumption (W)"]),
                release_date=pd.Timestamp(int(row["Year Released"]), int(row["Month Released"]), 1),
                release_date_precision="month",
            )
        )
    return out


def read_asicminervalue(shared: Path) -> list[dict]:
    """asicminervalue scrape (Dec 2025): model text, 'Mon YYYY' release, hash rate and power text."""
    raw = pd.read_csv(shared / "math331_crypto" / "bitcoin_asic_miners.csv")
    out = []
    for row in raw.itertuples(index=False):
        m = re.match(r"^(\S+) (.*?) \( ([\d.]+) (Th|Ph) \)", row.model)
        if not m:
            raise ValueError(f"bitcoin_asic_miners.csv: cannot parse model {row.model!r}")
        manufacturer, name = m.group(1), m.group(2)
        name = re.sub(r"-(\d+)T$", "", name)  # "Avalon A16-282T" -> "Avalon A16"
        if not name.startswith(("Antminer", "Avalon", "SealMiner")):
            name = f"{manufacturer} {name}"  # "Proto Rig"
        hv, hu = re.fullmatch(r"([\d.]+) (Th|Ph)/s", row.hashrate).groups()
        hashrate = float(hv) * (1000.0 if hu == "Ph" else 1.0)
        power = float(re.fullmatch(r"([\d.]+) W", row.power).group(1))
        release = pd.Timestamp(pd.to_datetime(row.release, format="%b %Y"))
        out.append(
            _record(
                model=f"{name} {_fmt_ths(hashrate)}T",
                manufacturer=manufacturer,
                kind="asic",
                source="asicminervalue_2025",
                hashrate_ths=hashrate,
                power_w=power,
                release_date=release,
                release_date_precision="month",
                cooling=_cooling_from_name(name) or ("air" if " Air" in name else None),
            )
        )
    return out


def _wiki_manufacturer(product: str) -> str:
    if product.startswith(WIKI_BITFURY_CHIP):
        return "Other (Bitfury chip)"
    for prefix, manufacturer in WIKI_MANUFACTURERS:
        if product.startswith(prefix):
            return manufacturer
    return "Other"


def read_wiki(shared: Path) -> tuple[list[dict], list[str]]:
    """Bitcoin Wiki table: MH/s -> TH/s (/1e6), MH/J -> J/TH (1e6 / MH/J), W.  No dates.

    Rows with neither power nor MH/J (no efficiency) are dropped and returned by name.
    """
    raw = pd.read_csv(shared / "math331_crypto" / "bitcoin_mining_hardware_summary_clean.csv")
    out, dropped = [], []
    for row in raw.itertuples(index=False):
        product = re.sub(r"\s*\[\d+\]\s*", "", str(row.product)).strip()
        mhs = row.advertised_mhash_per_s
        hashrate = float(mhs) / 1e6 if pd.notna(mhs) else np.nan
        power = float(row.watts) if pd.notna(row.watts) else np.nan
        eff = 1e6 / float(row.mhash_per_joule) if pd.notna(row.mhash_per_joule) else np.nan
        if np.isnan(eff) and (np.isnan(power) or np.isnan(hashrate)):
            dropped.append(product)
            continue
        model = WIKI_ALIASES.get(product, product.replace("AntMiner", "Antminer"))
        out.append(
            _record(
                model=model,
                manufacturer=_wiki_manufacturer(product),
                kind="asic",
                source="bitcoin_wiki",
                hashrate_ths=hashrate,
                power_w=power,
                stated_efficiency_j_per_th=eff,
                notes=f"Bitcoin Wiki shipping status: {row.currently_shipping}",
            )
        )
    return out, dropped


def read_manual(path: Path = MANUAL) -> list[dict]:
    """Hand-curated rows (tools/build/hardware_manual.csv)."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    out = []
    for row in raw.to_dict("records"):
        num = {
            k: (float(row[k]) if row[k] else np.nan)
            for k in ("hashrate_ths", "power_w", "efficiency_j_per_th")
        }
        has_spec = bool(row["source"])
        out.append(
            _record(
                model=row["model"],
                manufacturer=row["manufacturer"],
                kind="asic",
                source=row["source"] or None,
                source_url=row["source_url"] or None,
                date_source=row["date_source"] or None,
                date_source_url=row["date_source_url"] or None,
                hashrate_ths=num["hashrate_ths"] if has_spec else np.nan,
                power_w=num["power_w"] if has_spec else np.nan,
                stated_efficiency_j_per_th=num["efficiency_j_per_th"],
                release_date=pd.Timestamp(row["release_date"]) if row["release_date"] else pd.NaT,
                release_date_precision=row["release_date_precision"] or "unknown",
                cooling=row["cooling"] or None,
                notes=row["notes"] or None,
            )
        )
    return out


SPEC_PRECEDENCE = ("manual", "asicminervalue_2025", "f2pool_2020", "bitcoin_wiki")
DATE_PRECEDENCE = ("manual", "cbeci", "f2pool_2020", "asicminervalue_2025")


def _merge(records: list[dict]) -> pd.DataFrame:
    """Merge records with the same canonical model name, field by field, by precedence."""
    groups: dict[str, list[dict]] = {}
    for rec in records:
        groups.setdefault(rec["model"], []).append(rec)
    rows = []
    for model, recs in groups.items():
        by = {}
        for rec in recs:
            key = "manual" if rec.get("is_manual") else rec["source"]
            if key in by:
                raise ValueError(f"hardware: model {model!r} appears twice in source {key!r}")
            by[key] = rec
        row: dict = {"model": model}
        # manufacturer and kind: first record that has them, manual first
        order = [
            by[k]
            for k in ("manual", "cbeci", "asicminervalue_2025", "f2pool_2020", "bitcoin_wiki")
            if k in by
        ]
        row["manufacturer"] = order[0]["manufacturer"]
        row["kind"] = by["cbeci"]["kind"] if "cbeci" in by else "asic"
        # specifications
        spec_key = next(
            (k for k in SPEC_PRECEDENCE if k in by and _num(by[k], "hashrate_ths") is not None),
            None,
        )
        stated_key = next(
            (
                k
                for k in SPEC_PRECEDENCE
                if k in by and _num(by[k], "stated_efficiency_j_per_th") is not None
            ),
            None,
        )
        hashrate = _num(by[spec_key], "hashrate_ths") if spec_key else None
        power = _num(by[spec_key], "power_w") if spec_key else None
        if hashrate is not None and power is not None:
            eff, eff_key = power / hashrate, spec_key
        elif spec_key and _num(by[spec_key], "stated_efficiency_j_per_th") is not None:
            eff, eff_key = by[spec_key]["stated_efficiency_j_per_th"], spec_key
        elif "cbeci" in by:
            eff, eff_key = by["cbeci"]["efficiency_j_per_th"], "cbeci"
        elif stated_key:
            eff, eff_key = by[stated_key]["stated_efficiency_j_per_th"], stated_key
        else:
            raise ValueError(f"hardware: model {model!r} has no efficiency in any source")
        row.update(
            hashrate_ths=np.nan if hashrate is None else hashrate,
            power_w=np.nan if power is None else power,
            efficiency_j_per_th=float(eff),
        )
        spec_src = eff_key
        # release date
        date_key = next(
            (k for k in DATE_PRECEDENCE if k in by and pd.notna(by[k].get("release_date", pd.NaT))),
            None,
        )
        row["release_date"] = by[date_key]["release_date"] if date_key else pd.NaT
        row["release_date_precision"] = (
            by[date_key]["release_date_precision"] if date_key else "unknown"
        )
        # cooling: stated (manual, asicminervalue) or inferred from the name; otherwise air for ASICs.
        # A manual "unknown" leaves it empty.
        cooling = next(
            (
                by[k].get("cooling")
                for k in ("manual", "asicminervalue_2025")
                if k in by and by[k].get("cooling")
            ),
            None,
        )
        if cooling is None and row["kind"] == "asic":
            cooling = _cooling_from_name(model) or "air"
        row["cooling"] = None if cooling == "unknown" else cooling
        # CBECI columns
        cb = by.get("cbeci")
        row["in_cbeci_2019"] = cb is not None
        for col in (
            "cbeci_name",
            "cbeci_efficiency_j_per_th",
            "cbeci_release_date",
            "cbeci_release_unix_s",
        ):
            row[col] = cb[col] if cb else None

        # provenance
        if spec_src == "manual":
            row["spec_source"] = by["manual"]["source"]
        else:
            row["spec_source"] = spec_src
        if date_key == "manual":
            row["date_source"] = by["manual"]["date_source"]
        else:
            row["date_source"] = date_key
        keys, urls = [], []
        for k in ("manual", "cbeci", "f2pool_2020", "asicminervalue_2025", "bitcoin_wiki"):
            if k not in by:
                continue
            if k == "manual":
                for kk, uu in (("source", "source_url"), ("date_source", "date_source_url")):
                    if by[k].get(kk) and by[k][kk] not in keys:
                        keys.append(by[k][kk])
                        urls.append(by[k][uu])
            else:
                keys.append(k)
                urls.append(SOURCE_URLS[k])
        row["source"] = ";".join(keys)
        row["source_url"] = " ; ".join(urls)
        notes = [r["notes"] for r in order if r.get("notes")]
        row["notes"] = " | ".join(notes) if notes else None
        announced = pd.notna(row["release_date"]) and row["release_date"] > AMV_SNAPSHOT
        row["announced"] = bool(announced)
        rows.append(row)
    frame = pd.DataFrame(rows)
    return frame


def assemble(shared: Path, manual: Path = MANUAL) -> tuple[pd.DataFrame, list[str]]:
    """The merged catalogue (sorted, final columns) and the names of dropped Wiki rows."""
    manual_recs = read_manual(manual)
    for rec in manual_recs:
        rec["is_manual"] = True
    wiki, dropped = read_wiki(shared)
    records = [
        *read_cbeci(shared),
        *read_f2pool(shared),
        *read_asicminervalue(shared),
        *wiki,
        *manual_recs,
    ]
    frame = _merge(records)
    frame["_nodate"] = frame["release_date"].isna()
    frame = frame.sort_values(
        ["_nodate", "release_date", "manufacturer", "model"], kind="mergesort"
    )
    frame = frame.drop(columns="_nodate").reset_index(drop=True)
    frame["cbeci_release_unix_s"] = frame["cbeci_release_unix_s"].astype("Int64")
    for col in ("release_date", "cbeci_release_date"):
        frame[col] = pd.to_datetime(frame[col])
    return frame[COLUMNS], dropped


def build(shared_data: Path, out_dir: Path) -> list[Path]:
    """Write ``hardware_2026-11.csv`` into ``out_dir`` and return its path."""
    frame, _ = assemble(shared_data)
    return [write_table(frame, out_dir, FILENAME, float_format="%.10g")]
