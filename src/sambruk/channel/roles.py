"""Permissions of the channel (integration points, event feed, webhooks, contact lookup)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sambruk.core.accounts.roles import register_role

VIEW_SHADOWCASE = "channel.view_shadowcase"
CHANGE_SHADOWCASE = "channel.change_shadowcase"
VIEW_FEED = "channel.view_feedentry"
VIEW_SUBSCRIPTION = "channel.view_webhooksubscription"
CHANGE_SUBSCRIPTION = "channel.change_webhooksubscription"
VIEW_DELIVERY = "channel.view_webhookdelivery"
LOOKUP_CONTACT = "channel.lookup_contact"

ADMIN = {
    VIEW_SHADOWCASE,
    "channel.view_shadowcaselogentry",
    VIEW_FEED,
    VIEW_SUBSCRIPTION,
    CHANGE_SUBSCRIPTION,
    VIEW_DELIVERY,
    LOOKUP_CONTACT,
}

register_role("org_admin", _("Administratör"), ADMIN, module="channel")
register_role("caseworker", _("Handläggare"), {LOOKUP_CONTACT}, module="channel")
register_role(
    "integration",
    _("Integration (externt system)"),
    {VIEW_SHADOWCASE, CHANGE_SHADOWCASE, "channel.view_shadowcaselogentry", VIEW_FEED},
    module="channel",
    description=_(
        "För API-klienter: skuggärenden för Mina sidor och händelseflödet. "
        "Ges normalt som behörigheter (scopes) till en API-klient."
    ),
)
