"""`aarshjul wheel`: the årshjul as an SVG picture."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from aarshjul.cli.common import (
    State,
    VirksomhetOption,
    argv_text,
    parse_year_options,
    resolve_virksomheter,
    state,
    write_output,
)
from aarshjul.errors import UsageError


def _hjulaar(s: State, aar: str | None, skoleaar: str | None) -> Any:
    """The year of the wheel: --år, --skoleår or the current school year."""
    from aarshjul.render.svg import Hjulaar

    start, er_skoleaar = parse_year_options(s, aar, skoleaar)
    return Hjulaar.skoleaar_fra(start) if er_skoleaar else Hjulaar.kalenderaar(start)


def wheel_cmd(
    ctx: typer.Context,
    virksomhet: VirksomhetOption = None,
    aar: Annotated[
        str | None,
        typer.Option("--år", "--aar", metavar="ÅÅÅÅ", help="Et kalenderår, januar øverst."),
    ] = None,
    skoleaar: Annotated[
        str | None,
        typer.Option(
            "--skoleår", "--skoleaar", metavar="ÅÅÅÅ/ÅÅ",
            help="Et skoleår, august øverst. Standard: inneværende skoleår.",
        ),
    ] = None,
    tittel: Annotated[
        str | None,
        typer.Option(
            "--tittel", metavar="TEKST", help="Tittelen i midten. Standard: «Årshjul» og planens kortnavn.",
        ),
    ] = None,
    farge: Annotated[
        str,
        typer.Option(
            "--farge", metavar="type|sone", show_default=False,
            help="Farge etter hendelsestype (standard) eller etter sone (grønn/gul/rød).",
        ),
    ] = "type",
    ut: Annotated[
        str | None,
        typer.Option(
            "-o", "--ut", metavar="FIL", help="SVG-filen som skal skrives; «-» skriver til standard ut.",
        ),
    ] = None,
) -> None:
    """Tegn årshjulet som et SVG-bilde: én ring per tiltak, tolv måneder med klokka.

    Bildet er laget for A4 liggende. Hule markører er antatte datoer; den røde nålen er i dag.
    Har virksomheten ingen hendelser med dato i året, sier kommandoen det og skriver ingen fil.

    Eksempel: aarshjul wheel --virksomhet VIRKSOMHET -o hjul.svg
    """
    from aarshjul.engine.expand import expand, waiting
    from aarshjul.engine.planperiode import etter_perioden
    from aarshjul.render.svg import Farge, render_svg
    from aarshjul.services.ferier import ferier_i

    if ut is None:
        raise UsageError("Oppgi hvor bildet skal skrives, f.eks. -o hjul.svg (eller -o - for standard ut).")
    try:
        fargevalg = Farge(farge.strip().lower())
    except ValueError:
        raise UsageError(f"--farge: «{farge}» er ukjent; velg «type» eller «sone».") from None
    s = state(ctx)
    hjulaar = _hjulaar(s, aar, skoleaar)
    plan = s.plan()
    keys = resolve_virksomheter(plan, virksomhet)
    forekomster = expand(plan, hjulaar.fra, hjulaar.til, keys or None)
    if not forekomster:
        from aarshjul.render.common import virksomhet_navn

        hvem = " og ".join(virksomhet_navn(plan, k) for k in keys) if keys else "Planen"
        typer.echo(hjulaar.ingen_hendelser(hvem) + " Ingen fil er skrevet.", err=True)
        return
    data = render_svg(
        plan,
        forekomster,
        aar=hjulaar,
        today=s.today,
        tittel=argv_text(tittel) if tittel is not None else None,
        virksomheter=keys,
        farge=fargevalg,
        ventende=waiting(plan, keys or None),
        planperiode=etter_perioden(plan, hjulaar.fra, hjulaar.til),
        ferier=ferier_i(plan, hjulaar.fra, hjulaar.til, keys),
    )
    write_output(ut, data)
