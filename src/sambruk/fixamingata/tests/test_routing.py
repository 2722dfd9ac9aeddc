import pytest

from sambruk.fixamingata.errors import ReportError
from sambruk.fixamingata.models import Category
from sambruk.fixamingata.routing import bodies_for_point, categories_for_point

from .factories import (
    ABROAD,
    BORDER_GAVLE,
    BORDER_SANDVIKEN,
    GAVLE,
    ROAD,
    SANDVIKEN,
    SEA,
)


def names(cats):
    return [(c.body.organisation.slug, c.name) for c in cats]


def test_sandviken_point_gets_kommun_and_trafikverket(world):
    assert bodies_for_point(*SANDVIKEN) == [world.sandviken_body, world.tv_body]
    assert sorted(names(categories_for_point(*SANDVIKEN))) == [
        ("sandviken", "Gatubelysning"),
        ("sandviken", "Hål i vägen"),
        ("sandviken", "Klotter"),
        ("trafikverket", ROAD),
    ]


def test_gavle_has_its_own_category_set(world):
    got = names(categories_for_point(*GAVLE))
    assert ("gavle", "Snöröjning") in got
    assert ("trafikverket", ROAD) in got
    assert not any(slug == "sandviken" for slug, _ in got)


@pytest.mark.parametrize(
    ("point", "slug"), [(BORDER_SANDVIKEN, "sandviken"), (BORDER_GAVLE, "gavle")]
)
def test_border_points_go_to_the_kommun_they_lie_in(world, point, slug):
    bodies = bodies_for_point(*point)
    assert bodies[0].organisation.slug == slug
    assert {c.body.organisation.slug for c in categories_for_point(*point)} == {
        slug,
        "trafikverket",
    }


@pytest.mark.parametrize("point", [SEA, ABROAD, (0.0, 0.0)])
def test_outside_sweden_is_refused_in_swedish(world, point):
    with pytest.raises(ReportError, match="Platsen ligger inte i någon svensk kommun."):
        categories_for_point(*point)


def test_bad_coordinates_are_refused(world):
    with pytest.raises(ReportError, match="Ogiltig koordinat"):
        bodies_for_point(200, 16)


def test_inactive_bodies_and_categories_are_not_offered(world):
    world.tv_body.active = False
    world.tv_body.save()
    Category.objects.filter(name="Klotter", body=world.sandviken_body).update(active=False)
    got = names(categories_for_point(*SANDVIKEN))
    assert got == [("sandviken", "Gatubelysning"), ("sandviken", "Hål i vägen")]


def test_prefer_if_multiple_decides_a_shared_category_name(world):
    Category.objects.create(body=world.tv_body, name="Gatubelysning", code="tv-ljus")
    # Without a preference the kommun's category wins.
    got = names(categories_for_point(*SANDVIKEN))
    assert got.count(("sandviken", "Gatubelysning")) == 1
    assert ("trafikverket", "Gatubelysning") not in got
    # Saved as the configuration pages and the admin do (a save clears the routing cache).
    preferred = Category.objects.get(code="tv-ljus")
    preferred.prefer_if_multiple = True
    preferred.save()
    got = names(categories_for_point(*SANDVIKEN))
    assert ("trafikverket", "Gatubelysning") in got
    assert ("sandviken", "Gatubelysning") not in got
