"""A test certificate authority made in the test run: a root, and an agency's signing
certificate issued by it, packed as the PKCS#12 keystore an agency configures; `issue_tsa`
gives a timestamp authority's certificate from the same root (`tests/simulators/tsa.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASSPHRASE = "mat-khau-kho-khoa"


@dataclass(frozen=True)
class AgencyCa:
    """The root (to trust) and the agency's keystore (to sign with)."""

    root_pem: bytes
    root: asn1_x509.Certificate
    keystore: bytes  # PKCS#12, protected by PASSPHRASE
    signer_name: str
    root_key: rsa.RSAPrivateKey  # to issue more certificates (a TSA's)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Tỉnh Thử nghiệm"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def make_ca(signer_name: str = "UBND phường Minh Xuân", *, days: int = 365) -> AgencyCa:
    """A fresh root CA and an agency certificate valid from yesterday for `days`."""
    now = datetime.now(UTC) - timedelta(days=1)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root_name = _name("CA thử nghiệm motcua")
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=3650))
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
        .sign(root_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(signer_name))
        .issuer_name(root_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=days))
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    keystore = pkcs12.serialize_key_and_certificates(
        b"agency", key, cert, [root], serialization.BestAvailableEncryption(PASSPHRASE.encode())
    )
    root_der = root.public_bytes(serialization.Encoding.DER)
    return AgencyCa(
        root_pem=root.public_bytes(serialization.Encoding.PEM),
        root=asn1_x509.Certificate.load(root_der),
        keystore=keystore,
        signer_name=signer_name,
        root_key=root_key,
    )


@dataclass(frozen=True)
class TsaCertificate:
    """A timestamp authority's certificate (asn1crypto, as pyHanko takes it) and its key."""

    certificate: asn1_x509.Certificate
    key: asn1_keys.PrivateKeyInfo
    name: str


def issue_tsa(ca: AgencyCa, name: str = "TSA thử nghiệm motcua", *, days: int = 365) -> TsaCertificate:
    """A TSA certificate issued by `ca`'s root: extended key usage timeStamping, critical
    (RFC 3161 § 2.3), valid from yesterday for `days`."""
    now = datetime.now(UTC) - timedelta(days=1)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(_name("CA thử nghiệm motcua"))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca.root_key, hashes.SHA256())
    )
    key_der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return TsaCertificate(
        certificate=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        key=asn1_keys.PrivateKeyInfo.load(key_der),
        name=name,
    )
