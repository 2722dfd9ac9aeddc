import math
import threading

import pytest

from sambruk.core.organisations import geo

EXAMPLES = [
    pytest.param(60.6167, 16.7667, "2181", id="sandviken"),
    pytest.param(59.3293, 18.0686, "0180", id="stockholm"),
    pytest.param(57.7089, 11.9746, "1480", id="goteborg"),
    pytest.param(67.8558, 20.2253, "2584", id="kiruna"),
    pytest.param(57.6348, 18.2948, "0980", id="visby"),
    pytest.param(58.5, 19.5, None, id="ostersjon"),
    pytest.param(60.1699, 24.9384, None, id="helsingfors"),
    pytest.param(0.0, 0.0, None, id="null-island"),
]


@pytest.mark.parametrize(("lat", "lon", "expected"), EXAMPLES)
def test_kommun_at(lat, lon, expected):
    assert geo.kommun_at(lat, lon) == expected


@pytest.mark.parametrize(("lat", "lon", "expected"), EXAMPLES)
def test_kommuner_at_agrees(lat, lon, expected):
    assert geo.kommuner_at([lat], [lon]) == [expected]


def test_int_and_numpy_input():
    np = pytest.importorskip("numpy")
    assert geo.kommun_at(np.float64(60.6167), np.float32(16.7667)) == "2181"
    assert geo.kommun_at(60, 17) == geo.kommun_at(60.0, 17.0)


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (math.nan, 16.0),
        (60.0, math.nan),
        (math.inf, 16.0),
        (60.0, -math.inf),
        (200.0, 16.0),
        (-90.5, 16.0),
        (60.0, 180.5),
        ("60.6", "16.7"),
        (None, 16.0),
        (True, 16.0),
    ],
)
def test_bad_input_raises(lat, lon):
    with pytest.raises(ValueError, match="Ogiltig koordinat"):
        geo.kommun_at(lat, lon)


@pytest.mark.parametrize(
    ("lats", "lons"), [([60.0, math.nan], [16.0, 16.0]), ([200.0], [16.0]), (["x"], [1.0])]
)
def test_vectorised_bad_input_raises(lats, lons):
    with pytest.raises(ValueError):
        geo.kommuner_at(lats, lons)


def test_scalar_and_vectorised_agree_on_random_points():
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(12345)
    lats = rng.uniform(55.0, 69.5, 20_000).tolist()
    lons = rng.uniform(10.5, 24.5, 20_000).tolist()
    scalar = [geo.kommun_at(a, b) for a, b in zip(lats, lons, strict=True)]
    assert scalar == geo.kommuner_at(lats, lons)
    assert 0.3 < sum(c is not None for c in scalar) / len(scalar) < 0.7


def test_index_is_built_once_across_threads(monkeypatch):
    monkeypatch.setattr(geo, "_index", None)
    built = []
    real_build = geo._build

    def counting_build():
        built.append(1)
        return real_build()

    monkeypatch.setattr(geo, "_build", counting_build)
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(geo.kommun_at(60.6167, 16.7667)))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["2181"] * 8
    assert len(built) == 1


@pytest.mark.django_db
def test_organisation_at(org_factory):
    assert geo.organisation_at(60.6167, 16.7667) is None
    org = org_factory(name="Sandvikens kommun", slug="sandvikens-kommun", kommunkod="2181")
    assert geo.organisation_at(60.6167, 16.7667) == org
    assert geo.organisation_at(58.5, 19.5) is None
