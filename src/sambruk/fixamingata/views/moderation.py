"""Moderering: staff with ``fixamingata.moderate`` hide, edit and flag reports and updates of
their organisation(s), and keep the abuse list and the flagged users.

Reports and updates are looked up through ``restrict()`` (another organisation's answer 404);
the abuse list and flagged users are national, so a moderator sees the rows that concern
their organisation's reporters (and the ones they added); administrators see all. Every
change goes through :mod:`..services.moderation` (audited).
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from sambruk.core.audit.models import AuditEvent
from sambruk.core.authz.permissions import has_perm
from sambruk.core.authz.views import PermissionRequiredMixin

from ..errors import ReportError
from ..models import AbuseEntry, AbuseKind, FlaggedUser, Report, Update
from ..services import moderation as service
from ..services.common import MODERATE
from ..services.config import MANAGE_CONFIG

LIMIT = 50


def _pk(value) -> int:
    """A row id from a form; anything else is no row (404, never a 500)."""
    value = (value or "").strip()
    if not value.isdigit() or len(value) > 18:
        raise Http404
    return int(value)


def _changes(changes) -> list[tuple[str, str]]:
    """An audit event's changes as (field, "old → new") for the history table."""
    if not isinstance(changes, dict):
        return []
    rows = []
    for field, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            value = f"”{value[0]}” → ”{value[1]}”"
        rows.append((field, str(value)))
    return rows


class ModerationMixin(PermissionRequiredMixin):
    required_permission = MODERATE

    @property
    def is_admin(self) -> bool:
        return getattr(self.request.user, "is_superuser", False)

    def reports(self):
        return Report.objects.restrict(self.request.user, MODERATE)

    def updates(self):
        return Update.objects.restrict(self.request.user, MODERATE)

    def reporter_emails(self):
        return self.reports().exclude(reporter_email="").values("reporter_email")

    def flagged_users(self):
        rows = FlaggedUser.objects.all()
        if not self.is_admin:
            rows = rows.filter(
                Q(email__in=self.reporter_emails()) | Q(flagged_by=self.request.user)
            )
        return rows

    def abuse_entries(self):
        rows = AbuseEntry.objects.select_related("created_by")
        if not self.is_admin:
            rows = rows.filter(
                Q(kind=AbuseKind.DOMAIN)
                | Q(value__in=self.reporter_emails())
                | Q(created_by=self.request.user)
            )
        return rows

    def common(self) -> dict:
        return {"may_configure": has_perm(self.request.user, MANAGE_CONFIG)}


class ModerationListView(ModerationMixin, View):
    def get(self, request):
        q = (request.GET.get("q") or "").strip()[:200]
        hidden = request.GET.get("dolda", "")
        flagged = request.GET.get("flaggade") == "1"
        reports = self.reports().select_related("category", "body")
        updates = self.updates().select_related("report")
        if q:
            reports = reports.filter(
                Q(title__icontains=q) | Q(detail__icontains=q) | Q(original_title__icontains=q)
            )
            updates = updates.filter(text__icontains=q)
        if hidden in ("ja", "nej"):
            reports = reports.filter(hidden=hidden == "ja")
            updates = updates.filter(hidden=hidden == "ja")
        if flagged:
            emails = FlaggedUser.objects.values("email")
            reports = reports.filter(Q(flagged=True) | Q(reporter_email__in=emails))
            updates = updates.filter(author_email__in=emails)
        context = {
            "reports": list(reports.order_by("-created_at", "-pk")[:LIMIT]),
            "updates": list(updates.order_by("-created_at", "-pk")[:LIMIT]),
            "q": q,
            "hidden": hidden,
            "flagged": flagged,
            "limit": LIMIT,
            "flagged_emails": set(FlaggedUser.objects.values_list("email", flat=True)),
            **self.common(),
        }
        return render(request, "fixamingata/moderation/list.html", context)


