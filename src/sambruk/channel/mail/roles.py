"""Permissions of the e-mail channel, added to the kernel's roles."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sambruk.core.accounts.roles import register_role

VIEW_INBOUND = "channel_mail.view_inboundmail"
RETRY_INBOUND = "channel_mail.retry_inboundmail"
VIEW_ACCESS_POINT = "channel_mail.view_emailaccesspoint"
CHANGE_ACCESS_POINT = "channel_mail.change_emailaccesspoint"

register_role(
    "org_admin",
    _("Administratör"),
    {VIEW_INBOUND, RETRY_INBOUND, VIEW_ACCESS_POINT, CHANGE_ACCESS_POINT},
    module="channel_mail",
)
