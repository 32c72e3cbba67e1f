"""Scenario files for the world policy simulator: pydantic models and a TOML loader.

A scenario is a TOML file with a ``[scenario]`` table (name, period), a ``[price]``
table (the BTC price path after the last data point), an optional ``[parameters]``
table (overrides of the behavioural parameters in
:data:`hashcarbon.models.world.params.DEFAULTS`) and a list of ``[[policy]]`` tables.
Built-in scenarios live in ``hashcarbon/scenarios/*.toml``; :func:`load_scenario`
accepts a built-in name, a path or a :class:`Scenario`.

Every problem with a file raises :class:`hashcarbon.errors.ScenarioError` with a
one-line message that names the file and the field, for example::

    my.toml: policy[1].start: expected a date such as 2021-06 or 2021-06-09, got 'June'

Examples
--------
>>> from hashcarbon.scenario import load_scenario
>>> s = load_scenario("china-ban-2021")
>>> s.scenario.name
'china-ban-2021'
>>> sorted({p.type for p in s.policy})[:3]
['ban', 'cap', 'tariff']
"""

from __future__ import annotations

import datetime as _dt
import re
import stat
import tomllib
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from hashcarbon import dates
from hashcarbon.errors import InputError, ScenarioError

__all__ = [
    "BUILTIN_DIR",
    "Scenario",
    "builtin_names",
    "load_scenario",
    "parse_scenario",
]

#: Package folder holding the built-in scenario files.
BUILTIN_DIR = "scenarios"

_DATE_RE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


def _to_month(value: Any) -> str:
    """Normalise a date (``2021``, ``2021-06``, ``2021-06-09`` or a TOML date) to ``YYYY-MM-DD``.

    Parsed by :mod:`hashcarbon.dates` (bounds 2009-01 to 2050-12); a ``ValueError`` (an
    ``InputError``) becomes the field's one-line message.
    """
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, str) and not _DATE_RE.match(value.strip()) and not value.strip().isdigit():
        raise ValueError(f"expected a date such as 2021-06 or 2021-06-09, got {value!r}")
    try:
        return f"{dates.first_day(value, 'date'):%Y-%m-%d}"
    except InputError as exc:
        raise ValueError(str(exc).removeprefix("date: ")) from None


class _Strict(BaseModel):
    # strict: a TOML ``true`` is not the number 1.0 and ``"0.5"`` is not 0.5 (ints are
    # still floats); dates are normalised by the ``mode="before"`` validators.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ScenarioMeta(_Strict):
    """The ``[scenario]`` table."""

    name: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.\-]+$")
    description: str = ""
    extends: str | None = None
    start: str = "2014-01-01"
    end: str = "2035-12-01"

    @field_validator("start", "end", mode="before")
    @classmethod
    def _norm(cls, v: Any) -> str:
        return _to_month(v)

    @model_validator(mode="after")
    def _order(self) -> ScenarioMeta:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        if self.start < "2014-01-01":
            raise ValueError(f"start ({self.start}) must be 2014-01 or later")
        if self.end > "2050-12-31":
            raise ValueError(f"end ({self.end}) must be 2050-12 or earlier")
        return self


class PricePath(_Strict):
    """The ``[price]`` table: BTC price after the last data point (the model does not predict it).

    ``flat`` holds the last observed monthly price; ``trend`` grows it at ``drift_per_yr``
    (continuously compounded); ``stochastic`` is a seeded geometric random walk with
    log-drift ``drift_per_yr`` and volatility ``vol_per_yr`` (both [1/yr]).
    """

    path: Literal["flat", "trend", "stochastic"] = "stochastic"
    drift_per_yr: float = Field(0.0, ge=-2.0, le=2.0)
    vol_per_yr: float = Field(0.6, ge=0.0, le=3.0)
    fees_btc_per_day: float | None = Field(None, ge=0.0, le=1e5)


class _PolicyBase(_Strict):
    regions: list[str] = Field(min_length=1)
    start: str
    end: str | None = None
    months: list[Annotated[int, Field(ge=1, le=12)]] | None = None
    source: str = ""

    @field_validator("start", "end", mode="before")
    @classmethod
    def _norm(cls, v: Any) -> str | None:
        return None if v is None else _to_month(v)

    @model_validator(mode="after")
    def _order(self):
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        return self


