"""The event feed: case events of an organisation in one gap-free sequence."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sambruk.core.authz.querysets import RestrictedManager


class FeedState(models.Model):
    """Per organisation: the last sequence number given out (locked while publishing)."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    last_seq = models.PositiveBigIntegerField(default=0)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("flödesräknare")
        verbose_name_plural = _("flödesräknare")

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.last_seq}"


class FeedEntry(models.Model):
    """One case event as published to the feed and to webhooks.

    ``seq`` numbers the organisation's entries 1, 2, 3 … without gaps, in commit order (it is
    given out under a lock on :class:`FeedState`), so an ``after`` cursor never skips an entry.
    The case and its event are referenced by id, not by foreign key, so gallring of a case
    does not rewrite the feed. No personal data: only the names of the changed fields.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    seq = models.PositiveBigIntegerField(_("löpnummer"))
    case_event_id = models.BigIntegerField(null=True, blank=True, unique=True)
    name = models.CharField(_("händelse"), max_length=60)
    case_id = models.BigIntegerField(null=True, blank=True)
    case_reference = models.CharField(_("ärendenummer"), max_length=40, blank=True)
    at = models.DateTimeField(_("tidpunkt"))
    data = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["organisation", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "seq"], name="channel_feed_org_seq")
        ]
        verbose_name = _("flödeshändelse")
        verbose_name_plural = _("flödeshändelser")

    def __str__(self) -> str:
        return f"{self.seq} {self.name}"
