"""Kommun lookup throughput on one core.

Run from the project directory: ``.venv/bin/python bench/bench_kommun_lookup.py [N]``.
Prints lookups/s for the scalar ``kommun_at``, the vectorised ``kommuner_at`` and, for
comparison, a bare shapely STRtree query. Never asserts on time.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import best_rate, print_table, setup_django  # noqa: E402

# Sweden's bounding box (WGS84) and a few known points.
BBOX = (55.33, 10.95, 69.06, 24.18)  # min lat, min lon, max lat, max lon
KNOWN = [
    (60.6167, 16.7667),  # Sandviken
    (59.3293, 18.0686),  # Stockholm
    (57.7089, 11.9746),  # Göteborg
    (67.8558, 20.2253),  # Kiruna
    (57.6348, 18.2948),  # Visby
    (58.5, 19.5),  # Östersjön
]


def main(n: int = 200_000) -> None:
    setup_django()
    import numpy as np
    import shapely

    from sambruk.core.organisations import geo

    start = time.perf_counter()
    index = geo.get_index()
    build_s = time.perf_counter() - start

    rng = np.random.default_rng(2181)
    lats = rng.uniform(BBOX[0], BBOX[2], n)
    lons = rng.uniform(BBOX[1], BBOX[3], n)
    lats[: len(KNOWN) * 100] = [lat for lat, _ in KNOWN] * 100
    lons[: len(KNOWN) * 100] = [lon for _, lon in KNOWN] * 100
    lat_list, lon_list = lats.tolist(), lons.tolist()
    hits = geo.kommuner_at(lat_list, lon_list)
    inside = [i for i, code in enumerate(hits) if code is not None]
    in_lats = [lat_list[i] for i in inside]
    in_lons = [lon_list[i] for i in inside]
    points = shapely.points(lons, lats)
    tree = index.tree
    kommun_at = geo.kommun_at

    def scalar_all():
        for lat, lon in zip(lat_list, lon_list):  # noqa: B905
            kommun_at(lat, lon)
        return n

    def scalar_inside():
        for lat, lon in zip(in_lats, in_lons):  # noqa: B905
            kommun_at(lat, lon)
        return len(in_lats)

    def vectorised():
        geo.kommuner_at(lats, lons)
        return n

    def bare_tree():
        query = tree.query
        for p in points:
            query(p, predicate="intersects")
        return n

    def point_and_tree():
        query, point = tree.query, shapely.Point
        for lat, lon in zip(lat_list, lon_list):  # noqa: B905
            query(point(lon, lat), predicate="intersects")
        return n

    rows = []
    for label, fn, repeat in [
        ("kommun_at (scalar, bbox points)", scalar_all, 5),
        ("kommun_at (scalar, points inside Sweden)", scalar_inside, 5),
        ("kommuner_at (vectorised, one call)", vectorised, 5),
        ("bare STRtree.query(Point) [comparison]", bare_tree, 3),
        ("Point() + STRtree.query [comparison]", point_and_tree, 3),
    ]:
        best, median = best_rate(fn, repeat=repeat)
        rows.append([label, best, median, 1e6 / best])

    print(f"Kommun lookup, {n} random points in Sweden's bbox ({len(inside)} inside a kommun)")
    print(f"Index build (once per process): {build_s * 1000:.0f} ms")
    known = [geo.kommun_at(lat, lon) or "–" for lat, lon in KNOWN]
    print("Known points (Sandviken, Stockholm, Göteborg, Kiruna, Visby, Östersjön):", *known)
    print_table(
        "Lookups per second, one core",
        ["variant", "best/s", "median/s", "µs/lookup"],
        rows,
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
