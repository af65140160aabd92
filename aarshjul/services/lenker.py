"""Personal links: a signed token that says «this is virksomhet V» (or the plan's ledelse,
the admin) until it expires. `aarshjul lenke` prints one; the weekly e-mail will carry
them; `serve` turns one into a browser session only when its button is pressed (a mail
scanner that opens every link signs nobody in).

Signing is itsdangerous' (Flask's own): URL-safe, timestamped, HMAC with the key in the
key file (storage/noekkel.py). The token holds the virksomhet's key and the link's
lifetime in days; the lifetime is checked against the signed timestamp, so a link cannot
be made to live longer. A new key invalidates every link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aarshjul.errors import AarshjulError

SALT = "aarshjul.lenke.v1"
MAKS_DAGER = 366
ADMIN = "admin"  # what a token for the plan's ledelse holds instead of a virksomhet


class LenkeError(AarshjulError):
    """A link that does not work: its message says why, in bokmål, without the token."""

    exit_code = 1


@dataclass(frozen=True)
class Innehaver:
    """Who a valid link (or a session made from one) speaks for."""

    virksomhet: str | None  # None: the admin
    admin: bool = False

    @property
    def kilde(self) -> str:
        """How a sign-off came in, for the store: «lenke:barnehage», «lenke:admin»."""
        return f"lenke:{ADMIN if self.admin else self.virksomhet}"


def _serializer(noekkel: bytes) -> Any:
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(noekkel, salt=SALT)


def lag_token(noekkel: bytes, virksomhet: str | None, dager: int, *, admin: bool = False) -> str:
    if not 1 <= dager <= MAKS_DAGER:
        raise LenkeError(f"--dager må være mellom 1 og {MAKS_DAGER} (fikk {dager}).")
    data: dict[str, Any] = {"d": dager}
    if admin:
        data["a"] = 1
    else:
        data["v"] = virksomhet
    return str(_serializer(noekkel).dumps(data))


def lag_lenke(noekkel: bytes, base_url: str, virksomhet: str | None, dager: int, *, admin: bool = False) -> str:
    """«https://intranett.kommune.no/aarshjul/lenke/TOKEN»."""
    return f"{base_url.rstrip('/')}/lenke/{lag_token(noekkel, virksomhet, dager, admin=admin)}"


def les_token(noekkel: bytes, token: str, virksomheter: set[str]) -> Innehaver:
    """Who the token speaks for; LenkeError when it is forged, damaged, expired or names
    a virksomhet the plan no longer has."""
    from itsdangerous import BadSignature, SignatureExpired

    if len(token) > 1000:
        raise LenkeError("Lenken er ikke gyldig.")
    try:
        data, utstedt = _serializer(noekkel).loads(token, max_age=MAKS_DAGER * 86400, return_timestamp=True)
    except SignatureExpired:
        raise LenkeError("Lenken er utløpt. Be om en ny.") from None
    except BadSignature:
        raise LenkeError(
            "Lenken er ikke gyldig (den kan være kopiert ufullstendig, eller nøkkelen er byttet)."
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("d"), int):
        raise LenkeError("Lenken er ikke gyldig.")
    import time

    # The same clock itsdangerous checks the signed timestamp with.
    if time.time() - utstedt.timestamp() > data["d"] * 86400:
        raise LenkeError("Lenken er utløpt. Be om en ny.")
    if data.get("a") == 1:
        return Innehaver(None, admin=True)
    v = data.get("v")
    if not isinstance(v, str) or v not in virksomheter:
        raise LenkeError("Lenken gjelder en virksomhet som ikke lenger finnes i planen.")
    return Innehaver(v)
