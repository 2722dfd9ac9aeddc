"""``{% eforms_staff_nav "forms" %}``: the staff sub-navigation of the e-service module
(form editor, publisher, public catalogue), each entry only with its permission."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from sambruk.core.authz.permissions import has_perm

from ..roles import MANAGE_ESERVICES, MANAGE_FORMS

register = template.Library()


@register.inclusion_tag("eforms/includes/staff_nav.html", takes_context=True)
def eforms_staff_nav(context, current: str = ""):
    user = context["request"].user
    entries = []
    if has_perm(user, MANAGE_FORMS):
        entries.append(("forms", _("Formulär"), reverse("eforms:editor-list")))
    if has_perm(user, MANAGE_ESERVICES):
        entries.append(("eservices", _("E-tjänster"), reverse("eforms:publisher-list")))
    entries.append(("catalogue", _("E-tjänstkatalogen (invånare)"), reverse("eforms:catalogue")))
    return {
        "entries": [
            {"code": code, "label": label, "url": url, "current": code == current}
            for code, label, url in entries
        ]
    }
