"""RestrictedQuerySet: permission rules become a queryset filter, so no list can leak rows."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .permissions import ALL, grants


class RestrictedQuerySet(models.QuerySet):
    """QuerySet for tenant-owned models.

    The model declares ``tenant_field`` (path to the owning organisation, default
    ``"organisation"``) and may declare ``orgunit_field`` for memberships scoped to an
    organisational unit, and ``restrict_extra(user, permission)`` returning a ``Q`` that
    widens visibility (for example rows that another organisation was sent).
    """

    def restrict(self, user, permission: str):
        model = self.model
        g = grants(user, permission)
        if g == ALL:
            return self
        tenant_field = getattr(model, "tenant_field", "organisation")
        orgunit_field = getattr(model, "orgunit_field", None)
        condition = Q(pk__in=[])
        whole_orgs = [x.organisation_id for x in g if x.orgunit_ids is None or not orgunit_field]
        if whole_orgs:
            condition |= Q(**{f"{tenant_field}__in": whole_orgs})
        for grant in g:
            if grant.orgunit_ids is not None and orgunit_field:
                condition |= Q(
                    **{
                        tenant_field: grant.organisation_id,
                        f"{orgunit_field}__in": grant.orgunit_ids,
                    }
                )
        extra = getattr(model, "restrict_extra", None)
        if extra is not None:
            extra_q = extra(user, permission)
            if extra_q is not None:
                condition |= extra_q
        return self.filter(condition)


RestrictedManager = models.Manager.from_queryset(RestrictedQuerySet)


def restrict(queryset_or_model, user, permission: str):
    """Functional form: ``restrict(Case.objects.all(), user, "cases.view_case")``."""
    qs = queryset_or_model
    if isinstance(qs, type) and issubclass(qs, models.Model):
        qs = qs._default_manager.all()
    return qs.restrict(user, permission)
