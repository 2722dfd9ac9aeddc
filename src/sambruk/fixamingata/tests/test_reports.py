"""Submitting and confirming reports: e-mail on a real SMTP server, the case, tokens, photos."""

import io
import re
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from sambruk.cases.models import Case
from sambruk.fixamingata import services
from sambruk.fixamingata.errors import ReportError
from sambruk.fixamingata.models import ConfirmationToken, Report, ReportPhoto, ReportState

from .factories import GAVLE, ROAD, SANDVIKEN, SEA


def submit(world, point=SANDVIKEN, category=None, **kw):
    category = category or world.cat(world.sandviken_body, "Gatubelysning")
    data = {
        "lat": point[0],
        "lon": point[1],
        "category": category,
        "title": "Trasig gatlykta",
        "detail": "Lyktan vid busshållplatsen är släckt.",
        "photos": [],
        "name": "Åsa Öberg",
        "email": "asa@example.se",
        "phone": "070-1234567",
        "show_name": False,
        **kw,
    }
    return services.submit_report(**data)


def token_from(mail) -> str:
    text = mail.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"/fixamingata/bekrafta/([\w-]+)/", text).group(1)


@pytest.mark.django_db(transaction=True)
def test_submit_mails_link_and_confirming_creates_the_case(world, running_smtp):
    report = submit(world)
    assert report.state == ReportState.UNCONFIRMED
    assert report.case is None
    assert not Report.objects.public().filter(pk=report.pk).exists()

    mail = running_smtp.wait_for(1)[0]
    assert mail["To"] == "asa@example.se"
    assert "Bekräfta din rapport" in mail["Subject"]
    confirmed = services.confirm_report(token_from(mail))

    assert confirmed.state == ReportState.CONFIRMED
    case = Case.objects.get(pk=confirmed.case_id)
    assert case.organisation == world.sandviken
    assert case.case_type.name == "Felanmälan"
    assert case.queue.name == "FixaMinGata"
    assert case.origin == "fixamingata"
    assert case.status.code == "ny"
    assert case.contacts.get().email == "asa@example.se"
    assert Report.objects.public().filter(pk=report.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_reused_and_expired_tokens_are_refused(world, running_smtp):
    submit(world)
    token = token_from(running_smtp.wait_for(1)[0])
    services.confirm_report(token)
    with pytest.raises(ReportError, match="Länken har redan använts.") as error:
        services.confirm_report(token)
    assert error.value.code == "token_used"

    second = submit(world, title="Annan lykta", email="bo@example.se")
    token2 = token_from(next(m for m in running_smtp.wait_for(3) if m["To"] == "bo@example.se"))
    ConfirmationToken.objects.filter(token=token2).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(ReportError, match="slutat gälla"):
        services.confirm_report(token2)
    second.refresh_from_db()
    assert second.state == ReportState.UNCONFIRMED and second.case is None
    with pytest.raises(ReportError, match="ogiltig"):
        services.confirm_report("nonsense")


def test_logged_in_user_is_confirmed_immediately(world, member):
    user = member(world.gavle, "caseworker", email="kalle@example.se")
    report = submit(world, GAVLE, world.cat(world.gavle_body, "Snöröjning"), user=user, email="")
    assert report.state == ReportState.CONFIRMED
    assert report.reporter_email == "kalle@example.se"
    assert report.case.organisation == world.gavle


def test_road_category_becomes_a_trafikverket_case(world):
    report = submit(world, category=world.cat(world.tv_body, ROAD), source="staff")
    assert report.body == world.tv_body
    assert report.kommun == world.sandviken
    assert report.case.organisation == world.trafikverket


def test_category_not_offered_at_the_point_is_refused(world):
    with pytest.raises(ReportError) as error:
        submit(world, GAVLE, world.cat(world.sandviken_body, "Klotter"))
    assert error.value.code == "category_not_offered"
    with pytest.raises(ReportError, match="Platsen ligger inte i någon svensk kommun."):
        submit(world, SEA)
    assert Report.objects.count() == 0


def test_idempotency_key_returns_the_first_report(world):
    first = submit(world, idempotency_key="abc-123")
    again = submit(world, idempotency_key="abc-123", title="Dubbelklick")
    assert again.pk == first.pk
    assert Report.objects.count() == 1


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (3000, 1500), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Kamerafabriken"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (60.0, 37.0, 0.0)
    gps[3], gps[4] = "E", (16.0, 46.0, 0.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the input has GPS
    return data


def png_with_alpha() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (40, 30), (0, 0, 255, 128)).save(out, format="PNG")
    return out.getvalue()


def test_photos_are_reencoded_without_exif_or_gps(world):
    report = submit(world, photos=[io.BytesIO(jpeg_with_gps()), io.BytesIO(png_with_alpha())])
    photos = list(report.photos.order_by("order"))
    assert [p.order for p in photos] == [1, 2]
    with default_storage.open(photos[0].image.name) as fh:
        stored = fh.read()
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert max(image.size) == 2048 and (photos[0].width, photos[0].height) == image.size
    assert not image.getexif()
    assert b"Exif" not in stored and b"Kamerafabriken" not in stored
    assert Image.open(default_storage.open(photos[1].image.name)).format == "JPEG"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"this is not an image at all", "photo_invalid"),
        (jpeg_with_gps()[:2000], "photo_invalid"),
        (b"\xff\xd8" + b"0" * (10 * 1024 * 1024), "photo_too_large"),
    ],
    ids=["garbage", "truncated", "oversized"],
)
def test_bad_photo_refuses_everything_and_writes_nothing(world, payload, code, settings):
    good = io.BytesIO(png_with_alpha())
    with pytest.raises(ReportError) as error:
        submit(world, photos=[good, io.BytesIO(payload)])
    assert error.value.code == code
    assert "Bilden" in str(error.value)
    assert Report.objects.count() == 0 and ReportPhoto.objects.count() == 0
    media = settings.MEDIA_ROOT
    import os

    assert not os.path.exists(media) or not any(files for _, _, files in os.walk(media))


def test_more_than_three_photos_is_refused(world):
    with pytest.raises(ReportError, match="Högst 3 bilder"):
        submit(world, photos=[io.BytesIO(png_with_alpha()) for _ in range(4)])


def test_heic_photo_is_accepted(world):
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    try:
        Image.new("RGB", (64, 48), (10, 200, 10)).save(out, format="HEIF")
    except (KeyError, OSError, ValueError):
        pytest.skip("no HEIF encoder in this libheif")
    report = submit(world, photos=[io.BytesIO(out.getvalue())])
    photo = report.photos.get()
    assert Image.open(default_storage.open(photo.image.name)).format == "JPEG"
