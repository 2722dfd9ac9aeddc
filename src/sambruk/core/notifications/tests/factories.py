import factory

from sambruk.core.notifications.models import OutboxMessage, OutboxStatus


class OutboxMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboxMessage

    to = factory.Sequence(lambda n: [f"mottagare{n}@example.se"])
    subject = factory.Sequence(lambda n: f"Meddelande {n}")
    body_text = "Hej!\n"
    message_id = factory.Sequence(lambda n: f"<m{n}@sambruk.localhost>")
    template = "notifications/email/test_message"
    status = OutboxStatus.PENDING

    class Params:
        failed = factory.Trait(
            status=OutboxStatus.FAILED, attempts=8, last_error="ConnectionRefusedError: [Errno 111]"
        )
