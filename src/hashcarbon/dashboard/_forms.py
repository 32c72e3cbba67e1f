"""Streamlit form widgets generated from the pydantic models of :mod:`hashcarbon.scenario`.

One widget per model field, chosen from the field's type: ``Literal`` -> select box,
``bool`` -> check box, ``int``/``float`` -> number input with the model's ``ge``/``le``
bounds, ``list[str]`` of regions -> multiselect of the world model's region codes,
``list[int]`` months -> multiselect 1-12, ``str`` (dates, notes) -> text input.  Optional
fields are left out of the table when empty.  The table the widgets produce is then
validated by :func:`hashcarbon.scenario.parse_scenario`, the CLI's validator.
"""

from __future__ import annotations

import datetime as _dt
import types
import typing
from typing import Any, Literal, get_args, get_origin

import annotated_types
import streamlit as st
from pydantic import BaseModel

from hashcarbon import scenario as _scenario

#: Values for the fields a new policy must have (the models give no default); each a
#: mid-range example the user edits, not a recommendation.
NEW_POLICY_VALUES: dict[str, Any] = {
    "regions": ["CN-SC"],
    "start": "2022-01",
    "group": ["all"],
    "max_share": 0.5,
    "max_j_per_th": 30.0,
    "usd_per_t": 50.0,
    "add_usd_per_kwh": 0.01,
    "cap_gw": 1.0,
}
#: Fields shown as wide text boxes (free notes).
_NOTE_FIELDS = {"source", "description"}


def policy_models() -> dict[str, type[BaseModel]]:
    """Policy type name -> pydantic model, read from the ``Policy`` union of scenario.py."""
    union = get_args(_scenario.Policy)[0]
    out = {}
    for cls in get_args(union):
        tag = get_args(cls.model_fields["type"].annotation)[0]
        out[tag] = cls
    return out


def _unwrap(annotation) -> tuple[Any, bool]:
    """(inner type, optional?) of ``X | None``."""
    origin = get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return (args[0] if len(args) == 1 else annotation), True
    return annotation, False


def _bounds(field) -> dict[str, float]:
    out: dict[str, float] = {}
    for m in field.metadata:
        if isinstance(m, annotated_types.Ge):
            out["min_value"] = m.ge
        elif isinstance(m, annotated_types.Gt):
            out["min_value"] = m.gt
        elif isinstance(m, annotated_types.Le):
            out["max_value"] = m.le
        elif isinstance(m, annotated_types.Lt):
            out["max_value"] = m.lt
    return out


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def field_widget(name: str, field, value: Any, key: str, region_codes: list[str]) -> Any:
    """Draw the widget of one model field and return its value (None = leave out)."""
    inner, optional = _unwrap(field.annotation)
    label = name
    origin = get_origin(inner)
    if origin is Literal:
        options = list(get_args(inner))
        idx = options.index(value) if value in options else 0
        return st.selectbox(label, options, index=idx, key=key)
    if inner is bool:
        return st.checkbox(label, value=bool(value), key=key)
    if origin is list:
        (item,) = get_args(inner)
        item = get_args(item)[0] if get_origin(item) is typing.Annotated else item
        if item is int:
            chosen = st.multiselect(label, list(range(1, 13)), default=list(value or []), key=key)
            return chosen or None if optional else chosen
        options = ["all", *region_codes]
        default = [v for v in (value or []) if v in options]
        chosen = st.multiselect(label, options, default=default, key=key)
        return chosen or (None if optional else [])
    if inner in (int, float):
        bounds = _bounds(field)
        if optional:
            text = st.text_input(label, value=_as_text(value), key=key, placeholder="(none)")
            text = text.strip()
            if not text:
                return None
            try:
                return inner(float(text)) if inner is int else float(text)
            except ValueError:
                return text  # the validator names the field and what it expects
        if inner is int:
            lo = int(bounds.get("min_value", 0))
            hi = int(bounds["max_value"]) if "max_value" in bounds else None
            v = int(value) if value is not None else lo
            return int(st.number_input(label, min_value=lo, max_value=hi, value=v, step=1, key=key))
        lo = float(bounds["min_value"]) if "min_value" in bounds else None
        hi = float(bounds["max_value"]) if "max_value" in bounds else None
        v = float(value) if value is not None else float(lo or 0.0)
        span = (hi - lo) if (hi is not None and lo is not None) else max(abs(v), 1.0)
        step = 0.01 if span <= 5 else (0.1 if span <= 100 else 1.0)
        return float(
            st.number_input(
                label, min_value=lo, max_value=hi, value=v, step=step, format="%.4g", key=key
            )
        )
    # str (dates, names, notes)
    if name in _NOTE_FIELDS:
        text = st.text_area(label, value=_as_text(value), key=key, height=68)
    else:
        text = st.text_input(label, value=_as_text(value), key=key)
    return text.strip() if text.strip() or not optional else None


def model_form(
    model: type[BaseModel],
    values: dict[str, Any],
    prefix: str,
    region_codes: list[str],
    skip: tuple[str, ...] = ("type",),
    columns: int = 3,
) -> dict[str, Any]:
    """Widgets for every field of ``model`` (current ``values``), returned as a table."""
    out: dict[str, Any] = {}
    names = [n for n in model.model_fields if n not in skip]
    notes = [n for n in names if n in _NOTE_FIELDS]
    plain = [n for n in names if n not in _NOTE_FIELDS]
    cols = st.columns(columns)
    for i, name in enumerate(plain):
        field = model.model_fields[name]
        value = values.get(name, field.default if not field.is_required() else None)
        if value is None and field.is_required():
            value = NEW_POLICY_VALUES.get(name)
        with cols[i % columns]:
            v = field_widget(name, field, value, f"{prefix}_{name}", region_codes)
        if v is not None:
            out[name] = v
    for name in notes:
        field = model.model_fields[name]
        v = field_widget(name, field, values.get(name, ""), f"{prefix}_{name}", region_codes)
        if v:
            out[name] = v
    return out


def new_policy(kind: str) -> dict[str, Any]:
    """A new policy table of type ``kind`` with the model's defaults and example values."""
    model = policy_models()[kind]
    out: dict[str, Any] = {"type": kind}
    for name, field in model.model_fields.items():
        if name == "type":
            continue
        if field.is_required():
            out[name] = NEW_POLICY_VALUES[name]
        elif field.default is not None and name != "source":
            out[name] = field.default
    return out
