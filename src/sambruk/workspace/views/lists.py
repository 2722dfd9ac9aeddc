"""Home, queue inboxes, Mina ärenden, Utkast and bulk actions."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from sambruk.cases import services
from sambruk.cases.errors import CaseActionError
from sambruk.cases.models import Case, CaseState, Queue
from sambruk.cases.queries import drafts, my_cases
from sambruk.core.authz.permissions import has_perm

from ..forms import BulkForm
from ..pagination import keyset_page
from .common import WorkspaceMixin, decorate_rows, list_rows, user_queues, visible_cases


class HomeView(WorkspaceMixin, View):
    def get(self, request):
        user = request.user
        queues = list(user_queues(user))
        counts = dict(
            visible_cases(user)
            .filter(queue__in=queues, state=CaseState.OPEN, assignee__isnull=True, removed=False)
            .values_list("queue")
            .annotate(n=Count("pk"))
            .values_list("queue", "n")
        )
        for queue in queues:
            queue.unassigned = counts.get(queue.pk, 0)
        mine = my_cases(user)
        context = {
            "queues": queues,
            "mine_count": mine.count(),
            "overdue_count": mine.filter(due_date__lt=timezone.localdate()).count(),
            "drafts_count": drafts(user).count(),
            "can_create": has_perm(user, "cases.create_case"),
        }
        return render(request, "workspace/home.html", context)


def _render_list(request, *, title, queryset, heading_id, extra=None, descending=False):
    user = request.user
    page = keyset_page(list_rows(queryset, user), request.GET.get("efter"), descending=descending)
    can_bulk = has_perm(user, "cases.change_case")
    decorate_rows(page.rows, select=can_bulk)
    context = {
        "title": title,
        "page": page,
        "rows": page.rows,
        "heading_id": heading_id,
        "bulk_form": BulkForm(user=user, initial={"next": request.get_full_path()}),
        "can_bulk": can_bulk,
        **(extra or {}),
    }
    template = "workspace/_case_rows.html" if request.htmx else "workspace/case_list.html"
    return render(request, template, context)


class QueueInboxView(WorkspaceMixin, View):
    """Inkorg: the queue's open, unassigned cases, oldest first."""

    def get(self, request, pk):
        queue = get_object_or_404(Queue.objects.restrict(request.user, "cases.view_queue"), pk=pk)
        return _render_list(
            request,
            title=_("Inkorg: %(queue)s") % {"queue": queue.name},
            queryset=visible_cases(request.user).inbox(queue),
            heading_id="inbox",
            extra={"queue": queue},
        )


class MyCasesView(WorkspaceMixin, View):
    def get(self, request):
        return _render_list(
            request,
            title=_("Mina ärenden"),
            queryset=visible_cases(request.user).assigned_to(request.user),
            heading_id="mine",
        )


class DraftsView(WorkspaceMixin, View):
    def get(self, request):
        return _render_list(
            request,
            title=_("Utkast"),
            queryset=drafts(request.user),
            heading_id="drafts",
            descending=True,
        )


class BulkView(WorkspaceMixin, View):
    """Bulk assign / send: every selected case goes through its own service call; each
    failure is reported with the case's reference and the service's message."""

    required_permission = "cases.change_case"

    def post(self, request):
        user = request.user
        form = BulkForm(request.POST, user=user)
        target = request.POST.get("next") or reverse("workspace:home")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
            target = reverse("workspace:home")
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(target)
        data = form.cleaned_data
        wanted = {}
        for value in data["cases"]:
            pk, _sep, version = value.partition(":")
            wanted[int(pk)] = int(version) if version else None
        cases = {c.pk: c for c in visible_cases(user).filter(pk__in=wanted)}
        done, failed = [], []
        for pk, version in wanted.items():
            case = cases.get(pk)
            if case is None:
                failed.append((str(pk), _("Ärendet finns inte eller så saknar du behörighet.")))
                continue
            try:
                self.apply(case, user, data, version)
            except CaseActionError as error:
                failed.append((case.reference, error.message))
            else:
                done.append(case.reference)
        if done:
            messages.success(
                request,
                ngettext(
                    "%(n)d ärende ändrades: %(refs)s.",
                    "%(n)d ärenden ändrades: %(refs)s.",
                    len(done),
                )
                % {"n": len(done), "refs": ", ".join(done)},
            )
        for reference, message in failed:
            messages.error(
                request,
                _("%(ref)s kunde inte ändras: %(message)s")
                % {"ref": reference, "message": message},
            )
        return redirect(target)

    @staticmethod
    def apply(case: Case, user, data, version):
        op = data["operation"]
        if op == "assign_me":
            services.do_assign(case, actor=user, expected_version=version)
        elif op == "assign_to":
            services.do_assign_to(case, actor=user, to=data["assignee"], expected_version=version)
        else:
            services.do_send_to_queue(
                case, actor=user, queue=data["queue"], expected_version=version
            )
