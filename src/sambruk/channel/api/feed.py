"""``/api/events/``: the organisation's case events as JSON or Atom, paged with ``after``.

``after`` is an opaque, signed cursor naming the organisation and the last sequence number
seen. Entries are numbered per organisation without gaps in commit order, so following
``next`` never skips or repeats an entry, and requesting the same ``after`` again gives the
same page (plus entries published since, if the page was not full). A cursor that was
tampered with, is malformed, or belongs to another organisation answers ``400``
(``code: invalid_cursor``). ``?format=atom`` (or ``Accept: application/atom+xml``) gives
Atom (RFC 4287).
"""

from __future__ import annotations

import json
import logging

from django.core import signing
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from lxml import etree
from rest_framework import exceptions, mixins, renderers, serializers, viewsets
from rest_framework.response import Response

from sambruk.core.authz.drf import HasPermission, RestrictedQuerysetMixin

from .. import roles
from ..models import FeedEntry
from ..services.webhooks import entry_json
from .common import acting_organisation

log = logging.getLogger(__name__)

CURSOR_SALT = "sambruk.channel.feed.after"
DEFAULT_PAGE = 100
MAX_PAGE = 1000
ATOM_NS = "http://www.w3.org/2005/Atom"


def make_cursor(org_id: int, seq: int) -> str:
    return signing.dumps([org_id, seq], salt=CURSOR_SALT, compress=False)


def read_cursor(value: str, org_id: int) -> int:
    try:
        cursor_org, seq = signing.loads(value, salt=CURSOR_SALT)
        cursor_org, seq = int(cursor_org), int(seq)
    except (signing.BadSignature, ValueError, TypeError):
        log.warning("feed: malformed cursor refused")
        raise _cursor_error() from None
    if cursor_org != org_id or seq < 0:
        log.warning("feed: cursor of organisation %s used for %s", cursor_org, org_id)
        raise _cursor_error()
    return seq


def _cursor_error():
    return exceptions.ValidationError(
        {"after": [_("Ogiltig markör. Använd värdet från next i ett tidigare svar.")]},
        code="invalid_cursor",
    )


class FeedEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = FeedEntry
        fields = ["id", "seq", "name", "case_id", "case_reference", "at", "data"]


class AtomRenderer(renderers.BaseRenderer):
    media_type = "application/atom+xml"
    format = "atom"
    charset = None  # the XML declaration says utf-8

    def render(self, data, accepted_media_type=None, renderer_context=None):
        feed = (data or {}).get("atom") if isinstance(data, dict) else None
        if feed is None:  # an error: the one error shape, as JSON
            response = (renderer_context or {}).get("response")
            if response is not None:
                response["Content-Type"] = "application/json"
            return renderers.JSONRenderer().render(data)
        return atom_document(**feed)


def _text(parent, tag, text, **attrs):
    el = etree.SubElement(parent, f"{{{ATOM_NS}}}{tag}", **attrs)
    if text is not None:
        el.text = text
    return el


def atom_document(*, feed_id, title, updated, self_url, next_url, entries) -> bytes:
    """An RFC 4287 feed: id, title, updated, link rel=self/next, one entry per event."""
    root = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    _text(root, "id", feed_id)
    _text(root, "title", title)
    _text(root, "updated", updated.isoformat())
    _text(root, "author", None).append(_name("Sambruk"))
    _text(root, "link", None, rel="self", href=self_url, type="application/atom+xml")
    if next_url:
        _text(root, "link", None, rel="next", href=next_url, type="application/atom+xml")
    for item in entries:
        entry = _text(root, "entry", None)
        _text(entry, "id", item["id"])
        reference = item["case"]["reference"] if item["case"] else ""
        _text(entry, "title", f"{item['event']} {reference}".strip())
        _text(entry, "updated", item["at"].isoformat())
        _text(entry, "category", None, term=item["event"])
        _text(entry, "content", json.dumps(item, cls=DjangoJSONEncoder), type="text")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _name(value):
    el = etree.Element(f"{{{ATOM_NS}}}name")
    el.text = value
    return el


class FeedViewSet(
    RestrictedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The organisation's case events, oldest first."""

    queryset = FeedEntry.objects.all()
    serializer_class = FeedEntrySerializer
    permission_classes = [HasPermission]
    required_permission = roles.VIEW_FEED
    renderer_classes = [renderers.JSONRenderer, AtomRenderer]
    pagination_class = None

    @extend_schema(
        parameters=[
            OpenApiParameter("after", OpenApiTypes.STR, description="Markör från next."),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="1–1000, standard 100."),
            OpenApiParameter("organisation", OpenApiTypes.INT, description="Vid flera."),
        ]
    )
    def list(self, request, *args, **kwargs):
        params = request.query_params
        org = acting_organisation(request, roles.VIEW_FEED, params.get("organisation"))
        after = read_cursor(params["after"], org.pk) if params.get("after") else 0
        try:
            size = int(params.get("page_size", DEFAULT_PAGE))
        except ValueError:
            raise exceptions.ValidationError({"page_size": [_("Ange ett heltal.")]}) from None
        if not 1 <= size <= MAX_PAGE:
            raise exceptions.ValidationError(
                {"page_size": [_("Mellan 1 och %(max)d.") % {"max": MAX_PAGE}]}
            )
        page = list(
            self.get_queryset().filter(organisation=org, seq__gt=after).order_by("seq")[: size + 1]
        )
        has_more = len(page) > size
        page = page[:size]
        last = page[-1].seq if page else after
        next_cursor = make_cursor(org.pk, last)
        base = request.build_absolute_uri(request.path)
        fmt = "&format=atom" if getattr(request.accepted_renderer, "format", "") == "atom" else ""
        next_url = f"{base}?after={next_cursor}&page_size={size}{fmt}"
        items = [entry_json(e) for e in page]
        if isinstance(request.accepted_renderer, AtomRenderer):
            return Response(
                {
                    "atom": {
                        "feed_id": f"urn:sambruk:feed:{org.pk}",
                        "title": _("Ärendehändelser – %(organisation)s")
                        % {"organisation": org.name},
                        "updated": page[-1].at if page else timezone.now(),
                        "self_url": request.build_absolute_uri(),
                        "next_url": next_url,
                        "entries": items,
                    }
                }
            )
        results = []
        for entry, item in zip(page, items, strict=True):
            results.append({**FeedEntrySerializer(entry).data, "urn": item["id"]})
        return Response(
            {"next": next_url, "after": next_cursor, "has_more": has_more, "results": results}
        )
