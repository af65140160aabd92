"""The commented starter plan that `aarshjul ny FIL` writes.

A kommune, three virksomheter and one hendelse of every kind of `når` rule, so a new
user can copy the shape of each. It passes `check` without warnings and validates
against `aarshjul schema` (tests/test_starter_plan_and_schema.py).
"""

from __future__ import annotations

STARTPLAN = """\
# yaml-language-server: $schema=plan.schema.json
# Startplan laget av «aarshjul ny». Bytt ut navn, datoer og hendelser med deres egne.
# Hver nøkkel er forklart i docs/plan-format.md. Sjekk filen med:
#   aarshjul check --plan {filnavn}
# Editoren kan sjekke mens du skriver: lagre skjemaet ved siden av planen med
#   aarshjul schema > plan.schema.json
# (VS Code med YAML-utvidelsen leser linjen øverst i filen).

plan:
  navn: Plan for tverrfaglig innsats
  kommune: Eksempel kommune
  kortnavn: Tverrfaglig innsats     # kort navn i kalendere og midt i årshjulet
  periode_fra: 01.08.2026
  periode_til: 31.07.2030
  uid_domene: eksempel.kommune.no   # et domene kommunen eier: gjør kalenderoppføringene unike
  stengte_dager: ["24.12", "31.12"] # dager kommunen holder stengt, i tillegg til helligdagene
  # Skoleferier: møter og aktiviteter flyttes ut av dem; frister blir stående.
  ferier:
    - {{navn: Vinterferie, uker: [9]}}
    - {{navn: Høstferie, fra: 05.10.2026, til: 09.10.2026}}
  # Eller skoleruta som CSV (åpne data), én fil per skoleår, stien regnet fra denne filen:
  # ferier_fil: [skolerute-2026-27.csv, skolerute-2027-28.csv]
  # Bare disse følger skoleruta (uten linjen: alle); barnehagene er åpne i høstferien:
  # ferier_gjelder: [skole]

# Hvem som har ansvar eller deltar. Nøkkelen (til venstre) brukes i resten av filen.
virksomheter:
  barnehage:
    navn: Barnehagene
    leder: Styrer
  skole:
    navn: Skolene
    leder: Rektor
  helsestasjon:
    navn: Helsestasjonen

# Datoer som ikke er kjent ennå: sett «dato: null» til dagen er kjent.
datoer:
  nytt_team:
    navn: Det nye teamet er i gang
    dato: 01.09.2026

tiltak:
  - id: samarbeid
    navn: Tverrfaglig samarbeidsteam
    kilde: "3.1"                    # kapittel i planen, eller f.eks. "Barnevernsloven § 15-1"
    ansvar: [helsestasjon]
    deltakere: [barnehage, skole]
    hendelser:
      # måneder + dag: første mandag i noen måneder, med klokkeslett og sted.
      - id: mote
        tittel: Møte i samarbeidsteamet
        type: møte
        når: {{måneder: [september, november, februar, april], dag: første mandag}}
        tid: "09:00-11:00"
        sted: "Rådhuset, møterom 1"
      # ukentlig: hver uke, men ikke i juli.
      - id: kontortid
        tittel: Åpen kontortid
        type: aktivitet
        når: {{ukentlig: onsdag, unntatt_måneder: [juli]}}
        flytt: hopp_over
      # etter: en tid etter hver forekomst av en annen hendelse.
      - id: referat
        tittel: Referat sendt ut
        type: frist
        når: {{etter: mote, innen: 1 uke}}
        varsel: 3
      # innen_utgangen_av: innen siste dag i måneden, annethvert år.
      - id: evaluering
        tittel: Evaluering av samarbeidsteamet
        type: evaluering
        når: {{innen_utgangen_av: [juni], hvert_år: 2, startår: 2027}}

  - id: overgang
    navn: Overgang barnehage–skole
    kilde: "kapittel 4"
    ansvar: [barnehage, skole]
    hendelser:
      # uker + dag: mandag i ISO-uke 9 og 40 hvert år.
      - id: kartlegging
        tittel: Kartlegging levert
        type: frist
        når: {{uker: [9, 40], dag: mandag}}
        unngå_ferier: ja              # uke 9 er vinterferie: fristen flyttes en uke tidligere
      # etter "dd.mm": tre uker etter 15. august hvert år.
      - id: foreldremote
        tittel: Foreldremøte etter oppstart
        type: møte
        når: {{etter: "15.08", innen: 3 uker}}
        flytt: tidligere
      # fra + til: et vindu, én forekomst som varer fra 1. mai til 12. juni hvert år.
      # fra_uke + til_uke gjør det samme med uker: mandag i uke 36 til fredag i uke 38.
      - id: overgangsmoter
        tittel: Overgangsmøter
        type: aktivitet
        når: {{fra: "01.05", til: "12.06"}}
      # før_ferie: siste skoledag før hver vinterferie; med dag: den ukedagen i den uka.
      - id: samtaler
        tittel: Utviklingssamtaler før vinterferien
        type: møte
        når: {{før_ferie: Vinterferie, dag: tirsdag}}
      # dato: én gang.
      - id: evaluering
        tittel: Evaluering av overgangsrutinen
        type: evaluering
        når: {{dato: 15.06.2027}}

  - id: team
    navn: Nytt familieteam
    kilde: "Kommunestyrets vedtak 12/2026"
    ansvar: [helsestasjon]
    # Et tiltak uten evaluering sier hvorfor, så «check» ikke advarer:
    uten_evaluering: "Teamet evalueres i helsestasjonens årsrapport."
    hendelser:
      # etter_dato: en tid etter en dato under «datoer».
      - id: oppstart
        tittel: Første statusmøte i familieteamet
        type: møte
        når: {{etter_dato: nytt_team, innen: 3 måneder}}
      # rrule (for viderekomne): en RFC 5545-regel, her andre torsdag annenhver måned.
      - id: fagmote
        tittel: Fagmøte
        type: møte
        når: {{rrule: "FREQ=MONTHLY;INTERVAL=2;BYDAY=2TH", start: 01.09.2026}}
"""


def startplan(filnavn: str) -> str:
    """The starter plan's text; `filnavn` goes into the comment that says how to check it."""
    trygt = "".join(ch for ch in filnavn if ch.isprintable())  # it goes into a YAML comment line
    return STARTPLAN.format(filnavn=trygt)
