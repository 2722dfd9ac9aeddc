"""Posting messages and uploading attachments through the engine's services, when present.

``sambruk.cases.services.conversations`` and ``.attachments`` are optional here: without
them these endpoints answer 404 and the tabs are read-only.
"""

from __future__ import annotations

import inspect

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from sambruk.cases.errors import CaseActionError

from .. import optional
from .common import WorkspaceMixin, get_case


def _service(module, *names):
    for name in names:
        func = getattr(module, name, None)
        if func is not None:
            return func
    return None


def call(func, *args, **kwargs):
    """Call ``func`` with the keyword arguments its signature accepts."""
    params = inspect.signature(func).parameters
    if not any(p.kind == p.VAR_KEYWORD for p in params.values()):
        kwargs = {k: v for k, v in kwargs.items() if k in params}
    return func(*args, **kwargs)


class PostMessageView(WorkspaceMixin, View):
    required_permission = "cases.change_case"

    def post(self, request, pk, conversation):
        module = optional.conversations()
        func = module and _service(module, "do_post_message", "do_add_message", "do_send_message")
        if func is None:
            raise Http404
        case = get_case(request.user, pk)
        thread = get_object_or_404(case.conversations, pk=conversation)
        body = (request.POST.get("body") or "").strip()
        url = f"{reverse('workspace:case', args=[case.pk])}?tab=konversationer"
        if not body:
            messages.error(request, _("Meddelandet är tomt."))
            return redirect(url)
        try:
            call(func, thread, actor=request.user, body=body, text=body)
        except CaseActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Meddelandet skickades."))
        return redirect(url)


class UploadView(WorkspaceMixin, View):
    required_permission = "cases.change_case"

    def post(self, request, pk):
        module = optional.attachments()
        func = module and _service(module, "do_add_attachment", "do_upload", "do_attach")
        if func is None:
            raise Http404
        case = get_case(request.user, pk)
        url = f"{reverse('workspace:case', args=[case.pk])}?tab=bilagor"
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Välj en fil att ladda upp."))
            return redirect(url)
        try:
            call(func, case, actor=request.user, file=upload, upload=upload)
        except CaseActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Filen %(name)s laddades upp.") % {"name": upload.name})
        return redirect(url)
