"""``{% eforms_map_config as map %}``: the tile server of the location field's map picker.

The e-services reuse FixaMinGata's map settings (``FIXAMINGATA_TILE_URL``,
``FIXAMINGATA_TILE_ATTRIBUTION``), which the Content-Security-Policy already allows."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()

#: Sweden: the map's initial view when the field has no point yet.
SWEDEN_CENTRE = (62.5, 16.5)


@register.simple_tag
def eforms_map_config() -> dict:
    return {
        "tile_url": getattr(settings, "FIXAMINGATA_TILE_URL", ""),
        "tile_attribution": getattr(settings, "FIXAMINGATA_TILE_ATTRIBUTION", ""),
        "centre_lat": SWEDEN_CENTRE[0],
        "centre_lon": SWEDEN_CENTRE[1],
    }
