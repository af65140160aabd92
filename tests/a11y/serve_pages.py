"""Write the pages only `aarshjul serve` shows into a folder, for the axe check.

    python tests/a11y/serve_pages.py MAPPE

The pages come from the real app through Flask's test client on the shipped plan, with
a sign-off in a temporary database, as a leader and as the admin sees them: the link's
button page, «Mine oppgaver», the confirmation before a replacement, the report, and
the messages for 403 and 404. Saved as serve-*.html beside the static site's pages, with
the stylesheet link made relative so file:// finds stil.css.
"""

from __future__ import annotations

import re
import sys
import tempfile
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def main(ut: Path) -> None:
    from aarshjul.services.lenker import lag_token
    from aarshjul.web import WebOppsett, create_app

    noekkel = b"a11y-key-a11y-key" * 4
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(WebOppsett(REPO / "data" / "plan.yaml", Path(tmp) / "k.sqlite", noekkel,
                                    idag=lambda: date(2026, 12, 1)))  # fmt: skip
        sider: dict[str, str] = {}

        def csrf(html: str) -> str:
            m = re.search(r'name="csrf_token" value="([^"]+)"', html)
            assert m, html[:300]
            return m.group(1)

        leder = app.test_client()
        lenke = f"/lenke/{lag_token(noekkel, 'barnehage', 30)}"
        sider["lenke"] = leder.get(lenke).text
        leder.post(lenke, data={"csrf_token": csrf(sider["lenke"])})
        mine = leder.get("/mine").text
        felt = {"csrf_token": csrf(mine), "id": "kvello.observasjon.2026-10-30", "virksomhet": "barnehage"}
        leder.post("/kvitter", data=felt)
        sider["mine"] = leder.get("/mine").text
        sider["erstatt"] = leder.post("/kvitter", data=felt).text
        sider["ikke-tilgang"] = leder.get("/rapport").text
        sider["finnes-ikke"] = leder.get("/finnes-ikke.html").text
        admin = app.test_client()
        lenke = f"/lenke/{lag_token(noekkel, None, 30, admin=True)}"
        admin.post(lenke, data={"csrf_token": csrf(admin.get(lenke).text)})
        sider["mine-admin"] = admin.get("/mine").text
        sider["rapport"] = admin.get("/rapport").text
    for navn, html in sider.items():
        html = html.replace('href="/stil.css"', 'href="stil.css"')
        (ut / f"serve-{navn}.html").write_text(html, encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
