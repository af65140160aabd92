"""Personal data in a plan file: the plan names roles (Styrer, Rektor), never persons.

The plan is shipped in the wheel and exported to calendars and e-mail, so anything
in it is published. A fødselsnummer (or D-/H-nummer) is refused outright; e-mail
addresses and phone numbers are warnings, since a shared mailbox or a switchboard
number can be fine. Messages give the place, never the number itself: repeating it
in a cron mail would spread it further.

Fødselsnummer layout and control digits: https://no.wikipedia.org/wiki/F%C3%B8dselsnummer
(DDMMYY + three-digit individnummer + two mod-11 control digits; a D-nummer adds 40 to
the day, an H-nummer adds 40 to the month).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from pathlib import Path

from aarshjul.errors import Problem, UsageError

FNR_MELDING = "ser ut som et fødselsnummer; planen skal bare navngi roller, ikke personer."
EPOST_MELDING = "ser ut som en e-postadresse; planen og det som eksporteres skal navngi roller, ikke personer."
TELEFON_MELDING = "ser ut som et telefonnummer; planen og det som eksporteres skal navngi roller, ikke personer."

_K1_VEKTER = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2_VEKTER = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)

# Every fødselsnummer and phone number contains six digits with at most single spaces
# between them. Finding those first (plus "@" for e-mail) means only a handful of lines
# get the exact patterns: ~0.2 ms on the real plan, on every start.
_KANDIDAT = re.compile(r"[0-9](?: ?[0-9]){5,}")
# Eleven digits, or six and five with one space ("010190 12345"), not part of a longer number.
_FNR = re.compile(r"(?<![\d])(\d{6}) ?(\d{5})(?![\d])")
_EPOST = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
# Norwegian numbers have eight digits, the first 2-9. Without +47 we only take the usual
# groupings (22334455, 22 33 44 55, 412 34 567), so "2026 2027" is not a phone number;
# a neighbouring digit, dot, dash or letter means it is part of something else
# (01.08.2018, samba.mote.2026-12-01).
_TELEFON = re.compile(
    r"(?<![\w.,:/-])"
    r"(?:(?:\+|00)47[ ]?[2-9]\d(?:[ ]?\d){6}"
    r"|[2-9]\d{7}"
    r"|[2-9]\d [0-9]\d [0-9]\d [0-9]\d"
    r"|[2-9]\d\d [0-9]\d [0-9]\d\d)"
    r"(?![\w]|[.,:/-]\d)"
)


def er_foedselsnummer(digits: str) -> bool:
    """True for 11 digits with a plausible birth date (D- and H-nummer too) and valid k1, k2."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    d = [int(c) for c in digits]
    k1 = 11 - sum(w * x for w, x in zip(_K1_VEKTER, d)) % 11
    k1 = 0 if k1 == 11 else k1
    k2 = 11 - sum(w * x for w, x in zip(_K2_VEKTER, d)) % 11
    k2 = 0 if k2 == 11 else k2
    if k1 == 10 or k2 == 10 or k1 != d[9] or k2 != d[10]:
        return False
    dag, maaned, aar = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    if dag > 40:  # D-nummer
        dag -= 40
    if maaned > 40:  # H-nummer
        maaned -= 40
    if not 1 <= maaned <= 12:
        return False
    # The century is in the individnummer; a 29 February needs some leap year ending in YY.
    siste = max(calendar.monthrange(aarhundre + aar, maaned)[1] for aarhundre in (1900, 2000))
    return 1 <= dag <= siste


