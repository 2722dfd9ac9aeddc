"""The demo loader: access points and two example mails (a case, an ignored auto-reply)."""

from __future__ import annotations

import pytest

from sambruk.core.demo import loaders


@pytest.mark.django_db
def test_demo_loader_is_idempotent(settings, tmp_path):
    from sambruk.channel.mail.models import EmailAccessPoint, InboundMail, InboundResult

    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = tmp_path
    wanted = {"core", "cases", "channel-mail"}
    for _round in range(2):
        for loader in loaders():
            if loader.name in wanted:
                loader.load(lambda _text: None)
    assert EmailAccessPoint.objects.count() == 2
    results = sorted(InboundMail.objects.values_list("result", flat=True))
    assert results == sorted([InboundResult.NEW_CASE, InboundResult.AUTO_REPLY])
    assert InboundMail.objects.get(result=InboundResult.NEW_CASE).case.title == (
        "Trasig gatlykta på Storgatan"
    )
