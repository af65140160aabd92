"""A synthetic plan the size of Norway's largest kommune, for the nightly-publish bench.

15 bydeler, each with 12 skoler, 20 barnehager, a helsestasjon, a barnevern and a PPT
(35 virksomheter), and three groups per bydel (all of it, its skoler, its barnehager):
525 virksomheter and 45 groups. 60 tiltak of 5 hendelser each, owned by the groups,
with the recurrence forms of the real plan (months and a weekday, end of a month,
a fixed date, `etter:`, a weekly meeting).

    python bench/storby.py PATH                  # writes the plan to PATH
    python bench/storby.py PATH --bydeler 143    # 5,005 virksomheter, 572 tiltak: ten
                                                 # times the city, 4 tiltak per bydel as in it

The text is a pure function of nothing: the same bytes every run, so two versions of
the program can be compared on it byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

BYDELER = 15
SKOLER = 12
BARNEHAGER = 20
TILTAK = 60

_MAANED = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
           "september", "oktober", "november", "desember")


def _bydel_enheter(b: int) -> list[str]:
    return ([f"skole_{b:02d}_{s:02d}" for s in range(1, SKOLER + 1)]
            + [f"barnehage_{b:02d}_{h:02d}" for h in range(1, BARNEHAGER + 1)]
            + [f"helsestasjon_{b:02d}", f"barnevern_{b:02d}", f"ppt_{b:02d}"])


def storby_linjer(bydeler: int = BYDELER, tiltak: int = TILTAK) -> Iterator[str]:
    """The plan's lines, each with its newline. Fewer bydeler and tiltak give the same
    shape smaller (bench/run.py --quick); the defaults are the big city."""
    yield from (linje + "\n" for linje in (
        "plan:",
        "  navn: Handlingsplan for tidlig innsats (syntetisk storby)",
        "  kommune: Storby kommune",
        "  periode_fra: 01.08.2024",
        "  periode_til: 31.07.2030",
        "  uid_domene: storby.example.no",
        '  stengte_dager: ["24.12", "31.12"]',
        "virksomheter:",
    ))
    for b in range(1, bydeler + 1):
        enheter = _bydel_enheter(b)
        for s in range(1, SKOLER + 1):
            yield f"  skole_{b:02d}_{s:02d}: {{navn: Skole {s} i bydel {b}, leder: Rektor}}\n"
        for h in range(1, BARNEHAGER + 1):
            yield f"  barnehage_{b:02d}_{h:02d}: {{navn: Barnehage {h} i bydel {b}, leder: Styrer}}\n"
        yield f"  helsestasjon_{b:02d}: {{navn: Helsestasjon bydel {b}, leder: Ledende helsesykepleier}}\n"
        yield f"  barnevern_{b:02d}: {{navn: Barnevern bydel {b}, leder: Barnevernleder}}\n"
        yield f"  ppt_{b:02d}: {{navn: PPT bydel {b}, leder: PPT-leder}}\n"
        yield f"  bydel_{b:02d}: {{navn: Bydel {b} (alle), medlemmer: [{', '.join(enheter)}]}}\n"
        yield f"  skoler_{b:02d}: {{navn: Skolene i bydel {b}, medlemmer: [{', '.join(enheter[:SKOLER])}]}}\n"
        yield (f"  barnehager_{b:02d}: {{navn: Barnehagene i bydel {b}, "
               f"medlemmer: [{', '.join(enheter[SKOLER:SKOLER + BARNEHAGER])}]}}\n")
    yield "tiltak:\n"
    grupper = ("bydel", "skoler", "barnehager")
    for t in range(1, tiltak + 1):
        b, k = (t - 1) % bydeler + 1, (t - 1) // bydeler
        ansvar = f"{grupper[k % 3]}_{b:02d}"
        deltar = f"{grupper[(k + 1) % 3]}_{b:02d}"
        m1, m2 = _MAANED[t % 12], _MAANED[(t + 6) % 12]
        yield from (linje + "\n" for linje in (
            f"  - id: t{t:02d}",
            f"    navn: Tiltak {t} – «tidlig innsats» i bydel {b}",
            f'    kilde: "7.{t % 20 + 1}"',
            f"    sone: {('grønn', 'gul', 'rød')[t % 3]}",
            f"    ansvar: [{ansvar}]",
            f"    deltakere: [{deltar}]",
            "    hendelser:",
            "      - id: mote",
            f"        tittel: Møte i tiltak {t}",
            "        type: møte",
            "        når: {måneder: [august, desember, mars, mai], dag: første tirsdag}",
            "        antatt: Planen sier bare måned.",
            '        tid: "09:00-11:00"',
            "      - id: frist",
            f"        tittel: Frist i tiltak {t}",
            "        type: frist",
            f"        når: {{innen_utgangen_av: [{m1}, {m2}]}}",
            "      - id: evaluering",
            f"        tittel: Evaluering av tiltak {t}",
            "        type: evaluering",
            "        når: {etter: mote, innen: 1 måned}",
            "      - id: aktivitet",
            f"        tittel: Aktivitet i tiltak {t} (æøå)",
            "        type: aktivitet",
            f"        når: {{dato: {1 + t % 28:02d}.{1 + t % 12:02d}.2027}}",
            "      - id: ukemote",
            f"        tittel: Ukemøte i tiltak {t}",
            "        type: møte",
            (
                "        når: {ukentlig: torsdag, unntatt_måneder: [juli]}"
                if t % 4 == 0
                else "        når: {måneder: [november], dag: siste fredag}"
            ),
        ))


def skriv_storby(path: Path, bydeler: int = BYDELER, tiltak: int = TILTAK) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.writelines(storby_linjer(bydeler, tiltak))


def main(argv: list[str] | None = None) -> None:
    import argparse

    p = argparse.ArgumentParser(description="Skriv en syntetisk storbyplan til PATH.")
    p.add_argument("path", type=Path)
    p.add_argument(
        "--bydeler", type=int, default=BYDELER, help=f"antall bydeler à 35 virksomheter (standard {BYDELER})"
    )
    p.add_argument("--tiltak", type=int, help=f"antall tiltak (standard 4 per bydel: {TILTAK} for {BYDELER})")
    args = p.parse_args(argv)
    skriv_storby(args.path, args.bydeler, args.tiltak or 4 * args.bydeler)


if __name__ == "__main__":
    main()
