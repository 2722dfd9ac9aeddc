"""RSS and Atom feeds of new public reports, for all of Sweden and per kommun."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from sambruk.core.organisations.models import Organisation

from .models import Report

FEED_SIZE = 20


class ReportsFeed(Feed):
    def get_object(self, request, kommunkod=None):
        if kommunkod is None:
            return None
        return get_object_or_404(Organisation, type="kommun", kommunkod=kommunkod)

    def title(self, obj):
        if obj is None:
            return _("FixaMinGata: nya rapporter")
        return _("FixaMinGata: nya rapporter i %(k)s") % {"k": obj.name}

    def link(self, obj):
        if obj is None:
            return reverse("fixamingata:browse")
        return reverse("fixamingata:kommun", kwargs={"kommunkod": obj.kommunkod})

    def description(self, obj):
        return _("Rapporterade fel i gatumiljön, de senaste först.")

    def items(self, obj):
        qs = Report.objects.public().select_related("category", "kommun")
        if obj is not None:
            qs = qs.filter(kommun=obj)
        return qs.order_by("-confirmed_at", "-pk")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return (
            f"{item.category.name}, {item.kommun.name}: {item.get_state_display()}. {item.detail}"
        )

    def item_link(self, item):
        return reverse("fixamingata:report", kwargs={"pk": item.pk})

    def item_pubdate(self, item):
        return item.confirmed_at or item.created_at

    def item_updateddate(self, item):
        return item.updated_at


class AtomReportsFeed(ReportsFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)
