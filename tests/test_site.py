"""The published website: page set, links, escaping, determinism, the folder.

The accessibility check (axe-core in Chromium) is tests/a11y/, run by .ci/run.
"""

from __future__ import annotations

import os
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import PLANS, python_in_new_process

from aarshjul.render.site import Abonnement, render_site
from aarshjul.services.publish import lag_nettsted
from aarshjul.storage.folder import MANIFEST, publish_folder

TODAY = date(2026, 12, 1)
URL = "https://intranett.example.no/aarshjul"


class _Side(HTMLParser):
    """Links, ids, and the text of a page, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lenker: list[str] = []
        self.ider: set[str] = set()
        self.tekst: list[str] = []
        self.tagger: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tagger.append((tag, a))
        for navn in ("href", "src", "xlink:href"):
            if a.get(navn):
                self.lenker.append(str(a[navn]))
        if a.get("id"):
            self.ider.add(str(a["id"]))

    def handle_data(self, data: str) -> None:
        self.tekst.append(data)


def _les(data: bytes) -> _Side:
    side = _Side()
    side.feed(data.decode("utf-8"))
    return side


def _site(plan, *, url: str | None = URL, keys: tuple[str, ...] | None = None) -> dict[str, bytes]:
    keys = tuple(plan.virksomheter) if keys is None else keys
    ab = {k: Abonnement(f"{k}.ics", f"{url}/{k}.ics" if url else None) for k in (*keys, "alle")}
    filer = render_site(lag_nettsted(plan, TODAY, keys, ab, None))
    # What the command adds beside the pages.
    filer.update({f"{k}.ics": b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n" for k in (*keys, "alle")})
    filer["plan.json"] = b"[]\n"
    return filer


@pytest.fixture(scope="module")
def real_site() -> dict[str, bytes]:
    from aarshjul.plan.loader import load_plan
    from aarshjul.plan.planfile import default_plan_path

    return _site(load_plan(default_plan_path()))


@pytest.fixture(scope="module")
def real() -> object:
    from aarshjul.plan.loader import load_plan
    from aarshjul.plan.planfile import default_plan_path

    return load_plan(default_plan_path())


def test_page_set_is_index_school_years_virksomheter_and_tiltak(real_site, real) -> None:
    sider = {n for n in real_site if n.endswith(".html")}
    forventet = {"index.html", "skoleaar-2027-28.html"}
    forventet |= {f"virksomhet-{k}.html" for k in real.virksomheter}
    forventet |= {f"tiltak-{t.id}.html" for t in real.tiltak}
    assert sider == forventet
    assert "stil.css" in real_site
    assert {"hjul-2026-27.svg", "hjul-2027-28.svg", "hjul-2026-27-barnehage.svg"} <= set(real_site)


def test_every_internal_link_and_anchor_resolves(real_site) -> None:
    sider = {n: _les(d) for n, d in real_site.items() if n.endswith(".html")}
    sjekket = 0
    for navn, side in sider.items():
        for lenke in side.lenker:
            if lenke.startswith(("webcal://", URL + "/")):
                fil = lenke.rsplit("/", 1)[1]
                assert fil in real_site, f"{navn}: {lenke}"
                continue
            assert "://" not in lenke and not lenke.startswith("//"), f"{navn}: ekstern lenke {lenke}"
            fil, _, anker = lenke.partition("#")
            fil = fil or navn
            assert fil in real_site, f"{navn}: {lenke} peker på en fil som ikke finnes"
            if anker:
                assert anker in sider[fil].ider, f"{navn}: {lenke} peker på et anker som ikke finnes"
            sjekket += 1
    assert sjekket > 1000


def test_each_page_has_lang_one_h1_and_headings_in_order(real_site) -> None:
    for navn, data in real_site.items():
        if not navn.endswith(".html"):
            continue
        side = _les(data)
        assert side.tagger[0] == ("html", {"lang": "nb"}), navn
        nivaaer = [int(t[1]) for t, _ in side.tagger if t in ("h1", "h2", "h3", "h4")]
        assert nivaaer.count(1) == 1 and nivaaer[0] == 1, navn
        for a, b in zip(nivaaer, nivaaer[1:]):
            assert b <= a + 1, f"{navn}: h{a} følges av h{b}"
        assert not [a for _, attrs in side.tagger for a in attrs if a.startswith("on")], navn
        assert not [t for t, _ in side.tagger if t == "script"], navn


def test_a_virksomhet_without_dated_duties_gets_a_sentence_instead_of_an_empty_wheel(real_site) -> None:
    side = real_site["virksomhet-kfu.html"].decode("utf-8")
    assert "<p>KFU (kommunalt foreldreutvalg) har ingen hendelser med dato i skoleåret 2026/27.</p>" in side
    assert "<svg" not in side and "hjul-2026-27-kfu.svg" not in side
    assert "hjul-2026-27-kfu.svg" not in real_site
    assert "<svg" in real_site["virksomhet-barnevern.html"].decode("utf-8")
    assert "hjul-2026-27-barnevern.svg" in real_site


def test_index_wheel_and_table_show_samba_in_august_december_march_may(real_site) -> None:
    index = _les(real_site["index.html"])
    # The wheel is in the page with its own title and description (role=img).
    svg = next(a for t, a in index.tagger if t == "svg")
    assert svg["role"] == "img" and svg["aria-labelledby"] == "wheel-title wheel-desc"
    # The text alternative: the SAMBA meetings of 2026/27 as table rows.
    samba = sorted(i for i in index.ider if i.startswith("samba.mote."))
    assert [i.split(".")[2][:7] for i in samba] == ["2026-08", "2026-12", "2027-03", "2027-05"]
    tekst = " ".join(index.tekst)
    assert "De neste 30 dagene" in tekst
    assert "tirsdag 15.12.2026" in tekst  # the SAMBA meeting in the next 30 days
    assert "Skoleåret 2026/27 måned for måned" in tekst


def test_virksomhet_page_has_role_kilde_assumed_and_subscription(real_site) -> None:
    data = real_site["virksomhet-barnehage.html"].decode()
    side = _les(real_site["virksomhet-barnehage.html"])
    assert "mobbing.evaluering.2027-03" in side.ider  # PMTO and mobbing evaluations: 31.03.2027
    rad = data.split('<tr id="mobbing.evaluering.2027-03"', 1)[1].split("</tr>", 1)[0]
    assert "onsdag 31.03.2027" in rad and "Evaluering" in rad
    assert ">ansvarlig<" in rad or ">deltar<" in rad
    assert "Kapittel 7.13" in rad
    assert "De neste 60 dagene" in data
    assert f'<code class="adresse">{URL}/barnehage.ics</code>' in data
    assert 'href="webcal://intranett.example.no/aarshjul/barnehage.ics"' in data
    assert 'href="barnehage.ics" download' in data
    for program in ("Outlook", "Outlook på nettet", "Google Kalender"):
        assert f"<dt>{program}</dt>" in data
    assert 'class="antatt"' in data and "antatt dato" in data


def test_without_url_only_the_download_is_offered(real) -> None:
    filer = _site(real, url=None, keys=("barnehage",))
    data = filer["virksomhet-barnehage.html"].decode()
    assert "webcal://" not in data and "https://" not in data
    assert 'href="barnehage.ics" download' in data
    assert "--url" in data


def test_only_the_chosen_virksomheter_get_pages(real) -> None:
    filer = _site(real, keys=("skole",))
    assert [n for n in filer if n.startswith("virksomhet-")] == ["virksomhet-skole.html"]
    assert 'href="virksomhet-skole.html"' in filer["index.html"].decode()
    assert "virksomhet-barnehage.html" not in filer["index.html"].decode()


def test_a_render_is_byte_identical_to_one_in_a_new_process(real, real_site, tmp_path: Path) -> None:
    """The same plan and day give the same files, whatever else this process rendered,
    and a second render here too."""
    import hashlib
    import json

    code = (
        "import hashlib, json, sys; from test_site import _site;"
        " from aarshjul.plan.loader import load_plan; from aarshjul.plan.planfile import default_plan_path;"
        " filer = _site(load_plan(default_plan_path()));"
        " print(json.dumps({n: hashlib.sha256(d).hexdigest() for n, d in filer.items()}))"
    )
    expected = json.loads(python_in_new_process(tmp_path, code))
    assert len(expected) > 20
    for filer in (real_site, _site(real)):
        assert {n: hashlib.sha256(d).hexdigest() for n, d in filer.items()} == expected


def test_hostile_plan_text_is_escaped_everywhere() -> None:
    from aarshjul.plan.loader import load_plan

    plan = load_plan(PLANS / "hostile.yaml")
    filer = _site(plan)
    for navn, data in filer.items():
        tekst = data.decode("utf-8")
        if navn.endswith((".html", ".svg")):
            assert "<script" not in tekst.lower(), navn
            assert "<svg onload" not in tekst.lower() and "<b>" not in tekst, navn
            assert "\x1b" not in tekst and "\x07" not in tekst, navn
    index = _les(filer["index.html"])
    lest = " ".join(index.tekst)
    assert "<script>alert(1)</script>" in lest  # shown as text, not run
    assert "Kommune <script>&\"'" in lest
    assert "PPT <b>&amp;</b>" in lest


# --- the folder ----------------------------------------------------------------------


def test_publish_writes_index_last_and_an_unchanged_rerun_touches_nothing(tmp_path: Path, real_site) -> None:
    mappe = tmp_path / "nett"
    første = publish_folder(mappe, real_site)
    assert første.skrevet[-1] == "index.html"
    assert set(første.skrevet) == set(real_site)
    foer = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in mappe.iterdir()}
    andre = publish_folder(mappe, real_site)
    assert andre.skrevet == () and andre.fjernet == ()
    assert {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in mappe.iterdir()} == foer


def test_foreign_files_are_left_alone_and_stale_own_files_removed(tmp_path: Path, real) -> None:
    mappe = tmp_path / "nett"
    mappe.mkdir()
    (mappe / "logo.png").write_bytes(b"\x89PNG")
    (mappe / ".htaccess").write_text("Options -Indexes\n")
    publish_folder(mappe, _site(real, keys=("skole", "barnehage")))
    assert (mappe / "virksomhet-barnehage.html").exists()
    resultat = publish_folder(mappe, _site(real, keys=("skole",)))
    assert set(resultat.fjernet) == {"virksomhet-barnehage.html", "barnehage.ics", "hjul-2026-27-barnehage.svg"}
    assert not (mappe / "virksomhet-barnehage.html").exists()
    assert (mappe / "logo.png").read_bytes() == b"\x89PNG"
    assert (mappe / ".htaccess").read_text() == "Options -Indexes\n"
    assert "logo.png" not in (mappe / MANIFEST).read_text()


def test_a_tampered_manifest_cannot_delete_outside_the_folder(tmp_path: Path, real) -> None:
    mappe = tmp_path / "nett"
    mappe.mkdir()
    utenfor = tmp_path / "viktig.txt"
    utenfor.write_text("behold")
    (mappe / "skjult").mkdir()
    (mappe / MANIFEST).write_text('{"filer": ["../viktig.txt", "/etc/passwd", "skjult", ".htaccess"]}')
    (mappe / ".htaccess").write_text("x")
    resultat = publish_folder(mappe, _site(real, keys=("skole",)))
    assert resultat.fjernet == ()
    assert utenfor.read_text() == "behold" and (mappe / "skjult").is_dir() and (mappe / ".htaccess").exists()


def test_manifest_names_aarshjul_never_writes_are_left_out_with_a_warning(tmp_path: Path, real) -> None:
    """A name too long for the file system made every later publish fail on removing it."""
    import json

    mappe = tmp_path / "nett"
    publish_folder(mappe, _site(real, keys=("skole", "barnehage")))
    data = json.loads((mappe / MANIFEST).read_text(encoding="utf-8"))
    data["filer"] += ["x" * 300 + ".html", "a\x00b.html", "\x1b[31m.html", 7, None]
    (mappe / MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    resultat = publish_folder(mappe, _site(real, keys=("skole",)))
    assert "virksomhet-barnehage.html" in resultat.fjernet
    assert resultat.advarsel == (
        f"«{mappe / MANIFEST}» har 5 ugyldige navn (ikke et filnavn aarshjul skriver); de er hoppet over, "
        "og ingen fil med et slikt navn er fjernet."
    )
    assert publish_folder(mappe, _site(real, keys=("skole",))).advarsel is None


def test_an_interrupted_publish_keeps_the_old_index(tmp_path: Path, real, monkeypatch: pytest.MonkeyPatch) -> None:
    import aarshjul.storage.folder as publish

    mappe = tmp_path / "nett"
    publish_folder(mappe, _site(real, keys=("skole",)))
    gammel_index = (mappe / "index.html").read_bytes()
    nye = _site(real, keys=("skole", "barnehage"))
    skrevet: list[str] = []
    ekte = publish.write_in_folder

    def feiler(sti: Path, data: bytes) -> None:
        if len(skrevet) == 5:
            raise KeyboardInterrupt
        skrevet.append(sti.name)
        ekte(sti, data)

    monkeypatch.setattr(publish, "write_in_folder", feiler)
    with pytest.raises(KeyboardInterrupt):
        publish_folder(mappe, nye)
    assert (mappe / "index.html").read_bytes() == gammel_index
    assert not [p for p in mappe.iterdir() if p.name.endswith(".tmp")]
    monkeypatch.setattr(publish, "write_in_folder", ekte)
    publish_folder(mappe, nye)
    assert (mappe / "index.html").read_bytes() == nye["index.html"]


def test_a_file_in_place_of_the_folder_is_a_clear_error(tmp_path: Path, real) -> None:
    from aarshjul.storage.output import OutputError

    fil = tmp_path / "nett"
    fil.write_text("x")
    with pytest.raises(OutputError, match="er en fil, ikke en mappe"):
        publish_folder(fil, _site(real, keys=("skole",)))
    assert fil.read_text() == "x"


@pytest.mark.skipif(os.geteuid() == 0, reason="root kan skrive overalt")
def test_a_read_only_folder_is_a_clear_error(tmp_path: Path, real) -> None:
    from aarshjul.storage.output import OutputError

    mappe = tmp_path / "nett"
    mappe.mkdir()
    mappe.chmod(0o555)
    try:
        with pytest.raises(OutputError, match="skrivetilgang"):
            publish_folder(mappe, _site(real, keys=("skole",)))
    finally:
        mappe.chmod(0o755)


def _kontrast(a: str, b: str) -> float:
    def lum(farge: str) -> float:
        c = [int(farge.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    la, lb = lum(a), lum(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def test_wheel_markers_and_ring_lines_have_3_to_1_against_the_rings() -> None:
    # WCAG 1.4.11: the graphical parts needed to read the wheel; ring fills from svg.py.
    from aarshjul.render.svg import LINE, SONE_COLOUR, TYPE_COLOUR

    for fyll in ("#EEF2F5", "#FAFBFC", "#ffffff"):
        assert _kontrast(LINE, fyll) >= 3.0, fyll
        for type_, farge in TYPE_COLOUR.items():
            assert _kontrast(farge, fyll) >= 3.0, (type_, fyll)
        # `wheel --farge sone`: the yellow zone was 2.4:1 on the darkest ring fill.
        for sone, farge in SONE_COLOUR.items():
            assert _kontrast(farge, fyll) >= 3.0, (sone, fyll)


def test_only_an_http_plan_url_becomes_a_link(real) -> None:
    from dataclasses import replace

    farlig = _site(replace(real, url="javascript:alert(1)"), keys=())["index.html"].decode()
    assert "javascript:" not in farlig and "Les hele planen" not in farlig
    trygg = _site(replace(real, url="https://www.sel.kommune.no/plan"), keys=())["index.html"].decode()
    assert '<a href="https://www.sel.kommune.no/plan">Les hele planen</a>' in trygg


# --- sign-offs: overdue and done, only when a sign-off database exists ----------


def _med_kvitteringer(plan, today: date, kvitteringer):
    ab = {k: Abonnement(f"{k}.ics", None) for k in ("barnehage", "alle")}
    return render_site(lag_nettsted(plan, today, ("barnehage",), ab, kvitteringer))


def test_mobbing_evaluation_unsigned_is_overdue_in_week_14_of_2027(real) -> None:
    side = _med_kvitteringer(real, date(2027, 4, 6), {})["virksomhet-barnehage.html"].decode()
    forfalt = side.split('<h2 id="forfalt">Forfalt</h2>', 1)[1].split("</section>", 1)[0]
    assert "onsdag 31.03.2027" in forfalt and "forfalt i 6 dager" in forfalt
    assert "mobbing" in forfalt.lower()
    rad = side.split('<tr id="mobbing.evaluering.2027-03">', 1)[1].split("</tr>", 1)[0]
    assert "forfalt i 6 dager" in rad
    assert "Ingenting er kvittert ut som gjort ennå." in side


def test_mobbing_evaluation_signed_off_25_03_2027_is_done(real) -> None:
    from aarshjul.model import KVITTERT, Kvittering

    kv = {"mobbing.evaluering.2027-03": [Kvittering("mobbing.evaluering.2027-03", KVITTERT, date(2027, 3, 25))]}
    side = _med_kvitteringer(real, date(2027, 4, 6), kv)["virksomhet-barnehage.html"].decode()
    forfalt = side.split('<h2 id="forfalt">Forfalt</h2>', 1)[1].split("</section>", 1)[0]
    assert "31.03.2027" not in forfalt
    utfoert = side.split('<h2 id="utfoert">', 1)[1].split("</section>", 1)[0]
    assert "Utført 25.03.2027" in utfoert and "etter fristen" not in utfoert
    rad = side.split('<tr id="mobbing.evaluering.2027-03">', 1)[1].split("</tr>", 1)[0]
    assert "Utført 25.03.2027" in rad


def test_without_a_sign_off_database_nothing_is_said_about_done_or_overdue(real) -> None:
    side = _med_kvitteringer(real, date(2027, 4, 6), None)["virksomhet-barnehage.html"].decode()
    assert 'id="forfalt"' not in side and 'id="utfoert"' not in side and "forfalt i" not in side


def test_duties_without_dates_are_listed_for_the_virksomhet_and_the_tiltak(real) -> None:
    from aarshjul.engine.select import uten_dato_for

    filer = _site(real)
    plikter = uten_dato_for(real, ["barnehage"])
    assert plikter, "the shipped plan has duties without dates for barnehage"
    side = filer["virksomhet-barnehage.html"].decode()
    del_ = side.split('<h2 id="uten-dato">Oppgaver uten dato</h2>', 1)[1].split("</section>", 1)[0]
    lest = " ".join(_les(del_.encode()).tekst)
    for _, plikt, rolle in plikter:
        assert plikt.tittel in lest and rolle is not None
    tiltak = plikter[0][0]
    assert "Oppgaver uten dato" in filer[f"tiltak-{tiltak.id}.html"].decode()


def test_the_front_page_title_is_the_plan_name_escaped_once(tmp_path: Path) -> None:
    from aarshjul.plan.loader import load_plan

    tekst = (PLANS / "mini.yaml").read_text(encoding="utf-8").replace("navn: Testplan", 'navn: "Plan & tiltak <2026>"', 1)
    (tmp_path / "plan.yaml").write_text(tekst, encoding="utf-8")
    side = _site(load_plan(tmp_path / "plan.yaml"), keys=("skole",))["index.html"].decode()
    assert "<title>Plan &amp; tiltak &lt;2026&gt;</title>" in side
