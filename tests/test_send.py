"""`aarshjul send` into a real SMTP server (aiosmtpd on 127.0.0.1): each recipient gets the
week once, readable as text and HTML, and what fails is sent on the next run."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import PLANS

aiosmtpd = pytest.importorskip("aiosmtpd")

MINI = PLANS / "mini.yaml"
UKE49 = "01.12.2026"  # SAMBA-møte tirsdag 01.12.2026 for skole (deltar)


class Mottak:
    """aiosmtpd's handler: keeps every message; refuses a listed recipient (once)."""

    def __init__(self) -> None:
        self.meldinger: list[email.message.EmailMessage] = []
        self.nekt: set[str] = set()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.nekt:
            self.nekt.discard(address)
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        m = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.meldinger.append(m)  # type: ignore[arg-type]
        return "250 Message accepted"


@pytest.fixture
def smtp() -> Iterator[tuple[Mottak, int]]:
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    mottak = Mottak()
    c = Controller(mottak, hostname="127.0.0.1", port=port)
    c.start()
    try:
        yield mottak, port
    finally:
        c.stop()


def _config(tmp_path: Path, port: int, mottakere: str | None = None) -> Path:
    fil = tmp_path / "aarshjul.toml"
    fil.write_text(f"""\
database = "kvitteringer.sqlite"

[nettsted]
url = "https://intranett.kommune.no/aarshjul"

[epost]
fra = "aarshjul@kommune.no"
smtp_vert = "127.0.0.1"
smtp_port = {port}
sikkerhet = "ingen"

[mottakere]
{mottakere or 'skole = ["rektor@kommune.no", "inspektor@kommune.no"]'}
barnehage = ["styrer@kommune.no"]
""", encoding="utf-8")
    return fil


def _send(run, cfg: Path, *args: str) -> Any:  # type: ignore[no-untyped-def]
    return run("send", "--config", str(cfg), "--fra", UKE49, *args, plan=MINI)