class ReportModerationView(ModerationMixin, View):
    """One report: edit title/description, hide/unhide, flag the author, hide updates."""

    def get_report(self, pk) -> Report:
        return get_object_or_404(self.reports().select_related("body", "category"), pk=pk)

    def get(self, request, pk):
        return self.show(self.get_report(pk))

    def post(self, request, pk):
        report = self.get_report(pk)
        action = request.POST.get("action", "")
        reason = (request.POST.get("reason") or "").strip()
        user = request.user
        try:
            if action == "edit":
                service.edit_report(
                    report,
                    actor=user,
                    title=request.POST.get("title", ""),
                    detail=request.POST.get("detail", ""),
                )
                done = _("Rapporten ändrades. Originalet finns kvar i historiken.")
            elif action == "hide":
                if not reason:
                    raise ReportError(_("Ange ett skäl för att dölja."), code="reason_required")
                service.hide_report(report, actor=user, reason=reason)
                done = _("Rapporten är dold.")
            elif action == "unhide":
                service.unhide_report(report, actor=user)
                done = _("Rapporten visas igen.")
            elif action == "flag":
                if not report.reporter_email:
                    raise ReportError(
                        _("Rapporten saknar e-postadress att flagga."), code="email_required"
                    )
                service.flag_user(
                    actor=user, email=report.reporter_email, reason=reason, report=report
                )
                done = _("Författaren är flaggad.")
            elif action in ("hide_update", "unhide_update"):
                update = get_object_or_404(report.updates.all(), pk=_pk(request.POST.get("update")))
                if action == "hide_update":
                    if not reason:
                        raise ReportError(_("Ange ett skäl för att dölja."), code="reason_required")
                    service.hide_update(update, actor=user, reason=reason)
                    done = _("Uppdateringen är dold.")
                else:
                    service.unhide_update(update, actor=user)
                    done = _("Uppdateringen visas igen.")
            else:
                raise ReportError(_("Okänd åtgärd."), code="unknown_action")
        except ReportError as error:
            return self.show(report, error=error.message, action=action, status=400)
        messages.success(request, done)
        return redirect("fixamingata:moderation_report", pk=report.pk)

    def show(self, report, *, error="", action="", status=200):
        history = AuditEvent.objects.filter(
            object_type="fixamingata.report", object_id=str(report.pk)
        ).order_by("-at")[:50]
        context = {
            "report": report,
            "updates": list(report.updates.order_by("created_at", "pk")),
            "history": [(event, _changes(event.changes)) for event in history],
            "flag": FlaggedUser.objects.filter(email__iexact=report.reporter_email).first()
            if report.reporter_email
            else None,
            "error": error,
            "action": action,
            "posted": self.request.POST if error else {},
            **self.common(),
        }
        return render(self.request, "fixamingata/moderation/report.html", context, status=status)


class ListsView(ModerationMixin, View):
    """The abuse list (missbrukslista) and the flagged users."""

    def get(self, request):
        return self.show()

    def post(self, request):
        action = request.POST.get("action", "")
        user = request.user
        try:
            if action == "add_abuse":
                entry = service.add_abuse_entry(
                    actor=user,
                    value=request.POST.get("value", ""),
                    reason=(request.POST.get("reason") or "").strip(),
                )
                done = _("%(value)s finns nu på missbrukslistan.") % {"value": entry.value}
            elif action == "remove_abuse":
                entry = get_object_or_404(self.abuse_entries(), pk=_pk(request.POST.get("entry")))
                service.remove_abuse_entry(entry, actor=user)
                done = _("%(value)s togs bort från missbrukslistan.") % {"value": entry.value}
            elif action == "unflag":
                flag = get_object_or_404(self.flagged_users(), pk=_pk(request.POST.get("flag")))
                report = (
                    self.reports().filter(reporter_email__iexact=flag.email).first()
                    if not self.is_admin
                    else None
                )
                if report is None and not self.is_admin:
                    raise ReportError(
                        _("Du saknar behörighet för detta."), code="permission_denied"
                    )
                service.unflag_user(flag, actor=user, report=report)
                done = _("Flaggningen av %(email)s togs bort.") % {"email": flag.email}
            else:
                raise ReportError(_("Okänd åtgärd."), code="unknown_action")
        except ReportError as error:
            return self.show(error=error.message, posted=request.POST, status=400)
        messages.success(request, done)
        return redirect(reverse("fixamingata:moderation_lists"))

    def show(self, *, error="", posted=None, status=200):
        context = {
            "abuse_entries": list(self.abuse_entries()[:500]),
            "flagged_users": list(self.flagged_users()[:500]),
            "error": error,
            "posted": posted or {},
            "is_admin": self.is_admin,
            **self.common(),
        }
        return render(self.request, "fixamingata/moderation/lists.html", context, status=status)
