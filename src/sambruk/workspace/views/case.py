"""The case view with its tabs, and the action endpoint behind every button."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from sambruk.cases import services
from sambruk.cases.actions import available_actions
from sambruk.cases.errors import CaseActionError
from sambruk.core.audit.services import record_read

from .. import operations, optional
from ..formdata import form_views
from .common import WorkspaceMixin, get_case, is_overdue, visible_cases

TABS = [
    ("oversikt", gettext_lazy("Översikt")),
    ("kontakter", gettext_lazy("Kontakter")),
    ("konversationer", gettext_lazy("Konversationer")),
    ("bilagor", gettext_lazy("Bilagor")),
    ("formular", gettext_lazy("Formulär")),
    ("logg", gettext_lazy("Logg")),
    ("underarenden", gettext_lazy("Underärenden")),
]
TAB_NAMES = [name for name, _label in TABS]
READ_PURPOSE = "Handläggning av ärende"


def tab_context(case, user, tab: str) -> dict:
    """What one tab shows. Everything is read through the visible case."""
    if tab == "kontakter":
        return {"contacts": list(case.contacts.select_related("person"))}
    if tab == "konversationer":
        conversations = list(
            case.conversations.prefetch_related("participants", "messages__author")
        )
        _mark_bounced_deliveries(case, conversations)
        return {
            "conversations": conversations,
            "can_post": optional.conversations() is not None,
            "post_form": _post_form(case, user),
        }
    if tab == "bilagor":
        return {
            "attachments": list(case.attachments.select_related("uploaded_by")),
            "can_upload": optional.attachments() is not None,
            "download": True,
        }
    if tab == "formular":
        return {
            "forms": form_views(case),
            "closing_form": case.case_type.closing_form or [],
        }
    if tab == "logg":
        return {"log": list(case.log.select_related("actor").order_by("-at", "-pk"))}
    if tab == "underarenden":
        visible = visible_cases(user)
        parent = visible.filter(pk=case.parent_id).first() if case.parent_id else None
        return {
            "parent": parent,
            "subcases": list(
                visible.filter(parent=case).select_related("status", "assignee").order_by("pk")
            ),
        }
    return {
        "labels": list(case.labels.all()),
        "overdue": is_overdue(case),
    }


def _mark_bounced_deliveries(case, conversations) -> None:
    """``message.bounced``: the outbox e-mails of that message that came back undelivered."""
    from sambruk.core.notifications.models import OutboxMessage, OutboxStatus

    messages = {m.message_id: m for c in conversations for m in c.messages.all() if m.message_id}
    for message in messages.values():
        message.bounced = []
    if not messages:
        return
    for row in OutboxMessage.objects.filter(
        organisation_id=case.organisation_id,
        status=OutboxStatus.BOUNCED,
        message_id__in=list(messages),
    ).order_by("bounced_at"):
        messages[row.message_id].bounced.append(row)


def _post_form(case, user):
    operation = operations.get("post_message")
    if operation is None or "post_message" not in available_actions(case, user):
        return None
    return operation.form(case=case, user=user)


def case_context(request, case, tab: str) -> dict:
    user = request.user
    names = available_actions(case, user)
    actions = operations.for_case(names)
    # URLs reversed once here rather than two or three {% url %} per button and tab.
    marker = "__name__"
    action_url = reverse("workspace:action", args=[case.pk, marker])
    tab_url = reverse("workspace:case_tab", args=[case.pk, marker])
    case_url = reverse("workspace:case", args=[case.pk])
    return {
        "case": case,
        "organisation": case.organisation,
        "tab": tab,
        "tabs": TABS,
        "tab_links": [
            (name, label, f"{case_url}?tab={name}", tab_url.replace(marker, name))
            for name, label in TABS
        ],
        "action_names": names,
        "actions": actions,
        "action_links": [(op, action_url.replace(marker, op.name)) for op in actions],
        "overdue": is_overdue(case),
        **tab_context(case, user, tab),
    }


def _tab(request) -> str:
    tab = request.GET.get("tab") or request.POST.get("tab") or "oversikt"
    return tab if tab in TAB_NAMES else "oversikt"


def audit_open(case, user) -> None:
    """Opening a case with personal data (a contact that is a Person) is an audited read."""
    for contact in case.contacts.filter(person__isnull=False).select_related("person"):
        record_read(
            actor=user,
            obj=case,
            person=contact.person,
            organisation=case.organisation_id,
            purpose=READ_PURPOSE,
        )


class CaseView(WorkspaceMixin, View):
    def get(self, request, pk):
        case = get_case(request.user, pk)
        services.do_mark_read(case, actor=request.user)
        audit_open(case, request.user)
        tab = _tab(request)
        return render(request, "workspace/case/page.html", case_context(request, case, tab))


class CaseTabView(WorkspaceMixin, View):
    """One tab as a partial for htmx (``hx-get``); the same tab is ``?tab=`` on the page."""

    def get(self, request, pk, tab):
        if tab not in TAB_NAMES:
            raise Http404
        case = get_case(request.user, pk)
        if not request.htmx:
            return redirect(f"{reverse('workspace:case', args=[case.pk])}?tab={tab}")
        context = case_context(request, case, tab)
        return render(request, "workspace/case/_tab.html", context)


class CaseActionView(WorkspaceMixin, View):
    """GET: the action's form (page, or partial for htmx). POST: run the service.

    Success: PRG back to the case (htmx: the refreshed case body). Failure: the form again
    with an error summary (htmx: swapped into the action panel)."""

    def setup_action(self, request, pk, action):
        operation = operations.get(action)
        if operation is None:
            raise Http404
        case = get_case(request.user, pk)
        return operation, case

    def get(self, request, pk, action):
        operation, case = self.setup_action(request, pk, action)
        form = operation.form(case=case, user=request.user)
        return self.render_form(request, operation, case, form)

    def post(self, request, pk, action):
        user = request.user
        operation, case = self.setup_action(request, pk, action)
        form = operation.form(request.POST, request.FILES, case=case, user=user)
        if form.is_valid():
            try:
                operation.run(case, user, form.cleaned_data, form)
            except operations.FormErrors:
                pass  # the engine's field errors are on the form
            except CaseActionError as error:
                form.add_error(None, error.message)
            else:
                return self.success(request, operation, case)
        return self.render_form(request, operation, case, form, failed=True)

    def render_form(self, request, operation, case, form, failed=False):
        context = {
            "case": case,
            "operation": operation,
            "form": form,
            "tab": _tab(request),
            "allowed": operation.name in available_actions(case, request.user),
        }
        if request.htmx:
            response = render(request, "workspace/case/_action_form.html", context)
            if failed:
                response = retarget(reswap(response, "innerHTML"), "#action-panel")
            return response
        return render(request, "workspace/case/action.html", context, status=400 if failed else 200)

    def success(self, request, operation, case):
        user = request.user
        notice = _("Klart: %(action)s.") % {"action": operation.label}
        fresh = visible_cases(user).filter(pk=case.pk).first()
        if fresh is None:
            # Deleted draft, or no longer visible to this user.
            messages.success(request, notice)
            url = reverse("workspace:home")
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
        url = reverse("workspace:case", args=[case.pk])
        tab = _tab(request)
        if tab != "oversikt":
            url += f"?tab={tab}"
        if not request.htmx:
            messages.success(request, notice)
            return redirect(url)
        fresh = get_case(user, case.pk)
        context = case_context(request, fresh, tab)
        context["notice"] = notice
        context["now"] = timezone.now()
        return render(request, "workspace/case/_body.html", context)


class AttachmentDownloadView(WorkspaceMixin, View):
    """Download an attachment (the engine audits the read)."""

    def get(self, request, pk, attachment):
        from django.http import FileResponse

        case = get_case(request.user, pk)
        row = case.attachments.filter(pk=attachment).first()
        engine = optional.module("sambruk.cases.attachments")
        opener = getattr(engine, "open_attachment", None)
        if row is None or opener is None:
            raise Http404
        try:
            handle = opener(row, actor=request.user)
        except CaseActionError:
            raise Http404 from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=row.original_name,
            content_type=row.content_type or "application/octet-stream",
        )