def scan_personal_data(text: str, path: Path | None) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) for personal data in the raw text of a plan, with line and column.

    Errors: anything that looks like a fødselsnummer. Warnings: e-mail addresses and
    Norwegian phone numbers. Comments count: the file itself is published.
    """
    errors: list[Problem] = []
    warnings: list[Problem] = []
    starts = {text.rfind("\n", 0, hit.start()) + 1 for hit in _KANDIDAT.finditer(text)}
    at = text.find("@")
    while at >= 0:
        starts.add(text.rfind("\n", 0, at) + 1)
        at = text.find("@", at + 1)
    for start in starts:
        end = text.find("\n", start)
        line = text[start : end if end >= 0 else len(text)]
        lineno = text.count("\n", 0, start) + 1
        for m in _FNR.finditer(line):
            if er_foedselsnummer(m[1] + m[2]):
                errors.append(Problem(path, lineno, m.start() + 1, FNR_MELDING))
        for m in _EPOST.finditer(line):
            warnings.append(Problem(path, lineno, m.start() + 1, EPOST_MELDING))
        for m in _TELEFON.finditer(line):
            warnings.append(Problem(path, lineno, m.start() + 1, TELEFON_MELDING))
    errors.sort(key=lambda p: (p.line or 0, p.column or 0))
    warnings.sort(key=lambda p: (p.line or 0, p.column or 0))
    return errors, warnings


# --- the parsed values ---------------------------------------------------
#
# The raw-text scan above misses what YAML turns into digits (escapes such as "\x31",
# a plain scalar folded over two lines, an escaped line break) and what hides between
# them (NBSP, two spaces, a zero-width space, a dash, dd.mm.yy) or spells them
# (full-width or Arabic-Indic digits). So every parsed value is checked too, normalised:
# NFKC, every Unicode digit as its value, invisible characters dropped, and any short
# run of spaces, dots, dashes or slashes allowed between the groups a fødselsnummer is
# written in. A bank account (1507.65.00565: 4+2+5) is not one of those groups.

_FNR_GRUPPER = ((11,), (6, 5), (6, 3, 2), (2, 2, 2, 5), (2, 2, 2, 3, 2))
_SKILLE = " .-/"
_GRUPPE_RUN = re.compile(r"[0-9]+(?:[ ./-]{1,3}[0-9]+)*")


def _normaliser(text: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFKC", text):
        if "0" <= ch <= "9":
            out.append(ch)
            continue
        value = unicodedata.decimal(ch, None)
        if value is not None:
            out.append(str(value))
        elif ch.isspace():
            out.append(" ")
        elif ch in _SKILLE or unicodedata.category(ch) == "Pd":  # any dash
            out.append("-" if ch not in _SKILLE else ch)
        elif unicodedata.category(ch) != "Cf":  # zero-width, bidi controls, BOM ... vanish
            out.append(ch)
    return "".join(out)


def finn_personnummer(text: str) -> bool:
    """True when text contains something that reads as a fødselsnummer (or D-/H-nummer),
    however it is spelt or spaced. For user text on the command line (--av, --merknad)
    and for every value in a plan."""
    # Fast path: most values have few digits. map() with the C method, not a generator:
    # every value of a plan comes here, ~2 ms of each start on the shipped plan.
    if len(text) < 11 or sum(map(str.isdigit, text)) < 11:
        return False
    for run in _GRUPPE_RUN.finditer(_normaliser(text)):
        grupper = re.findall(r"[0-9]+", run[0])
        lengder = [len(g) for g in grupper]
        for start in range(len(grupper)):
            for monster in _FNR_GRUPPER:
                if tuple(lengder[start:start + len(monster)]) == monster:
                    if er_foedselsnummer("".join(grupper[start:start + len(monster)])):
                        return True
    return False


def maskert(text: str) -> str:
    """text with the digits of each fødselsnummer in it shown as «*» (the groups it is
    written in, as finn_personnummer reads them): for text from outside the plan, such as
    a database row, in what cron mails."""
    if not finn_personnummer(text):
        return text
    tegn = list(text)
    for run in _GRUPPE_RUN.finditer(text):
        grupper = list(re.finditer(r"[0-9]+", run[0]))
        lengder = [len(g[0]) for g in grupper]
        for start in range(len(grupper)):
            for monster in _FNR_GRUPPER:
                del_ = grupper[start : start + len(monster)]
                if tuple(lengder[start : start + len(monster)]) == monster and er_foedselsnummer(
                    "".join(g[0] for g in del_)
                ):
                    for g in del_:
                        tegn[run.start() + g.start() : run.start() + g.end()] = "*" * len(g[0])
    ut = "".join(tegn)
    # Spelt some other way (other digits, invisible characters between them): every digit.
    return ut if not finn_personnummer(ut) else "".join("*" if c.isdigit() else c for c in ut)


def check_user_text(text: str, what: str) -> None:
    """Refuse user text (e.g. what = "--merknad") that contains a fødselsnummer."""
    if finn_personnummer(text):
        raise UsageError(f"{what} ser ut til å inneholde et fødselsnummer; skriv roller, ikke personer.")
