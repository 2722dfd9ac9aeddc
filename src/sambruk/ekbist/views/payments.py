"""Utbetalningar: the list per payment date, the CSV for the finance system, mark as exported.

Verified staff with ``ekbist.view_payment`` see the list of their kommuner; the CSV and the
marking need ``ekbist.export_payments`` (ekonomiassistent)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from sambruk.core.authz.permissions import has_perm
from sambruk.core.authz.views import PermissionRequiredMixin
from sambruk.ekbist.roles import EXPORT_PAYMENTS, VIEW_PAYMENTS
from sambruk.ekbist.services.payments import (
    PaymentError,
    audit_list_read,
    by_date,
    check_range,
    do_mark_exported,
    payments_csv,
    payments_for,
)

from .decision import DateInput


class RangeForm(forms.Form):
    date_from = forms.DateField(
        label=gettext_lazy("Utbetalningsdag från och med"), required=False, widget=DateInput()
    )
    date_to = forms.DateField(
        label=gettext_lazy("Utbetalningsdag till och med"), required=False, widget=DateInput()
    )
    only_new = forms.BooleanField(label=gettext_lazy("Bara ej exporterade"), required=False)

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                data["date_from"], data["date_to"] = check_range(
                    data.get("date_from"), data.get("date_to")
                )
            except PaymentError as error:
                raise forms.ValidationError(error.message) from error
        return data


def _range(request):
    form = RangeForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    date_from, date_to = check_range(data.get("date_from"), data.get("date_to"))
    return form, {"date_from": date_from, "date_to": date_to, "only_new": data.get("only_new")}


class PaymentsView(PermissionRequiredMixin, View):
    required_permission = VIEW_PAYMENTS

    def get(self, request):
        form, chosen = _range(request)
        if chosen is None:
            return render(request, "ekbist/payments/list.html", {"form": form}, status=400)
        payments = list(payments_for(request.user, **chosen))
        audit_list_read(request.user, payments)
        query = urlencode(
            {
                "date_from": chosen["date_from"].isoformat(),
                "date_to": chosen["date_to"].isoformat(),
                **({"only_new": "on"} if chosen["only_new"] else {}),
            }
        )
        context = {
            "form": form,
            "chosen": chosen,
            "days": by_date(payments),
            "total": sum(p.amount for p in payments),
            "count": len(payments),
            "query": query,
            "may_export": has_perm(request.user, EXPORT_PAYMENTS),
        }
        return render(request, "ekbist/payments/list.html", context)


class PaymentsExportView(PermissionRequiredMixin, View):
    required_permission = EXPORT_PAYMENTS

    def get(self, request):
        form, chosen = _range(request)
        if chosen is None:
            return HttpResponse(
                " ".join(str(e) for e in form.non_field_errors()) or _("Ogiltigt datum."),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        payments = payments_for(request.user, permission=EXPORT_PAYMENTS, **chosen)
        body = payments_csv(request.user, payments)
        name = f"utbetalningar-{chosen['date_from']:%Y%m%d}-{chosen['date_to']:%Y%m%d}.csv"
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class PaymentsMarkView(PermissionRequiredMixin, View):
    required_permission = EXPORT_PAYMENTS

    def post(self, request):
        ids = request.POST.getlist("payment")
        try:
            if not all(pk.isdigit() for pk in ids):
                raise PaymentError(_("Ogiltigt val av utbetalningar."))
            count = do_mark_exported(request.user, ids)
        except PaymentError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("%(n)s utbetalningar markerade som exporterade.") % {"n": count}
            )
        back = QueryDict(request.POST.get("query", ""))
        keep = {k: back[k] for k in ("date_from", "date_to", "only_new") if back.get(k)}
        url = reverse("ekbist:payments")
        return redirect(f"{url}?{urlencode(keep)}" if keep else url)
