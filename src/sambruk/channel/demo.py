"""Demo data of the channel: shadow cases from e-Bygglov for Tolvan Tolvansson in Sandviken.

Also an API client for the e-Bygglov integration (token ``demo-channel-token``) with the
scopes of the ``integration`` role: shadow cases and the event feed.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sambruk.core.demo import register_demo_loader

DEMO_CHANNEL_TOKEN = "demo-channel-token"  # noqa: S105  (demo mode only)
SANDVIKEN = "2181"
TOLVAN = "191212121212"

SHADOW_CASES = [
    {
        "system_name": "Bygglov (e-Bygglov)",
        "external_id": "BN 2026-000417",
        "title": "Bygglov för nybyggnad av garage",
        "status": "Under handläggning",
        "content": [
            {"key": "Fastighet", "value": "Sandviken Kungsgården 3:14"},
            {"key": "Åtgärd", "value": "Nybyggnad av garage, 36 m²"},
            {"key": "Handläggare", "value": "Bygglovsenheten"},
        ],
        "log": [
            (21, "Ansökan inkommen via e-Bygglov."),
            (18, "Ansökan är komplett. Handläggning påbörjad."),
            (6, "Grannar har fått tillfälle att yttra sig (svar senast om 14 dagar)."),
        ],
        "closed": False,
    },
    {
        "system_name": "Bygglov (e-Bygglov)",
        "external_id": "BN 2025-001203",
        "title": "Anmälan om installation av eldstad",
        "status": "Startbesked lämnat",
        "content": [
            {"key": "Fastighet", "value": "Sandviken Kungsgården 3:14"},
            {"key": "Åtgärd", "value": "Installation av braskamin"},
        ],
        "log": [
            (120, "Anmälan inkommen via e-Bygglov."),
            (110, "Startbesked lämnat."),
            (90, "Slutbesked lämnat. Ärendet är avslutat."),
        ],
        "closed": True,
    },
]


@register_demo_loader("channel", order=55)
def load_channel_demo(log) -> None:
    from sambruk.core.accounts.roles import role_permissions
    from sambruk.core.api.models import ApiClient, hash_token
    from sambruk.core.api.services import create_api_client
    from sambruk.core.organisations.models import Organisation

    from .models import ShadowCase
    from .services import upsert_shadow_case

    org = Organisation.objects.filter(kommunkod=SANDVIKEN).first()
    if org is None:
        log("Kanal: Sandviken saknas, hoppar över.")
        return
    if not ApiClient.objects.filter(token_hash=hash_token(DEMO_CHANNEL_TOKEN)).exists():
        create_api_client(
            actor=None,
            organisation=org,
            name="e-Bygglov (demo)",
            scopes=sorted(role_permissions("integration")),
            token=DEMO_CHANNEL_TOKEN,
        )
    # Log times are relative to the first load; a repeated load leaves existing cases alone.
    today = timezone.localdate()
    base = timezone.make_aware(dt.datetime(today.year, today.month, today.day, 9, 0))
    made = 0
    for spec in SHADOW_CASES:
        if ShadowCase.objects.filter(
            organisation=org, system_name=spec["system_name"], external_id=spec["external_id"]
        ).exists():
            continue
        _, created = upsert_shadow_case(
            organisation=org,
            system_name=spec["system_name"],
            external_id=spec["external_id"],
            civic_number=TOLVAN,
            title=spec["title"],
            status=spec["status"],
            content=spec["content"],
            log=[
                {"at": base - dt.timedelta(days=days), "message": message}
                for days, message in spec["log"]
            ],
            closed=spec["closed"],
        )
        made += created
    log(f"Kanal: {made} nya skuggärenden för Tolvan Tolvansson i Sandviken.")