class Ban(_PolicyBase):
    """Mining prohibited in ``regions`` from ``start`` (ramped over ``ramp_months``).

    The banned share of the regions' load rises by ``1 / ramp_months`` each calendar
    month from the month of ``start`` and is 1 from the ``ramp_months``-th; with the world
    model's ``ban_partial_months`` = 1 (shipped since round 11) the first month counts with
    the share of its days from ``start`` on (before: ``start`` rounded to the nearest month
    start).

    Displaced capacity leaves each month at rate ``1 / exit_months``; of what leaves,
    ``relocate_share`` is shipped abroad (arriving after the model parameter
    ``relocation_delay_months``), ``underground_share`` re-enters China's underground
    region after ``underground_delay_months`` (outside China it is relocated), and the
    rest is scrapped.
    """

    type: Literal["ban"]
    ramp_months: int = Field(1, ge=1, le=60)
    relocate_share: float = Field(0.6, ge=0.0, le=1.0)
    underground_share: float = Field(0.25, ge=0.0, le=1.0)
    exit_months: float = Field(1.0, ge=1.0, le=36.0)

    @model_validator(mode="after")
    def _shares(self):
        if self.relocate_share + self.underground_share > 1.0 + 1e-9:
            raise ValueError(
                "relocate_share + underground_share must not exceed 1 "
                f"(got {self.relocate_share} + {self.underground_share})"
            )
        return self


class CleanExemption(_PolicyBase):
    """Under a ban, capacity backed by ``supply`` may still run in ``regions``.

    ``supply = "curtailed"``: only the curtailed-hydro volume of the month (from the
    curtailment table); ``"clean"``: the region's sustainable share of its mining cap.
    ``metering_leak`` is the extra grid (non-exempt) load that metering fails to stop,
    as a fraction of the exempt load; it is charged at the region's average intensity.
    ``dry_season = "idle"``: capacity that the exemption cannot power waits in place for
    the next wet season; ``"leave"``: it leaves like the ban's displaced capacity.
    """

    type: Literal["clean_exemption"]
    supply: Literal["curtailed", "clean"] = "curtailed"
    metering_leak: float = Field(0.1, ge=0.0, le=5.0)
    dry_season: Literal["idle", "leave"] = "idle"


class SiteCap(_PolicyBase):
    """Site regulation: ``regions`` together may hold at most ``max_share`` of ``group``'s capacity."""

    type: Literal["site_cap"]
    group: list[str] = Field(min_length=1)
    max_share: float = Field(ge=0.0, le=1.0)


class MinEfficiency(_PolicyBase):
    """Market access: machines less efficient than ``max_j_per_th`` may not run in ``regions``."""

    type: Literal["min_efficiency"]
    max_j_per_th: float = Field(gt=0.0, le=1e6)


class CarbonTax(_PolicyBase):
    """Carbon tax on mining electricity in ``regions``. [USD/tCO2e]"""

    type: Literal["carbon_tax"]
    usd_per_t: float = Field(ge=0.0, le=10_000.0)


class Tariff(_PolicyBase):
    """Differential tariff added to the miners' electricity price in ``regions``. [USD/kWh]"""

    type: Literal["tariff"]
    add_usd_per_kwh: float = Field(ge=-1.0, le=5.0)


class Cap(_PolicyBase):
    """Power available to mining in ``regions`` limited to ``cap_gw`` (per region). [GW]

    ``cap_gw = 0`` with ``months`` is a seasonal ban of grid supply (displaced capacity
    waits idle unless ``idle = false``, in which case it leaves like a ban's, all relocated).
    """

    type: Literal["cap"]
    cap_gw: float = Field(ge=0.0, le=1_000.0)
    idle: bool = True


Policy = Annotated[
    Ban | CleanExemption | SiteCap | MinEfficiency | CarbonTax | Tariff | Cap,
    Field(discriminator="type"),
]


class Scenario(_Strict):
    """A validated scenario: metadata, price path, parameter overrides, policies."""

    scenario: ScenarioMeta
    price: PricePath = PricePath()
    parameters: dict[str, float] = Field(default_factory=dict)
    policy: list[Policy] = Field(default_factory=list)

    @property
    def name(self) -> str:
        return self.scenario.name


def _loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in {
            "ban",
            "clean_exemption",
            "site_cap",
            "min_efficiency",
            "carbon_tax",
            "tariff",
            "cap",
        } and out.endswith("]"):
            continue  # discriminator tag inserted by pydantic
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _one_line(where: str, exc: ValidationError) -> str:
    err = exc.errors(include_url=False)[0]
    msg = err.get("msg", "invalid value")
    msg = msg.removeprefix("Value error, ")
    field = _loc(tuple(err.get("loc", ())))
    if err.get("type") == "union_tag_invalid" or err.get("type") == "union_tag_not_found":
        msg = (
            "policy type must be one of ban, clean_exemption, site_cap, min_efficiency, "
            "carbon_tax, tariff, cap"
        )
    if err.get("type") == "extra_forbidden":
        msg = "unknown field"
    if err.get("type") == "missing":
        msg = "required field is missing"
    elif err.get("type", "").endswith(("_type", "_parsing")) and isinstance(
        err.get("input"), (bool, int, float, str)
    ):
        shown = repr(err["input"]).replace("True", "true").replace("False", "false")
        msg = f"{msg} (got {shown[:40]})"
    extra = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    return f"{where}: {field}: {msg}{extra}"


