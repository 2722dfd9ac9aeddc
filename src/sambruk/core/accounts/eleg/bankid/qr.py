"""The animated QR code: ``bankid.<qrStartToken>.<seconds>.<hex(HMAC-SHA256(qrStartSecret, seconds))>``."""

from __future__ import annotations

import hashlib
import hmac
import io


def qr_auth_code(qr_start_secret: str, seconds: int) -> str:
    return hmac.new(
        qr_start_secret.encode("ascii"), str(int(seconds)).encode("ascii"), hashlib.sha256
    ).hexdigest()


def qr_data(qr_start_token: str, qr_start_secret: str, seconds: int) -> str:
    """The QR payload ``seconds`` whole seconds after the order was started."""
    seconds = max(0, int(seconds))
    return f"bankid.{qr_start_token}.{seconds}.{qr_auth_code(qr_start_secret, seconds)}"


def qr_svg(data: str) -> str:
    import qrcode
    import qrcode.image.svg

    img = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    buf = io.BytesIO()
    img.save(buf)
    return buf.getvalue().decode()
