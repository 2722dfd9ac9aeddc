"""Demo: the ekonomiassistent of Sandviken (2181), who sees and exports the payments and the
monthly statistics of ekonomiskt bistånd. Idempotent; demo mode only (``manage.py load_demo``).

Log in as ``ekonomiassistent@sandviken.example.se`` with the demo password and the demo second
factor, like the other demo staff.
"""

from __future__ import annotations

from sambruk.core.demo import DEMO_PASSWORD, register_demo_loader, register_demo_login

FINANCE_EMAIL = "ekonomiassistent@sandviken.example.se"
FINANCE_NAME = "Elin Ekonomiassistent"
SANDVIKEN = "2181"
register_demo_login(FINANCE_EMAIL, "ekbist_finance (ekonomiassistent, Sandviken)")


@register_demo_loader("ekbist-finance", order=46)
def load_finance_demo(log) -> None:
    from sambruk.core.accounts.models import DemoDevice, Membership, User
    from sambruk.core.organisations.models import Organisation

    org = Organisation.objects.filter(kommunkod=SANDVIKEN).first()
    if org is None:
        log("ekbist: Sandviken saknas, ingen ekonomiassistent skapad.")
        return
    user, created = User.objects.get_or_create(
        email=FINANCE_EMAIL, defaults={"full_name": FINANCE_NAME}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    DemoDevice.objects.get_or_create(user=user, defaults={"name": "Demo", "confirmed": True})
    Membership.objects.get_or_create(user=user, organisation=org, role="ekbist_finance")
    log(f"ekbist: ekonomiassistent {FINANCE_EMAIL} i {org.name}.")