def test_each_recipient_gets_the_week_once_as_text_and_html(run, smtp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mottak, port = smtp
    cfg = _config(tmp_path, port)
    r = _send(run, cfg)
    assert r.exit_code == 0, r.output
    assert sorted(str(m["To"]) for m in mottak.meldinger) == ["inspektor@kommune.no", "rektor@kommune.no"]
    m = mottak.meldinger[0]
    assert str(m["Subject"]) == "Årshjul uke 49 – Skole: 1 møte"
    assert str(m["From"]) == "aarshjul@kommune.no" and str(m["Auto-Submitted"]) == "auto-generated"
    assert str(m["Message-ID"]).endswith("@kommune.no>") and m["Date"] is not None
    assert m.get_content_type() == "multipart/alternative"
    tekst = m.get_body(("plain",)).get_content()
    html = m.get_body(("html",)).get_content()
    assert "SAMBA – SAMBA-møte" in tekst and "SAMBA – SAMBA-møte" in html
    assert "    https://intranett.kommune.no/aarshjul/virksomhet-skole.html" in tekst
    assert '<a href="https://intranett.kommune.no/aarshjul/virksomhet-skole.html">' in html
    assert "/lenke/" not in tekst  # no server set up here: no personal link
    # barnehage has nothing in week 49 of the test plan: nothing is sent to it.
    assert all(str(x["To"]) != "styrer@kommune.no" for x in mottak.meldinger)
    # The subject's æøå are encoded as RFC 2047 asks, on the wire.
    raw = m.as_bytes()
    assert b"Subject: =?utf-8?" in raw

    r = _send(run, cfg)
    assert r.exit_code == 0 and len(mottak.meldinger) == 2  # nothing twice
    r = _send(run, cfg, "--på-nytt")
    assert r.exit_code == 0 and len(mottak.meldinger) == 4


def test_a_refused_recipient_is_sent_on_the_next_run(run, smtp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mottak, port = smtp
    cfg = _config(tmp_path, port)
    mottak.nekt.add("inspektor@kommune.no")
    r = _send(run, cfg)
    assert r.exit_code == 1
    assert "Feil: inspektor@kommune.no (skole): serveren tok ikke imot mottakeren (550 5.1.1 Mailbox unavailable)" \
        in r.stderr
    assert [str(m["To"]) for m in mottak.meldinger] == ["rektor@kommune.no"]
    r = _send(run, cfg)
    assert r.exit_code == 0, r.output
    assert [str(m["To"]) for m in mottak.meldinger] == ["rektor@kommune.no", "inspektor@kommune.no"]


def test_the_server_down_records_nothing(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cfg = _config(tmp_path, port)
    r = _send(run, cfg)
    assert r.exit_code == 1
    linjer = r.stderr.strip().splitlines()
    assert len(linjer) == 2 and all(f"ikke sendt. Kan ikke sende e-post via 127.0.0.1:{port}" in x for x in linjer)
    assert not (tmp_path / "kvitteringer.sqlite").exists()


def test_to_a_folder_first_to_look_at(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cfg = _config(tmp_path, 25)
    ut = tmp_path / "eml"
    r = _send(run, cfg, "--til-mappe", str(ut))
    assert r.exit_code == 0, r.output
    filer = sorted(p.name for p in ut.iterdir())
    assert filer == ["skole-inspektor@kommune.no.eml", "skole-rektor@kommune.no.eml"]
    m = email.message_from_bytes((ut / filer[0]).read_bytes(), policy=email.policy.default)
    assert str(m["Subject"]).startswith("Årshjul uke 49 – Skole")
    assert not (tmp_path / "kvitteringer.sqlite").exists()  # nothing recorded as sent


def test_a_personal_link_when_the_server_is_set_up(run, smtp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from aarshjul.services.lenker import les_token

    mottak, port = smtp
    cfg = _config(tmp_path, port, 'skole = ["rektor@kommune.no"]')
    assert run("lenke", "-v", "skole", "--config", str(cfg), plan=MINI).exit_code == 0  # makes the key
    assert _send(run, cfg).exit_code == 0
    tekst = mottak.meldinger[0].get_body(("plain",)).get_content()
    lenke = next(x.strip() for x in tekst.splitlines() if "/lenke/" in x)
    assert lenke.startswith("https://intranett.kommune.no/aarshjul/lenke/")
    noekkel = (tmp_path / "lenkenokkel").read_bytes().strip()
    assert les_token(noekkel, lenke.rsplit("/", 1)[1], {"skole"}).virksomhet == "skole"


def test_without_a_config_or_recipients(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = run("send", plan=MINI)
    assert r.exit_code == 2 and "Fant ikke aarshjul.toml" in r.stderr
    tom = tmp_path / "aarshjul.toml"
    tom.write_text('[epost]\nfra = "a@kommune.no"\n', encoding="utf-8")
    r = run("send", "--config", str(tom), plan=MINI)
    assert r.exit_code == 2 and "ingen mottakere" in r.stderr


# --- Teams ------------------------------------------------------------------------------------


class _Webhook:
    """A Workflows webhook on 127.0.0.1: keeps every JSON body; answers 500 while `feil` > 0."""

    def __init__(self) -> None:
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.mottatt: list[dict[str, Any]] = []
        self.feil = 0
        hook = self

        class H(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                data = self.rfile.read(int(self.headers["Content-Length"]))
                if hook.feil:
                    hook.feil -= 1
                    self.send_response(500)
                else:
                    hook.mottatt.append(json.loads(data))
                    self.send_response(202)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/workflows/hook"


def _kort_gyldig(melding: dict[str, Any]) -> dict[str, Any]:
    """The fields the Adaptive Card schema (1.4) and Workflows require."""
    assert melding["type"] == "message"
    (vedlegg,) = melding["attachments"]
    assert vedlegg["contentType"] == "application/vnd.microsoft.card.adaptive"
    kort = vedlegg["content"]
    assert kort["type"] == "AdaptiveCard" and kort["version"] == "1.4"
    assert kort["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert kort["body"] and all(e["type"] == "TextBlock" and isinstance(e["text"], str) for e in kort["body"])
    for a in kort.get("actions", []):
        assert a["type"] == "Action.OpenUrl" and a["title"] and a["url"].startswith("https://")
    return kort


def test_a_teams_channel_gets_the_week_as_an_adaptive_card_once(run, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    hook = _Webhook()
    try:
        cfg = tmp_path / "aarshjul.toml"
        # https is required in the file; the test server speaks http on 127.0.0.1.
        cfg.write_text('database = "k.sqlite"\n[nettsted]\nurl = "https://intranett.kommune.no/aarshjul"\n'
                       '[teams]\nskole = "https://teams.example/hook"\nbarnehage = "https://teams.example/b"\n',
                       encoding="utf-8")  # fmt: skip
        from aarshjul.services import send as send_mod

        ekte = send_mod.Teams.lever

        def til_testserveren(self: Any, melding: Any) -> None:
            ekte(self, type(melding)(melding.virksomhet, melding.mottaker, kort=melding.kort, webhook=hook.url))

        monkeypatch.setattr(send_mod.Teams, "lever", til_testserveren)
        hook.feil = 1
        r = _send(run, cfg)
        assert r.exit_code == 1 and "Feil: teams (skole): webhooken svarte 500" in r.stderr
        assert hook.mottatt == []
        r = _send(run, cfg)
        assert r.exit_code == 0, r.output
        (melding,) = hook.mottatt  # barnehage's week is empty: no card
        kort = _kort_gyldig(melding)
        tekster = [e["text"] for e in kort["body"]]
        assert tekster[0] == "Uke 49 · 30. november–6. desember 2026 for Skole"
        assert any("**SAMBA – SAMBA\\-møte**" in t or "**SAMBA – SAMBA-møte**" in t for t in tekster)
        assert kort["actions"][0]["url"] == "https://intranett.kommune.no/aarshjul/virksomhet-skole.html"
        assert _send(run, cfg).exit_code == 0 and len(hook.mottatt) == 1  # nothing twice
    finally:
        hook.server.shutdown()


def test_a_teams_url_must_be_https(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cfg = tmp_path / "aarshjul.toml"
    cfg.write_text('[teams]\nskole = "http://teams.example/hook"\n', encoding="utf-8")
    r = _send(run, cfg)
    assert r.exit_code == 1 and f"{cfg}:2: «skole» skal være adressen til en Workflows-webhook" in r.stderr


def test_sendmail_takes_each_message(run, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    ut = tmp_path / "levert"
    ut.mkdir()
    # A sendmail that keeps what it gets, and refuses inspektor once.
    (bin_ / "sendmail").write_text(
        "#!/bin/sh\n"
        f'cat > "{ut}/melding.$$"\n'
        f'if grep -q "^To: inspektor@" "{ut}/melding.$$" && [ ! -e "{ut}/nektet" ]; then\n'
        f'  touch "{ut}/nektet"; rm "{ut}/melding.$$"; echo "sendmail: kø full" >&2; exit 75\n'
        "fi\n", encoding="utf-8")  # fmt: skip
    (bin_ / "sendmail").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_}:/usr/bin:/bin")
    cfg = _config(tmp_path, 25)
    r = _send(run, cfg, "--sendmail")
    assert r.exit_code == 1 and "Feil: inspektor@kommune.no (skole): sendmail avsluttet med kode 75: sendmail: kø full" \
        in r.stderr
    assert len(list(ut.glob("melding.*"))) == 1
    r = _send(run, cfg, "--sendmail")
    assert r.exit_code == 0, r.output
    meldinger = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in ut.glob("melding.*")]
    assert sorted(str(m["To"]) for m in meldinger) == ["inspektor@kommune.no", "rektor@kommune.no"]
