"""`aarshjul ny` and `aarshjul schema`: getting started without copying another kommune's file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aarshjul.cli.common import print_text
from aarshjul.errors import AarshjulError


def ny_cmd(
    fil: Annotated[
        str, typer.Argument(metavar="FIL", help="Filen som skal lages, f.eks. plan.yaml.", show_default=False)
    ],
) -> None:
    """Lag en ny plan med kommentarer: en kommune, tre virksomheter og én hendelse av hver regel.

    Filen består «aarshjul check». Finnes filen fra før, blir den ikke skrevet over.

    Eksempel: aarshjul ny plan.yaml
    """
    from aarshjul.plan.starter import startplan
    from aarshjul.storage.output import write_atomic

    path = Path(fil)
    if fil == "-":
        print_text(startplan("plan.yaml"))
        return
    if path.exists() or path.is_symlink():
        raise AarshjulError(f"{fil} finnes allerede; «ny» skriver ikke over en fil. Velg et annet navn.")
    write_atomic(path, startplan(path.name).encode("utf-8"))
    typer.echo(f"Skrev {fil}. Sjekk den med: aarshjul check --plan {fil}", err=True)


def schema_cmd() -> None:
    """Skriv et JSON-skjema (draft 2020-12) for plan.yaml, så editoren kan sjekke filen mens du skriver.

    Lagre det ved siden av planen og sett denne linjen øverst i plan.yaml (VS Code med YAML-utvidelsen):
    # yaml-language-server: $schema=plan.schema.json

    Eksempel: aarshjul schema > plan.schema.json
    """
    import json

    from aarshjul.plan.schema import plan_schema

    print_text(json.dumps(plan_schema(), ensure_ascii=False, indent=2) + "\n")
