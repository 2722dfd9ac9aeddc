"""Permissions of FixaMinGata, added to the kernel's roles."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sambruk.core.accounts.roles import register_role

VIEW = {
    "fixamingata.view_report",
    "fixamingata.view_reportphoto",
    "fixamingata.view_update",
    "fixamingata.view_questionnaire",
    "fixamingata.view_body",
    "fixamingata.view_category",
    "fixamingata.view_responsetemplate",
}
CHANGE_REPORT = "fixamingata.change_report"
MODERATE = "fixamingata.moderate"
MANAGE_CONFIG = "fixamingata.manage_config"
#: Scopes of an Open311 API client (POST requests, POST servicerequestupdates).
SUBMIT_REPORT = "fixamingata.submit_report"
POST_UPDATE = "fixamingata.post_update"

register_role(
    "caseworker", _("Handläggare"), VIEW | {CHANGE_REPORT, MODERATE}, module="fixamingata"
)
register_role(
    "org_admin", _("Administratör"), VIEW | {MANAGE_CONFIG, MODERATE}, module="fixamingata"
)
register_role(
    "open311_client",
    _("Open311-klient"),
    {SUBMIT_REPORT, POST_UPDATE, "fixamingata.view_report"},
    module="fixamingata",
    description=_("Behörigheter för API-klienter som lämnar rapporter via Open311."),
)
