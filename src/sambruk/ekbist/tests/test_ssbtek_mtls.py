"""Mutual TLS to SSBTEK (SSBTEK_CLIENT_CERT / SSBTEK_CLIENT_KEY / SSBTEK_CA_CERT).

The simulator runs behind TLS on loopback and requires a client certificate signed by the
test CA (``ssl.CERT_REQUIRED``). Certificates are made in the test with ``cryptography``: a CA,
a server certificate for 127.0.0.1 (IP SAN), a client certificate, and a second CA with its own
client certificate.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import threading
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from sambruk.ekbist.ssbtek import types as t
from sambruk.ekbist.ssbtek.client import SsbtekClient, SsbtekConfig, SsbtekTransportError
from sambruk.ekbist.ssbtek.simulator import SimulatorApp, SimulatorConfig

QUERY = {
    "ingivare": t.Ingivare("2120001234", "Sandvikens kommun", "handl01"),
    "arendeidentitet": "EB-2026-17",
    "from_datum": dt.date(2026, 8, 1),
    "tom_datum": dt.date(2026, 10, 31),
    "syfte": "Utredning av rätt till ekonomiskt bistånd",
    "lagtext": "socialtjänstlagen (2025:400)",
}
TLS_ERROR = "Säker anslutning till SSBTEK misslyckades"


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Sambruk test"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def _write(path: Path, cert: x509.Certificate, key=None) -> None:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    if key is not None:
        path.with_suffix(".key").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )


def _ca(cn: str):
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(_name(cn))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def _leaf(ca_cert, ca_key, cn: str, *, server: bool):
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
    )
    if server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
    return builder.sign(ca_key, hashes.SHA256()), key


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """PEM files: ``ca.pem``, ``server.pem``/``.key``, ``client.pem``/``.key`` (test CA) and
    ``other-ca.pem``, ``other-client.pem``/``.key`` (another CA)."""
    d = tmp_path_factory.mktemp("pki")
    ca, ca_key = _ca("Sambruk test-CA")
    other, other_key = _ca("Annan CA")
    _write(d / "ca.pem", ca)
    _write(d / "other-ca.pem", other)
    _write(d / "server.pem", *_leaf(ca, ca_key, "127.0.0.1", server=True))
    _write(d / "client.pem", *_leaf(ca, ca_key, "Sandvikens kommun", server=False))
    _write(d / "other-client.pem", *_leaf(other, other_key, "Sandvikens kommun", server=False))
    return d


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _TlsServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    context: ssl.SSLContext

    def get_request(self):
        # Handshake in the request's own thread (a failing client must not block accept()).
        sock, addr = self.socket.accept()
        return self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

    def finish_request(self, request, client_address):
        try:
            request.do_handshake()
        except (ssl.SSLError, OSError):
            return  # the client is refused; nothing to answer
        super().finish_request(request, client_address)


@pytest.fixture
def tls_sim(pki):
    """The simulator over HTTPS on loopback, requiring a client certificate of the test CA."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_cert_chain(pki / "server.pem", pki / "server.key")
    context.load_verify_locations(pki / "ca.pem")
    server = make_server("127.0.0.1", 0, SimulatorApp(SimulatorConfig()), _TlsServer, _Quiet)
    server.context = context
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_port}/ssbtek"
    server.shutdown()
    server.server_close()


def _client(url, pki, *, cert="client", ca="ca") -> SsbtekClient:
    return SsbtekClient(
        SsbtekConfig(
            url=url,
            client_cert=str(pki / f"{cert}.pem") if cert else None,
            client_key=str(pki / f"{cert}.key") if cert else None,
            ca_cert=str(pki / f"{ca}.pem"),
            timeout=10,
        )
    )


def test_client_with_the_right_certificate_gets_an_answer(tls_sim, pki):
    result = _client(tls_sim, pki).hamta(
        personnummer="191212121212", agencies=("TNS", "AF"), **QUERY
    )
    assert result.agencies["TNS"].error is None
    assert [v.regnr for v in result.agencies["TNS"].data.fordon] == ["ABC123"]
    assert result.agencies["AF"].error is None


def test_settings_are_used(tls_sim, pki, settings):
    settings.SSBTEK_URL = tls_sim
    settings.SSBTEK_CLIENT_CERT = str(pki / "client.pem")
    settings.SSBTEK_CLIENT_KEY = str(pki / "client.key")
    settings.SSBTEK_CA_CERT = str(pki / "ca.pem")
    result = SsbtekClient().hamta(personnummer="191212121212", agencies=("TNS",), **QUERY)
    assert result.agencies["TNS"].error is None


@pytest.mark.parametrize(
    ("cert", "ca"),
    [
        pytest.param(None, "ca", id="no-client-certificate"),
        pytest.param("other-client", "ca", id="client-certificate-of-another-ca"),
        pytest.param("client", "other-ca", id="server-not-trusted"),
    ],
)
def test_refused_tls_gives_the_swedish_transport_error(tls_sim, pki, cert, ca):
    with pytest.raises(SsbtekTransportError) as refused:
        _client(tls_sim, pki, cert=cert, ca=ca).hamta(
            personnummer="191212121212", agencies=("TNS",), **QUERY
        )
    assert str(refused.value).startswith(TLS_ERROR), str(refused.value)
