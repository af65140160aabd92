"""The stable occurrence key (nøkkel): which occurrence is "the same" across plan edits.

A Forekomst's `id` contains its final date ("samba.mote.2026-12-15"), so a holiday move
or an edited day rule ("3. tirsdag" → "2. tirsdag") gives it a new id. Sign-offs, ICS UIDs
and the website's anchors need something that survives that: the *periode* the
occurrence belongs to, taken from the rule's own date before any move:

| rule (model)                      | periode            | example nøkkel                      |
| --------------------------------- | ------------------ | ----------------------------------- |
| måneder (Maanedlig)               | "YYYY-MM"          | samba.mote.2026-12                  |
| uker / ukedag (ISO weeks, weekly) | "YYYY-Www"         | ressursteam.fast_dag.2026-W49       |
| yearly anchor (`etter: "15.08"`)  | "YYYY"             | foreldremote.mote.2026              |
| vindu (`fra_uke`, `fra`: a span)  | "YYYY" it starts † | prover.gjennomfoering.2026          |
| one-off date, etter_dato          | "engang"           | mobbing.plan_ferdig.engang          |
| `etter:` another hendelse         | the base's periode | kompetanseheving.evaluering.2026-08 |
| raw RRULE                         | the rule's date    | x.y.2027-03-02                      |
| før_ferie / etter_ferie           | "YYYY" of start *  | samtaler.hoest.2026                 |

† for `fra_uke` the ISO year: uke 1 of 2019 starts 31.12.2018.
* the year the ferie starts; its start date ("2026-11-13") when a ferie of that name
  starts more than once that year (planleggingsdager), so each still has its own key.

So one hendelse has at most one occurrence per periode, and the key changes only when
the occurrence moves to another periode (a meeting moved from March to April is a
different meeting). This module is the one place that decides it (docs/GLOSSARY.md:
nøkkel, periode); expand.py calls it, the store, the ICS UIDs and the website use
Forekomst.nokkel.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

ENGANG = "engang"


@lru_cache(maxsize=8192)  # the same dates come back for every hendelse
def maaned_periode(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


@lru_cache(maxsize=8192)  # the same dates come back for every hendelse
def uke_periode(d: date) -> str:
    aar, uke, _ = d.isocalendar()
    return f"{aar:04d}-W{uke:02d}"


def aar_periode(d: date | int) -> str:
    """"2026": the year of a date, or a year given as a number (a week vindu's ISO year,
    whose Monday of week 1 can lie in the year before)."""
    return f"{d if isinstance(d, int) else d.year:04d}"


def dato_periode(d: date) -> str:
    return d.isoformat()


def nokkel_prefiks(tiltak_id: str, hendelse_id: str) -> str:
    """What every nøkkel of a hendelse starts with: nokkel() is this + periode."""
    return f"{tiltak_id}.{hendelse_id}."


def nokkel(tiltak_id: str, hendelse_id: str, periode: str) -> str:
    return nokkel_prefiks(tiltak_id, hendelse_id) + periode


# What a nøkkel and a forekomst id look like (the table above): what an imported sign-off
# must match, so that text from a file never reaches a terminal as a key.
_ID = r"[a-z0-9][a-z0-9_-]*\.[a-z0-9][a-z0-9_-]*\."
NOKKEL_FORM = re.compile(_ID + r"(?:[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?|-W[0-9]{2})?|" + ENGANG + ")")
FOREKOMST_ID_FORM = re.compile(_ID + r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