def parse_scenario(
    data: dict[str, Any], where: str = "scenario", folder: Path | None = None
) -> Scenario:
    """Validate a scenario given as a dict (the parsed TOML); raise a one-line ScenarioError.

    ``folder`` is the directory of the file the dict came from: ``extends = "x.toml"``
    is looked up there (and nowhere else); without it only built-in names are allowed.
    """
    if not isinstance(data, dict):
        raise ScenarioError(f"{where}: expected a table of scenario fields")
    own = data.get("policy")
    n_own = len(own) if isinstance(own, list) else 0
    data = _merge_extends(data, where, folder=folder)
    merged = data.get("policy")
    n_base = (len(merged) - n_own) if isinstance(merged, list) else 0

    def renumber(msg: str) -> str:
        # policies inherited through `extends` come first; report the file's own index
        def fix(m: re.Match) -> str:
            i = int(m.group(1))
            return f"policy[{i - n_base}]" if i >= n_base else f"(extends) policy[{i}]"

        return re.sub(r"policy\[(\d+)\]", fix, msg) if n_base else msg

    try:
        scen = Scenario.model_validate(data)
    except RecursionError:
        raise ScenarioError(f"{where}: nested too deeply") from None
    except ValidationError as exc:
        raise ScenarioError(renumber(_one_line(where, exc))) from None
    except (TypeError, ValueError) as exc:  # defensive: never a traceback for user input
        raise ScenarioError(f"{where}: {exc}") from None
    # Region names and parameter names are checked against the model's tables.
    from hashcarbon.models.world.inputs import region_codes
    from hashcarbon.models.world.params import DEFAULTS, check_parameters

    codes = set(region_codes())
    for i, pol in enumerate(scen.policy):
        for field in ("regions", "group"):
            names = getattr(pol, field, None) or []
            for r in names:
                if r != "all" and r not in codes:
                    raise ScenarioError(
                        renumber(
                            f"{where}: policy[{i}].{field}: unknown region {r!r} "
                            f"(expected 'all' or one of {', '.join(sorted(codes))})"
                        )
                    )
    try:
        check_parameters(scen.parameters)
    except ScenarioError as exc:
        raise ScenarioError(f"{where}: parameters.{exc}") from None
    del DEFAULTS
    return scen


def builtin_names() -> list[str]:
    """Names of the built-in scenarios (``no-ban``, ``china-ban-2021``, ...).

    Files whose name starts with ``_`` (shared policy sets such as ``_history``) are
    meant for ``extends`` and are not listed.
    """
    folder = resources.files("hashcarbon") / BUILTIN_DIR
    return sorted(
        p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml") and p.name[0] != "_"
    )


#: Largest scenario file read. [bytes]  (The built-in files are under 10 kB.)
MAX_FILE_BYTES = 1_000_000
_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,79}$")


