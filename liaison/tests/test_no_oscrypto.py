"""oscrypto (pulled in by pyhanko-certvalidator) fails to find libcrypto on some machines and
breaks whatever imports it. No production path may import it: every view module of the URLconf,
every background task module and the signing of a PDF run without it.

The check runs in a fresh interpreter, since the test suite itself imports pyHanko's validator.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SCRIPT = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime, timedelta
    from pathlib import Path

    import django
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    folder = Path(sys.argv[1])
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Signer")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(1)
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    p12 = pkcs12.serialize_key_and_certificates(
        b"liaison", key, cert, None, serialization.NoEncryption()
    )
    (folder / "signer.p12").write_bytes(p12)

    django.setup()
    from django.conf import settings
    from django.urls import URLPattern, get_resolver

    settings.PDF_SIGNING_PKCS12 = str(folder / "signer.p12")

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback  # imports the view's module
            else:
                walk(pattern.url_patterns)

    walk(get_resolver().url_patterns)

    from liaison.tasks import app

    app.loader.import_default_modules()

    from liaison.pdf import render_pdf, sign_pdf

    signed = sign_pdf(render_pdf("<p>签名</p>"), reason="test")
    assert b"/ByteRange" in signed, "the PDF was not signed"
    print("views", len(sys.modules), "oscrypto" in sys.modules)
    """
)


def test_no_production_path_imports_oscrypto(tmp_path):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "liaison.settings",
        "SECRET_KEY": "only-for-this-check",
        "DEBUG": "0",
        "DATA_DIR": str(tmp_path),
        "ENV_FILE": str(tmp_path / "no.env"),
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    views, _modules, imported = result.stdout.split()
    assert views == "views"
    assert imported == "False"
