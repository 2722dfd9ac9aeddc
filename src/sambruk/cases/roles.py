"""Permissions of the case engine, added to the kernel's roles."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sambruk.core.accounts.roles import register_role

VIEW_CASE = "cases.view_case"
CHANGE_CASE = "cases.change_case"
CREATE_CASE = "cases.create_case"
REMOVE_CASE = "cases.remove_case"
MANAGE_CONFIG = "cases.manage_config"
VIEW_STATISTICS = "cases.view_statistics"

#: Reading a case's parts and the configuration needed to work with cases.
CASEWORKER_VIEW = {
    VIEW_CASE,
    "cases.view_caselogentry",
    "cases.view_casecontact",
    "cases.view_caseevent",
    "cases.view_caseread",
    "cases.view_casetype",
    "cases.view_status",
    "cases.view_transition",
    "cases.view_resolution",
    "cases.view_priority",
    "cases.view_label",
    "cases.view_queue",
}

register_role(
    "caseworker",
    _("Handläggare"),
    CASEWORKER_VIEW | {CHANGE_CASE, CREATE_CASE, VIEW_STATISTICS},
    module="cases",
)
register_role(
    "org_admin",
    _("Administratör"),
    CASEWORKER_VIEW | {MANAGE_CONFIG, REMOVE_CASE, VIEW_STATISTICS, "cases.view_casesettings"},
    module="cases",
)
