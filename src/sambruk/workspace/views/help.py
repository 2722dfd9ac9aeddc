"""Help page: keyboard shortcuts of the workspace."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import View

from .common import WorkspaceMixin

SHORTCUTS = [
    ("g i", _("Gå till inkorgen")),
    ("g m", _("Gå till Mina ärenden")),
    ("g u", _("Gå till utkasten")),
    ("g n", _("Skapa ett nytt ärende")),
    ("/", _("Gå till sökningen")),
    ("j", _("Nästa rad i en lista")),
    ("k", _("Föregående rad i en lista")),
    ("Enter", _("Öppna ärendet på den markerade raden")),
    ("x", _("Markera eller avmarkera raden (för massåtgärder)")),
    ("a", _("Ta ärendet (tilldela dig själv) i ärendevyn")),
    ("n", _("Lägg till en anteckning i ärendevyn")),
    ("?", _("Visa den här hjälpsidan")),
]


class HelpView(WorkspaceMixin, View):
    def get(self, request):
        return render(request, "workspace/help.html", {"shortcuts": SHORTCUTS})
