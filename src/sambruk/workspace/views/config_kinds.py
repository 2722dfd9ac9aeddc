"""What the configuration pages can edit: one :class:`Kind` per configured model.

A kind names its URL segment, model, form, service functions and where its rows live
(directly under the organisation, or under a case type or queue). The views in
:mod:`.config` are generic over kinds; every row is looked up through ``restrict()`` and
the organisation (or parent) in the URL, so another organisation's id answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from sambruk.cases.models import (
    CaseType,
    Label,
    Priority,
    Queue,
    QueueRule,
    Resolution,
    StaffGroup,
    Status,
)
from sambruk.cases.services import config as svc

from .. import forms_config as f


@dataclass(frozen=True)
class Kind:
    slug: str  # URL segment
    model: type
    form: type
    save: Callable
    delete: Callable
    title: str  # "ärendetyp"
    title_plural: str
    parent: str | None = None  # slug of the parent kind, None = the organisation
    parent_field: str = "organisation"  # the model's field pointing at its owner
    instance_kw: str = "instance"  # how the save service names the row to update
    has_page: bool = False  # a detail page of its own (case types, queues)
    new_title: str = ""  # heading of the create page when "Ny <title>" is not Swedish


KINDS: dict[str, Kind] = {
    k.slug: k
    for k in (
        Kind(
            "arendetyper",
            CaseType,
            f.CaseTypeForm,
            svc.do_save_case_type,
            svc.do_delete_case_type,
            _("ärendetyp"),
            _("Ärendetyper"),
            has_page=True,
        ),
        Kind(
            "statusar",
            Status,
            f.StatusForm,
            svc.do_save_status,
            svc.do_delete_status,
            _("status"),
            _("Statusar"),
            parent="arendetyper",
            parent_field="case_type",
        ),
        Kind(
            "utfall",
            Resolution,
            f.ResolutionForm,
            svc.do_save_resolution,
            svc.do_delete_resolution,
            _("utfall"),
            _("Utfall"),
            parent="arendetyper",
            parent_field="case_type",
            new_title=_("Nytt utfall"),
        ),
        Kind(
            "funktioner",
            Queue,
            f.QueueForm,
            svc.do_save_queue,
            svc.do_delete_queue,
            _("funktion"),
            _("Funktioner"),
            has_page=True,
        ),
        Kind(
            "regler",
            QueueRule,
            f.RuleForm,
            svc.do_save_rule,
            svc.do_delete_rule,
            _("regel"),
            _("Regler"),
            parent="funktioner",
            parent_field="queue",
            instance_kw="rule",
        ),
        Kind(
            "prioriteter",
            Priority,
            f.PriorityForm,
            svc.do_save_priority,
            svc.do_delete_priority,
            _("prioritet"),
            _("Prioriteter"),
        ),
        Kind(
            "etiketter",
            Label,
            f.LabelForm,
            svc.do_save_label,
            svc.do_delete_label,
            _("etikett"),
            _("Etiketter"),
        ),
        Kind(
            "grupper",
            StaffGroup,
            f.GroupForm,
            svc.do_save_group,
            svc.do_delete_group,
            _("grupp"),
            _("Grupper"),
        ),
    )
}

#: The sections of the organisation's overview page, in order.
ORG_SECTIONS = ("arendetyper", "funktioner", "prioriteter", "etiketter", "grupper")
