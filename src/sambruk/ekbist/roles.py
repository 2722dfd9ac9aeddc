"""Roles and permissions of ekonomiskt bistånd (the social services' försörjningsstöd unit).

Every ekbist page for staff requires a verified second factor (the kernel's staff login); the
permissions below are held only by the social-services roles.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sambruk.cases.roles import CASEWORKER_VIEW, CHANGE_CASE, CREATE_CASE
from sambruk.core.accounts.roles import register_role

VIEW_APPLICATION = "ekbist.view_application"
CHANGE_APPLICATION = "ekbist.change_application"
RUN_MULTIFRAGA = "ekbist.run_multifraga"
VIEW_MULTIFRAGA = "ekbist.view_multifragaquery"
DECIDE = "ekbist.decide"
VIEW_DECISION = "ekbist.view_decision"
VIEW_PAYMENTS = "ekbist.view_payment"
EXPORT_PAYMENTS = "ekbist.export_payments"
VIEW_STATISTICS = "ekbist.view_statistics"
MANAGE_GUIDELINES = "ekbist.manage_guidelines"

CASEWORKER = {
    VIEW_APPLICATION,
    CHANGE_APPLICATION,
    "ekbist.view_fetchedvalue",
    RUN_MULTIFRAGA,
    VIEW_MULTIFRAGA,
    DECIDE,
    VIEW_DECISION,
    "ekbist.view_decisionitem",
    VIEW_PAYMENTS,
    VIEW_STATISTICS,
    "ekbist.view_localguideline",
    "ekbist.view_housingcap",
    # A socialsekreterare handles the application case itself in the workspace: Multifråga and
    # decisions write case-log entries and move the case through the case engine.
    *CASEWORKER_VIEW,
    CHANGE_CASE,
    CREATE_CASE,
}

register_role(
    "ekbist_caseworker",
    _("Socialsekreterare (ekonomiskt bistånd)"),
    CASEWORKER,
    module="ekbist",
    description=_("Handlägger ansökningar om ekonomiskt bistånd, Multifråga och beslut."),
)
register_role(
    "ekbist_finance",
    _("Ekonomiassistent (utbetalningar)"),
    {VIEW_DECISION, VIEW_PAYMENTS, EXPORT_PAYMENTS, VIEW_STATISTICS},
    module="ekbist",
    description=_("Exporterar utbetalningslistor till ekonomisystemet."),
)
register_role(
    "org_admin",
    _("Administratör"),
    {MANAGE_GUIDELINES, VIEW_STATISTICS, "ekbist.view_localguideline", "ekbist.view_housingcap"},
    module="ekbist",
)
