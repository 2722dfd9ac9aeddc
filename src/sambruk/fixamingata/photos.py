"""Photo intake: accept JPEG, PNG, WebP and HEIC; re-encode as JPEG without any metadata.

Every photo is decoded fully and its pixels are copied into a fresh image, so nothing of the
original file survives: no EXIF (GPS position, camera, time), no XMP, no ICC profile, no
trailing data. Orientation from EXIF is applied to the pixels first, so the photo still
shows the right way up. All photos of a report are processed before anything is stored: a
corrupt or oversized photo refuses the whole submission.
"""

from __future__ import annotations

import io
import threading
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from .errors import ReportError

MAX_PHOTOS = 3
MAX_INPUT_BYTES = 10 * 1024 * 1024
MAX_SIDE = 2048
MAX_PIXELS = 60_000_000  # refuse decompression bombs before decoding
JPEG_QUALITY = 85
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "HEIF", "MPO"}

_heif_registered = False


def _register_heif() -> None:
    global _heif_registered
    if not _heif_registered:
        try:
            from pillow_heif import register_heif_opener
        except ImportError:  # pragma: no cover - dependency missing
            return
        register_heif_opener()
        _heif_registered = True


@dataclass
class ProcessedPhoto:
    content: ContentFile
    width: int
    height: int


def _limit(name: str, default):
    return getattr(settings, name, default)


def _read(upload) -> bytes:
    limit = _limit("FIXAMINGATA_MAX_PHOTO_BYTES", MAX_INPUT_BYTES)
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _too_large(limit)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1) if hasattr(upload, "read") else bytes(upload)
    if len(data) > limit:
        raise _too_large(limit)
    if not data:
        raise ReportError(_("Bilden är tom."), code="photo_empty")
    return data


def _too_large(limit) -> ReportError:
    return ReportError(
        _("Bilden är för stor. Största tillåtna storlek är %(mb)d MB.")
        % {"mb": limit // (1024 * 1024)},
        code="photo_too_large",
    )


def _corrupt() -> ReportError:
    return ReportError(
        _("Bilden kunde inte läsas. Använd en JPEG-, PNG-, WebP- eller HEIC-bild."),
        code="photo_invalid",
    )


_TRUNCATION_LOCK = threading.Lock()


def _load_complete(image) -> None:
    """Decode every pixel, refusing truncated files.

    WeasyPrint sets ``ImageFile.LOAD_TRUNCATED_IMAGES = True`` process-wide when it is
    imported (PDF export), which would make Pillow pad a cut-off photo with grey instead of
    failing. Decode with the flag off.
    """
    with _TRUNCATION_LOCK:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            image.load()
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def process_photo(upload) -> ProcessedPhoto:
    """Validate and re-encode one uploaded photo (a file object or bytes)."""
    _register_heif()
    data = _read(upload)
    try:
        with Image.open(io.BytesIO(data)) as original:
            if original.format not in ACCEPTED_FORMATS:
                raise _corrupt()
            width, height = original.size
            if width * height > MAX_PIXELS:
                raise ReportError(_("Bilden har för många bildpunkter."), code="photo_too_large")
            _load_complete(original)
            upright = ImageOps.exif_transpose(original)
            clean = _pixels_only(upright)
    except ReportError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _corrupt() from None
    max_side = _limit("FIXAMINGATA_MAX_PHOTO_SIDE", MAX_SIDE)
    clean.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    name = f"{uuid.uuid4().hex}.jpg"
    return ProcessedPhoto(ContentFile(out.getvalue(), name=name), clean.width, clean.height)


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new RGB image with the pixels of ``image`` and nothing else (alpha on white)."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        base = Image.new("RGB", rgba.size, (255, 255, 255))
        base.paste(rgba, mask=rgba.getchannel("A"))
        source = base
    else:
        source = image.convert("RGB")
    clean = Image.new("RGB", source.size)
    clean.paste(source)
    return clean


def process_photos(uploads) -> list[ProcessedPhoto]:
    uploads = [u for u in (uploads or []) if u]
    if len(uploads) > MAX_PHOTOS:
        raise ReportError(
            _("Högst %(n)d bilder kan bifogas.") % {"n": MAX_PHOTOS}, code="too_many_photos"
        )
    return [process_photo(u) for u in uploads]
