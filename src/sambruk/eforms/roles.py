"""Permissions of the e-service publisher, added to the kernel's roles."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sambruk.core.accounts.roles import register_role

MANAGE_FORMS = "eforms.manage_forms"
MANAGE_ESERVICES = "eforms.manage_eservices"

register_role(
    "org_admin",
    _("Administratör"),
    {
        MANAGE_FORMS,
        MANAGE_ESERVICES,
        "eforms.view_formdefinition",
        "eforms.view_formversion",
        "eforms.view_eservice",
    },
    module="eforms",
)
