"""The hex cartogram of England's upper-tier authorities, brought up to today's 153.

The bundled HexJSON (Open Innovations, MIT; ``ilacs_cli/data/README-hexmap.md``) dates from
2020. It is read as it is and patched here: recodings keep their hex, splits give the new
authorities a hex each. :func:`hexes` gives the patched map; :func:`layout` the geometry of
each hex for an SVG (pointy-top hexes, odd rows shifted right, north up).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["MOVES", "RECODES", "SPLITS", "Hex", "HexShape", "hexes", "layout"]

_FILE = "uk-upper-tier-local-authorities.hexjson"

#: old ONS code -> (new code, name): the same authority under a new code, same hex
RECODES: dict[str, tuple[str, str]] = {
    "E10000002": ("E06000060", "Buckinghamshire"),  # unitary from 2020-04-01
    "E10000023": ("E06000065", "North Yorkshire"),  # unitary from 2023-04-01
    "E10000027": ("E06000066", "Somerset"),  # unitary from 2023-04-01
    "E08000016": ("E08000038", "Barnsley"),  # boundary change, 2025-04-01
    "E08000019": ("E08000039", "Sheffield"),  # boundary change, 2025-04-01
}

#: old code -> its successors, each (code, name, q, r): the old hex is removed
SPLITS: dict[str, tuple[tuple[str, str, int, int], ...]] = {
    # 2021-04-01; the two hexes west of it are freed by MOVES
    "E10000021": (
        ("E06000061", "North Northamptonshire", 7, 6),
        ("E06000062", "West Northamptonshire", 6, 6),
    ),
    # 2023-04-01; (6, 15) is empty, north-west of Cumbria's hex
    "E10000006": (
        ("E06000063", "Cumberland", 6, 15),
        ("E06000064", "Westmorland and Furness", 6, 14),
    ),
}

#: code -> (q, r): hexes moved to make room for a split (applied before SPLITS)
MOVES: dict[str, tuple[int, int]] = {
    "E06000019": (4, 6),  # Herefordshire, one hex west
    "E10000031": (5, 6),  # Warwickshire, one hex west
}


@dataclass(frozen=True)
class Hex:
    code: str  # ONS code
    name: str
    q: int
    r: int


@cache
def _raw() -> dict[str, dict[str, object]]:
    text = resources.files("ilacs_cli").joinpath("data", _FILE).read_text("utf-8")
    data = json.loads(text)
    if data.get("layout") != "odd-r":
        raise ValueError(f"{_FILE}: expected layout odd-r, found {data.get('layout')!r}")
    hexes: dict[str, dict[str, object]] = data["hexes"]
    return hexes


@cache
def hexes() -> dict[str, Hex]:
    """Today's map: ONS code -> hex. 153 English authorities."""
    out: dict[str, Hex] = {}
    for code, h in _raw().items():
        if not code.startswith("E"):
            continue  # Wales, Scotland, Northern Ireland: no Ofsted children's services
        q, r = MOVES.get(code, (int(h["q"]), int(h["r"])))  # type: ignore[call-overload]
        name = str(h.get("n") or h.get("name") or code)
        if code in SPLITS:
            for new_code, new_name, nq, nr in SPLITS[code]:
                out[new_code] = Hex(new_code, new_name, nq, nr)
            continue
        if code in RECODES:
            code, name = RECODES[code]
        out[code] = Hex(code, name, q, r)
    cells = [(h.q, h.r) for h in out.values()]
    if len(cells) != len(set(cells)):
        raise ValueError("the hex map patch puts two authorities on one hex")
    return out


@dataclass(frozen=True)
class HexShape:
    hex: Hex
    x: float  # centre
    y: float
    points: str  # the polygon's points attribute


def layout(size: float = 14.0, margin: float = 2.0) -> tuple[list[HexShape], float, float]:
    """Each hex's centre and polygon for an SVG, and the drawing's width and height.
    Pointy-top hexes of circumradius ``size``; ``r`` grows northwards, so it is flipped."""
    all_hexes = sorted(hexes().values(), key=lambda h: (-h.r, h.q))
    w = math.sqrt(3) * size
    min_q = min(h.q for h in all_hexes)
    max_q = max(h.q for h in all_hexes)
    max_r = max(h.r for h in all_hexes)
    min_r = min(h.r for h in all_hexes)
    corners = [
        (size * math.cos(math.radians(60 * i - 30)), size * math.sin(math.radians(60 * i - 30)))
        for i in range(6)
    ]
    shapes = []
    for h in all_hexes:
        x = margin + w / 2 + w * (h.q - min_q + (0.5 if h.r % 2 else 0.0))
        y = margin + size + 1.5 * size * (max_r - h.r)
        points = " ".join(f"{x + dx:.1f},{y + dy:.1f}" for dx, dy in corners)
        shapes.append(HexShape(h, round(x, 1), round(y, 1), points))
    width = 2 * margin + w * (max_q - min_q + 1.5)
    height = 2 * margin + 2 * size + 1.5 * size * (max_r - min_r)
    return shapes, round(width, 1), round(height, 1)