def _read_text(path: Path, where: str) -> str:
    """Read a user's scenario file: a regular file (never a FIFO or device), at most 1 MB."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ScenarioError(f"{where}: file not found") from None
    except OSError as exc:
        raise ScenarioError(f"{where}: cannot read file ({exc.strerror or exc})") from None
    if not stat.S_ISREG(st.st_mode):
        kind = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        raise ScenarioError(f"{where}: {kind}; expected a .toml file")
    if st.st_size > MAX_FILE_BYTES:
        raise ScenarioError(f"{where}: file is too large ({st.st_size:,} bytes; at most 1 MB)")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{where}: cannot read file ({type(exc).__name__})") from None


def _parse_toml(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{where}: not valid TOML ({exc})") from None
    except RecursionError:
        raise ScenarioError(f"{where}: not valid TOML (nested too deeply)") from None


def _read_builtin(name: str, where: str) -> dict[str, Any]:
    res = resources.files("hashcarbon") / BUILTIN_DIR / f"{name}.toml"
    if not res.is_file():
        raise ScenarioError(f"{where}: scenario.extends: unknown built-in scenario {name!r}")
    return _parse_toml(res.read_text(encoding="utf-8"), f"{name}.toml")


def _resolve_extends(
    base_name: Any, where: str, folder: Path | None
) -> tuple[dict, str, Path | None]:
    """Read the scenario named by ``extends``: a built-in name or a file beside ``where``.

    Only two places are searched: the built-in scenarios of the package and, for a
    name ending in ``.toml``, the directory of the file that says ``extends``.  Absolute
    paths and paths that leave that directory (``../``) are refused.
    """
    if not isinstance(base_name, str):
        raise ScenarioError(f"{where}: scenario.extends: expected a built-in scenario name")
    shown = base_name if len(base_name) <= 60 else base_name[:57] + "..."
    if base_name.endswith(".toml") and folder is not None:
        rel = Path(base_name)
        if len(base_name) > 255:
            raise ScenarioError(f"{where}: scenario.extends: file name is too long ({shown!r})")
        if rel.is_absolute() or ".." in rel.parts:
            raise ScenarioError(
                f"{where}: scenario.extends: {shown!r} is outside the directory of {where} "
                "(extends may name a built-in scenario or a .toml file in that directory)"
            )
        path = folder / rel
        return _parse_toml(_read_text(path, str(path)), str(path)), str(path), folder
    if not _NAME_RE.match(base_name) or ".." in base_name:
        raise ScenarioError(
            f"{where}: scenario.extends: {shown!r} is not a built-in scenario name "
            "(extends may name a built-in scenario"
            + (" or a .toml file in the same directory)" if folder is not None else ")")
        )
    return _read_builtin(base_name, where), f"{base_name}.toml", None


def _merge_extends(
    data: dict[str, Any], where: str, depth: int = 0, folder: Path | None = None
) -> dict[str, Any]:
    """Prepend the policies (and default the price and parameters) of ``scenario.extends``."""
    meta = data.get("scenario")
    if not isinstance(meta, dict) or not meta.get("extends"):
        return data
    if depth > 4:
        raise ScenarioError(f"{where}: scenario.extends: chain is too deep (max 4)")
    raw, base_where, base_folder = _resolve_extends(meta["extends"], where, folder)
    if not isinstance(raw.get("scenario"), dict) or (
        base_folder is None and base_where.startswith("_") and not raw.get("policy")
    ):
        # an empty or truncated base would silently drop the policies it should share
        raise ScenarioError(
            f"{base_where}: extended by {where}: the file is empty or damaged "
            "(no [scenario] table or no [[policy]] tables)"
        )
    base = _merge_extends(raw, base_where, depth + 1, base_folder)
    out = dict(data)
    pol = data.get("policy", [])
    base_pol = base.get("policy", [])
    if not isinstance(pol, list) or not isinstance(base_pol, list):
        raise ScenarioError(f"{where}: policy: expected a list of [[policy]] tables")
    out["policy"] = [*base_pol, *pol]
    if "price" not in out and "price" in base:
        out["price"] = base["price"]
    bp, op = base.get("parameters", {}), data.get("parameters", {})
    if isinstance(bp, dict) and isinstance(op, dict):
        out["parameters"] = {**bp, **op}
    return out


def load_scenario(scenario: str | Path | Scenario) -> Scenario:
    """Return a validated :class:`Scenario` from a built-in name, a TOML path or a Scenario.

    Raises
    ------
    ScenarioError
        The name is unknown, the file cannot be read or parsed (a FIFO, a device, a
        directory, over 1 MB, nested too deeply), ``extends`` points outside the built-in
        scenarios and the file's own directory, or a field is invalid (one line naming the
        file and the field).
    """
    if isinstance(scenario, Scenario):
        return scenario
    if not isinstance(scenario, (str, Path)):
        raise ScenarioError(
            f"scenario: expected a built-in name, a .toml path or a Scenario, "
            f"got {type(scenario).__name__}"
        )
    folder = None
    if isinstance(scenario, str) and not scenario.endswith(".toml") and "/" not in scenario:
        res = resources.files("hashcarbon") / BUILTIN_DIR / f"{scenario}.toml"
        if not _NAME_RE.match(scenario) or scenario.startswith("_") or not res.is_file():
            shown = scenario if len(scenario) <= 60 else scenario[:57] + "..."
            raise ScenarioError(
                f"scenario {shown!r}: unknown built-in scenario "
                f"(expected one of {', '.join(builtin_names())} or a path to a .toml file)"
            )
        text = res.read_text(encoding="utf-8")
        where = f"{scenario}.toml"
    else:
        path = Path(scenario)
        where = str(path)
        text = _read_text(path, where)
        folder = path.parent
    data = _parse_toml(text, where)
    try:
        return parse_scenario(data, where, folder=folder)
    except RecursionError:
        raise ScenarioError(f"{where}: nested too deeply") from None
