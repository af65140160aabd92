"""Load and validate plan.yaml into the model: load_plan(path) -> Plan.

The loader is split by what changes together:
- yamlnodes.py reads the file and walks YAML nodes with their marks (text, ids,
  numbers, dates, lists), so every problem has a line and column;
- this module knows the plan's sections and keys and builds Plan, Virksomhet,
  NavngittDato, Tiltak and Hendelse. A new key: add it to the key tuple below and
  read it in the section's method;
- naar.py reads the `når` rules into a Gjentakelse;
- refs.py checks the references between them (virksomheter, hendelser, datoer)
  and the `etter:` cycles once everything is read.
Which plan file to use is in planfile.py.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from aarshjul.dates import normalize, parse_dato, parse_tidsrom
from aarshjul.errors import PlanError, Problem, UsageError
from aarshjul.model import (
    Ferie,
    Flytt,
    Hendelse,
    HendelseType,
    Kvitteringsform,
    NavngittDato,
    Plan,
    Sone,
    Tiltak,
    UtenDato,
    Virksomhet,
)
from aarshjul.plan.naar import parse_naar, unntatt_maaneder
from aarshjul.plan.privacy import FNR_MELDING, finn_personnummer, scan_personal_data
from aarshjul.plan.pyyaml import yaml
from aarshjul.plan.refs import Ref, Refs, check_ferienavn, check_refs
from aarshjul.plan.yamlnodes import Walker, compose, describe, read_plan_text

MAX_STENGTE = 40  # keeps a run of closed days well inside expand.MARGIN

# --- the plan's sections and their keys ---------------------------------------------

_TOP_KEYS = ("plan", "virksomheter", "datoer", "tiltak")
_TOP_REQUIRED = ("plan", "virksomheter", "tiltak")
_PLAN_KEYS = (
    "navn", "kommune", "kortnavn", "url", "periode_fra", "periode_til", "videreført", "videreført_antatt",
    "uid_domene", "stengte_dager", "ferier", "ferier_fil", "ferier_gjelder", "rapport_tittel", "ledelse",
)  # fmt: skip
_PLAN_REQUIRED = ("navn", "kommune")
_VIRKSOMHET_KEYS = ("navn", "aliaser", "leder", "ekstern", "medlemmer", "kvittering")
_VIRKSOMHET_REQUIRED = ("navn",)
_DATO_KEYS = ("navn", "dato")
_TILTAK_KEYS = (
    "id", "navn", "kilde", "sone", "beskrivelse", "ansvar", "deltakere", "hendelser", "uten_evaluering",
    "uten_dato", "ansvar_antatt", "deltakere_antatt", "kvittering",
)  # fmt: skip
_TILTAK_REQUIRED = ("id", "navn", "kilde", "ansvar")  # and hendelser or uten_dato
# A duty without a date: shown by `tiltak`, counted by `check`, never expanded.
_UTEN_DATO_KEYS = ("id", "tittel", "ansvar", "deltakere", "kilde", "beskrivelse", "ansvar_antatt")
_UTEN_DATO_REQUIRED = ("id", "tittel")
_HENDELSE_KEYS = (
    "id", "tittel", "type", "når", "antatt", "tid", "varsel", "flytt", "ansvar", "deltakere",
    "kilde", "beskrivelse", "gyldig_fra", "gyldig_til", "minimum_per_år", "sted", "unngå_ferier",
    "ansvar_antatt", "deltakere_antatt", "lagt_til", "kvittering",
)  # fmt: skip
_FERIE_KEYS = ("navn", "fra", "til", "uker")
_FERIE_REQUIRED = ("navn",)
_HENDELSE_REQUIRED = ("id", "tittel", "type", "når")
# The `når` keys and rules are in naar.py.


def load_plan(path: str | Path) -> Plan:
    """Read, parse and validate a plan file. Raises PlanError listing every problem."""
    path = Path(path)
    text = read_plan_text(path)
    personal_errors, advarsler = scan_personal_data(text, path)
    if personal_errors:
        raise PlanError(personal_errors)
    root = compose(text, path)
    walker = Walker(path, [])
    if root is None:
        raise PlanError([Problem(path, None, None, "filen er tom (eller har bare kommentarer).")])
    if not walker.check_tags(root):
        raise PlanError(walker.problems)
    personal_errors = [
        Problem(path, node.start_mark.line + 1, node.start_mark.column + 1, FNR_MELDING)
        for node in walker.scalars(root)
        if finn_personnummer(node.value)
    ]
    if personal_errors:  # what YAML unescaped or folded, or what is spelt or spaced oddly
        raise PlanError(personal_errors)
    plan = _Builder(walker).build(root)
    if walker.problems or plan is None:
        raise PlanError(walker.problems)
    return replace(plan, advarsler=tuple(advarsler)) if advarsler else plan


class _Builder:
    """Builds the Plan from the root node, one method per section."""

    def __init__(self, walker: Walker) -> None:
        self.w = walker
        self.refs = Refs()
        # (tiltak id, hendelse id) of the hendelser with their own `unngå_ferier:`;
        # the others follow ferier_gjelder (_ferier_per_virksomhet).
        self.egen_ferieregel: set[tuple[str, str]] = set()

    def build(self, root: yaml.Node) -> Plan | None:
        w = self.w
        top = w.mapping(root, "Planen", _TOP_KEYS, _TOP_REQUIRED)
        if top is None:
            return None
        head = self._plan_head(top["plan"]) if "plan" in top else None
        virksomheter = self._virksomheter(top["virksomheter"]) if "virksomheter" in top else {}
        datoer = self._datoer(top["datoer"]) if "datoer" in top else {}
        tiltak = self._tiltak_list(top["tiltak"]) if "tiltak" in top else ()
        check_refs(w, self.refs, virksomheter, datoer, tiltak)
        check_ferienavn(w, self.refs, head.get("ferier", ()) if head is not None else ())
        if head is None:
            return None
        plan = Plan(virksomheter=virksomheter, datoer=datoer, tiltak=tiltak,
                    kilde_fil=w.path, **head)  # fmt: skip
        return self._ferier_per_virksomhet(plan)

    def _ferier_per_virksomhet(self, plan: Plan) -> Plan:
        """With `ferier_gjelder:`, a møte or aktivitet without its own `unngå_ferier:`
        avoids the ferier only when one of its virksomheter (ansvar or deltakere) follows
        the school calendar (plan/ferier.py foelger_ferier); a group counts when it or a
        member does. Without ferier_gjelder every virksomhet does, as set per hendelse."""
        if plan.ferier_gjelder is None or self.w.problems:
            return plan
        from aarshjul.plan.ferier import foelger_ferier

        foelger = foelger_ferier(plan)
        assert foelger is not None

        def regel(t: Tiltak, h: Hendelse) -> Hendelse:
            if (t.id, h.id) in self.egen_ferieregel or not h.unngaa_ferier:
                return h
            if any(v in foelger for v in (*h.ansvar, *h.deltakere)):
                return h
            return replace(h, unngaa_ferier=False)

        tiltak = tuple(replace(t, hendelser=tuple(regel(t, h) for h in t.hendelser)) for t in plan.tiltak)
        return replace(plan, tiltak=tiltak)

    def _plan_head(self, node: yaml.Node) -> dict[str, Any] | None:
        w = self.w
        m = w.mapping(node, "«plan»", _PLAN_KEYS, _PLAN_REQUIRED)
        if m is None:
            return None
        head: dict[str, Any] = {
            "navn": w.text(m["navn"], "plan.navn") if "navn" in m else None,
            "kommune": w.text(m["kommune"], "plan.kommune") if "kommune" in m else None,
        }
        if "periode_fra" in m:
            head["periode_fra"] = w.dato(m["periode_fra"], "plan.periode_fra")
        if "periode_til" in m:
            head["periode_til"] = w.dato(m["periode_til"], "plan.periode_til")
        self._viderefort(m, head)
        if "uid_domene" in m:
            domene = w.text(m["uid_domene"], "plan.uid_domene")
            if domene is not None and not re.match(r"^[A-Za-z0-9.-]+$", domene):
                w.error(m["uid_domene"], "plan.uid_domene skal være et domenenavn, f.eks. plan.kommunen.no.")
            elif domene is not None:
                head["uid_domene"] = domene
        if "stengte_dager" in m:
            head["stengte_dager"], head["stengte_datoer"] = self._stengte_dager(m["stengte_dager"])
        for key in ("kortnavn", "url", "rapport_tittel", "ledelse"):
            if key in m:
                head[key] = w.text(m[key], f"plan.{key}")
        ferier = self._ferier(m["ferier"]) if "ferier" in m else []
        if "ferier_fil" in m:
            ferier.extend(self._ferier_fil(m["ferier_fil"], head))
        if ferier:
            from aarshjul.plan.ferier import MAKS_FERIE_DAGER, Feriekalender

            lengste = Feriekalender(ferier).lengste_dager()
            if lengste > MAKS_FERIE_DAGER:
                w.error(m.get("ferier") or m["ferier_fil"],
                        f"plan.ferier: {lengste} feriedager på rad; høyst {MAKS_FERIE_DAGER} er tillatt "
                        "(møter flyttes ut av en ferie, så en ferie må ta slutt).")  # fmt: skip
            head["ferier"] = tuple(ferier)
        if "ferier_gjelder" in m:
            gjelder = []
            for value, item in w.text_list(m["ferier_gjelder"], "plan.ferier_gjelder"):
                self.refs.virksomheter.append(Ref(item, value, "plan.ferier_gjelder"))
                gjelder.append(value)
            head["ferier_gjelder"] = tuple(gjelder)
        if head["navn"] is None or head["kommune"] is None:
            return None
        return head

    def _viderefort(self, m: dict[str, yaml.Node], head: dict[str, Any]) -> None:
        """plan.videreført / plan.videreført_antatt: why dates go on after periode_til."""
        w = self.w
        if "videreført" in m and "videreført_antatt" in m:
            w.error(m["videreført_antatt"], "plan: skriv enten «videreført» (kommunen har bestemt det) eller "
                                            "«videreført_antatt» (vår antakelse), ikke begge.")  # fmt: skip
            return
        for key in ("videreført", "videreført_antatt"):
            if key in m:
                grunn = w.text(m[key], f"plan.{key}")
                if grunn is not None and "periode_til" not in m:
                    w.error(m[key], f"plan.{key} forutsetter periode_til: skriv når planperioden slutter.")
                elif grunn is not None:
                    head["viderefort"], head["viderefort_antatt"] = grunn, key == "videreført_antatt"

    def _stengte_dager(self, node: yaml.Node) -> tuple[tuple[tuple[int, int], ...], tuple[date, ...]]:
        """plan.stengte_dager: yearly days (24.12) and single dates (27.12.2027)."""
        w = self.w
        dager: list[tuple[int, int]] = []
        datoer: list[date] = []
        for value, item in w.text_list(node, "plan.stengte_dager"):
            if re.match(r"^\d{1,2}\.\d{1,2}\.?$", value):
                try:
                    d = parse_dato(value.rstrip(".") + ".2000")  # a leap year allows 29.02
                    dager.append((d.month, d.day))
                except ValueError as e:
                    w.error(item, f"plan.stengte_dager: {e}.")
            else:
                d2 = w.dato(item, "plan.stengte_dager")
                if d2 is not None:
                    datoer.append(d2)
        if len(dager) + len(datoer) > MAX_STENGTE:
            w.error(node, f"plan.stengte_dager kan ha høyst {MAX_STENGTE} dager.")
        return tuple(dager), tuple(datoer)

    def _ferier(self, node: yaml.Node) -> list[Ferie]:
        """plan.ferier: named periods {navn, fra, til} and ISO weeks every year {navn, uker}."""
        w = self.w
        result: list[Ferie] = []
        for item in w.items(node, "plan.ferier"):
            m = w.mapping(item, "plan.ferier: en ferie", _FERIE_KEYS, _FERIE_REQUIRED)
            if m is None:
                continue
            navn = w.text(m["navn"], "plan.ferier: navn") if "navn" in m else None
            what = f"Ferien «{navn or '?'}»"
            har_periode = "fra" in m or "til" in m
            if har_periode == ("uker" in m):
                w.error(item, f"{what} trenger enten «fra» og «til» (en periode) eller «uker» (ukenumre hvert år).")
                continue
            if har_periode:
                if "fra" not in m or "til" not in m:
                    w.error(item, f"{what} trenger både «fra» og «til».")
                    continue
                fra, til = w.dato(m["fra"], f"{what}: fra"), w.dato(m["til"], f"{what}: til")
                if fra is None or til is None or navn is None:
                    continue
                if til < fra:
                    w.error(m["til"], f"{what}: til ({til:%d.%m.%Y}) er før fra ({fra:%d.%m.%Y}).")
                    continue
                linje = item.start_mark.line + 1
                result.append(Ferie(navn, fra=fra, til=til, linje=linje, kilde=f"{w.path.name}, linje {linje}",
                                    fil=w.path.name))
                continue
            uker: list[int] = []
            for uke_node in w.items(m["uker"], f"{what}: uker"):
                uke = w.integer(uke_node, f"{what}: uker (hvert element)", 1, 53)
                if uke is not None and uke not in uker:
                    uker.append(uke)
            if navn is not None and uker:
                linje = item.start_mark.line + 1
                result.append(Ferie(navn, uker=tuple(sorted(uker)), linje=linje, kilde=f"{w.path.name}, linje {linje}",
                                    fil=w.path.name))
        return result

    def _ferier_fil(self, node: yaml.Node, head: dict[str, Any]) -> list[Ferie]:
        """plan.ferier_fil: one skolerute CSV or a list of them (one per school year, as
        kommuner publish them), relative to the plan file (aarshjul/plan/ferier.py)."""
        w = self.w
        from aarshjul.plan.ferier import les_skolerute_med_advarsler

        verdier = (
            [(v, n) for v, n in w.text_list(node, "plan.ferier_fil")]
            if isinstance(node, yaml.SequenceNode)
            else [(v, node) for v in [w.text(node, "plan.ferier_fil")] if v is not None]
        )
        ferier: list[Ferie] = []
        filer: list[Path] = []
        advarsler: list[Problem] = []
        # Each weekday a file lists: free or not, the file and the line (_ulike_filer).
        sett: dict[date, tuple[bool, Path, int]] = {}
        for value, item in verdier:
            path = Path(value).expanduser()
            if not path.is_absolute():
                path = w.path.parent / path
            if path in filer:
                w.error(item, f"plan.ferier_fil: «{value}» står to ganger.")
                continue
            try:
                skolerute = les_skolerute_med_advarsler(path)
            except PlanError as e:
                w.problems.extend(e.problems)
                continue
            ferier.extend(skolerute.ferier)
            advarsler.extend(skolerute.advarsler)
            advarsler.extend(_ulike_filer(sett, path, skolerute.dager))
            filer.append(path)
        head["ferier_fil"] = tuple(filer)
        if advarsler:
            head["ferie_advarsler"] = tuple(advarsler)
        return ferier

    def _virksomheter(self, node: yaml.Node) -> dict[str, Virksomhet]:
        w = self.w
        if not isinstance(node, yaml.MappingNode):
            w.error(node, f"«virksomheter» skal være en samling av nøkler, ikke {describe(node)}.")
            return {}
        result: dict[str, Virksomhet] = {}
        names: dict[str, str] = {}  # normalized name/alias -> key, to catch clashes
        for key_node, value_node in node.value:
            key = w.ident(key_node, "Virksomhetsnøkkelen")
            if key is None:
                continue
            if key in result:
                w.error(key_node, f"virksomheten «{key}» er definert to ganger.")
                continue
            what = f"Virksomheten «{key}»"
            m = w.mapping(value_node, what, _VIRKSOMHET_KEYS, _VIRKSOMHET_REQUIRED)
            if m is None:
                continue
            navn = w.name(m["navn"], f"{what}: navn") if "navn" in m else None
            aliaser = []
            for alias, item in w.text_list(m["aliaser"], f"{what}: aliaser") if "aliaser" in m else []:
                if w.visible(item, alias, f"{what}: aliaset"):
                    aliaser.append(alias)
            leder = w.text(m["leder"], f"{what}: leder") if "leder" in m else None
            ekstern = w.boolean(m["ekstern"], f"{what}: ekstern") if "ekstern" in m else False
            medlemmer = []
            if "medlemmer" in m:
                for value, item in w.text_list(m["medlemmer"], f"{what}: medlemmer"):
                    self.refs.virksomheter.append(Ref(item, value, f"{what}: medlemmer"))
                    medlemmer.append(value)
            kvittering = self._enum(m["kvittering"], Kvitteringsform, f"{what}: kvittering") \
                if "kvittering" in m else None  # fmt: skip
            if "kvittering" in m and not medlemmer:
                w.error(m["kvittering"], f"{what}: «kvittering» gjelder bare en gruppe med medlemmer "
                                         "(hver: hvert medlem gjør oppgaven og kvitterer selv; "
                                         "felles: gruppa kvitterer én gang).")  # fmt: skip
            for name in (key, navn or "", *aliaser):
                n = normalize(name)
                if n and names.get(n, key) != key:
                    w.error(key_node, f"{what}: navnet «{name}» brukes også av «{names[n]}».")
                names.setdefault(n, key)
            if navn is None:
                continue
            result[key] = Virksomhet(key, navn, tuple(aliaser), leder, bool(ekstern),
                                     tuple(medlemmer), key_node.start_mark.line + 1, kvittering)  # fmt: skip
        if not result and not w.problems:
            w.error(node, "«virksomheter» er tom; planen må ha minst én virksomhet.")
        return result

    def _datoer(self, node: yaml.Node) -> dict[str, NavngittDato]:
        w = self.w
        if self.w.is_null(node):
            return {}
        if not isinstance(node, yaml.MappingNode):
            w.error(node, f"«datoer» skal være en samling av nøkler, ikke {describe(node)}.")
            return {}
        result: dict[str, NavngittDato] = {}
        for key_node, value_node in node.value:
            key = w.ident(key_node, "Datonøkkelen")
            if key is None:
                continue
            if key in result:
                w.error(key_node, f"datoen «{key}» er definert to ganger.")
                continue
            what = f"Datoen «{key}»"
            m = w.mapping(value_node, what, _DATO_KEYS, _DATO_KEYS)
            if m is None or "navn" not in m or "dato" not in m:
                continue
            navn = w.text(m["navn"], f"{what}: navn")
            dato = None if w.is_null(m["dato"]) else w.dato(m["dato"], f"{what}: dato")
            if navn is not None:
                result[key] = NavngittDato(key, navn, dato, key_node.start_mark.line + 1)
        return result

    def _tiltak_list(self, node: yaml.Node) -> tuple[Tiltak, ...]:
        w = self.w
        if not isinstance(node, yaml.SequenceNode):
            w.error(node, f"«tiltak» skal være en liste (linjer som starter med «- »), ikke {describe(node)}.")
            return ()
        result: list[Tiltak] = []
        seen: dict[str, int] = {}
        for item in node.value:
            tiltak = self._tiltak(item)
            if tiltak is None:
                continue
            if tiltak.id in seen:
                w.error(item, f"tiltak-id «{tiltak.id}» er brukt to ganger (første gang på linje {seen[tiltak.id]}).")
                continue
            seen[tiltak.id] = item.start_mark.line + 1
            result.append(tiltak)
        if not result and not w.problems:
            w.error(node, "«tiltak» er tom; planen må ha minst ett tiltak.")
        return tuple(result)

    def _refs(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        values = []
        for value, item in self.w.text_list(node, what):
            self.refs.virksomheter.append(Ref(item, value, what))
            values.append(value)
        return tuple(values)

    def _tiltak(self, node: yaml.Node) -> Tiltak | None:
        w = self.w
        m = w.mapping(node, "Et tiltak", _TILTAK_KEYS, _TILTAK_REQUIRED)
        if m is None:
            return None
        tid = w.ident(m["id"], "Tiltakets id") if "id" in m else None
        what = f"Tiltaket «{tid or '?'}»"
        navn = w.text(m["navn"], f"{what}: navn") if "navn" in m else None
        kilde = w.text(m["kilde"], f"{what}: kilde") if "kilde" in m else None
        sone = self._enum(m["sone"], Sone, f"{what}: sone") if "sone" in m else None
        beskrivelse = w.text(m["beskrivelse"], f"{what}: beskrivelse") if "beskrivelse" in m else None
        ansvar = self._refs(m["ansvar"], f"{what}: ansvar") if "ansvar" in m else ()
        deltakere = self._refs(m["deltakere"], f"{what}: deltakere") if "deltakere" in m else ()
        if "ansvar" in m and not ansvar and isinstance(m["ansvar"], yaml.SequenceNode):
            w.error(m["ansvar"], f"{what}: ansvar kan ikke være tom.")
        ansvar_antatt = w.text(m["ansvar_antatt"], f"{what}: ansvar_antatt") if "ansvar_antatt" in m else None
        deltakere_antatt = (
            w.text(m["deltakere_antatt"], f"{what}: deltakere_antatt") if "deltakere_antatt" in m else None
        )
        kvittering = self._enum(m["kvittering"], Kvitteringsform, f"{what}: kvittering") \
            if "kvittering" in m else None  # fmt: skip
        hendelser: list[Hendelse] = []
        seen: set[str] = set()
        if "hendelser" not in m and "uten_dato" not in m:
            w.error(node, f"{what} mangler «hendelser» (eller «uten_dato» for plikter uten dato).")
        if "hendelser" in m:
            items = w.items(m["hendelser"], f"{what}: hendelser")
            if not items and isinstance(m["hendelser"], yaml.SequenceNode) and "uten_dato" not in m:
                w.error(m["hendelser"], f"{what} har ingen hendelser.")
            for item in items:
                h = self._hendelse(item, tid or "?", what, ansvar, deltakere, kilde or "", ansvar_antatt,
                                   deltakere_antatt, kvittering)  # fmt: skip
                if h is None:
                    continue
                if h.id in seen:
                    w.error(item, f"{what}: hendelse-id «{h.id}» er brukt to ganger.")
                    continue
                seen.add(h.id)
                hendelser.append(h)
        uten_evaluering = w.text(m["uten_evaluering"], f"{what}: uten_evaluering") if "uten_evaluering" in m else None
        if uten_evaluering is not None and any(h.type is HendelseType.EVALUERING for h in hendelser):
            w.error(m["uten_evaluering"], f"{what} har «uten_evaluering», men også en hendelse av typen evaluering. "
                                          "Fjern den ene.")  # fmt: skip
        uten_dato = self._uten_dato(m["uten_dato"], what, seen, ansvar, deltakere, kilde or "", ansvar_antatt) \
            if "uten_dato" in m else ()  # fmt: skip
        if None in (tid, navn, kilde) or ("hendelser" not in m and "uten_dato" not in m):
            return None
        assert tid is not None and navn is not None and kilde is not None
        return Tiltak(tid, navn, kilde, ansvar, deltakere, tuple(hendelser), sone, beskrivelse,
                      node.start_mark.line + 1, uten_dato=uten_dato, ansvar_antatt=ansvar_antatt,
                      uten_evaluering=uten_evaluering, deltakere_antatt=deltakere_antatt,
                      kvittering=kvittering)  # fmt: skip

    def _uten_dato(
        self,
        node: yaml.Node,
        what: str,
        seen: set[str],
        ansvar: tuple[str, ...],
        deltakere: tuple[str, ...],
        kilde: str,
        ansvar_antatt: str | None,
    ) -> tuple[UtenDato, ...]:
        """`uten_dato:` – duties without a date; ansvar, deltakere, kilde and the tiltak's
        ansvar_antatt are inherited unless the duty names its own ansvar."""
        w = self.w
        items = w.items(node, f"{what}: uten_dato")
        if not items and isinstance(node, yaml.SequenceNode):
            w.error(node, f"{what}: uten_dato er tom; skriv minst én plikt eller fjern nøkkelen.")
        result = []
        for item in items:
            m = w.mapping(item, f"{what}: en plikt under uten_dato", _UTEN_DATO_KEYS, _UTEN_DATO_REQUIRED)
            if m is None:
                continue
            uid = w.ident(m["id"], f"{what}: uten_dato: id") if "id" in m else None
            pwhat = f"{what}: plikten «{uid or '?'}»"
            tittel = w.text(m["tittel"], f"{pwhat}: tittel") if "tittel" in m else None
            own_ansvar = self._refs(m["ansvar"], f"{pwhat}: ansvar") if "ansvar" in m else ansvar
            own_deltakere = self._refs(m["deltakere"], f"{pwhat}: deltakere") if "deltakere" in m else deltakere
            own_kilde = w.text(m["kilde"], f"{pwhat}: kilde") if "kilde" in m else kilde
            beskrivelse = w.text(m["beskrivelse"], f"{pwhat}: beskrivelse") if "beskrivelse" in m else None
            if "ansvar_antatt" in m:
                own_antatt = w.text(m["ansvar_antatt"], f"{pwhat}: ansvar_antatt")
            else:
                own_antatt = None if "ansvar" in m else ansvar_antatt
            if uid is None or tittel is None or own_kilde is None:
                continue
            if uid in seen:
                w.error(item, f"{what}: id «{uid}» er brukt to ganger (hendelser og uten_dato deler id-er).")
                continue
            seen.add(uid)
            result.append(UtenDato(uid, tittel, own_ansvar, own_deltakere, own_kilde, beskrivelse, own_antatt,
                                   item.start_mark.line + 1))  # fmt: skip
        return tuple(result)

    def _enum(self, node: yaml.Node, enum: Any, what: str) -> Any:
        value = self.w.text(node, what)
        if value is None:
            return None
        by_norm = {normalize(e.value): e for e in enum}
        found = by_norm.get(normalize(value))
        if found is None:
            self.w.error(node, f"{what}: ukjent verdi «{value}» – gyldige er {', '.join(e.value for e in enum)}.")
        return found

    def _hendelse(
        self,
        node: yaml.Node,
        tiltak_id: str,
        tiltak_what: str,
        ansvar: tuple[str, ...],
        deltakere: tuple[str, ...],
        kilde: str,
        ansvar_antatt: str | None = None,
        deltakere_antatt: str | None = None,
        kvittering: Kvitteringsform | None = None,
    ) -> Hendelse | None:
        w = self.w
        m = w.mapping(node, f"{tiltak_what}: en hendelse", _HENDELSE_KEYS, _HENDELSE_REQUIRED)
        if m is None:
            return None
        hid = w.ident(m["id"], f"{tiltak_what}: hendelse-id") if "id" in m else None
        if hid:
            self.refs.skrevne_hendelser.add(f"{tiltak_id}.{hid}")
        what = f"Hendelsen «{tiltak_id}.{hid or '?'}»"
        tittel = w.text(m["tittel"], f"{what}: tittel") if "tittel" in m else None
        htype = self._enum(m["type"], HendelseType, f"{what}: type") if "type" in m else None
        naar = parse_naar(w, self.refs, m["når"], what, tiltak_id) if "når" in m and hid else None
        antatt = w.text(m["antatt"], f"{what}: antatt") if "antatt" in m else None
        tid = slutt = None
        if "tid" in m:
            value = w.text(m["tid"], f"{what}: tid")
            if value is not None:
                try:
                    tid, slutt = parse_tidsrom(value)
                except ValueError as e:
                    w.error(m["tid"], f"{what}: {e}.")
        default_varsel = 14 if htype is not None and htype.er_frist else 0
        varsel = w.integer(m["varsel"], f"{what}: varsel", 0, 365) if "varsel" in m else default_varsel
        if htype is not None and htype.er_frist:
            default_flytt = Flytt.TIDLIGERE
        else:
            default_flytt = Flytt.SENERE
        flytt = self._enum(m["flytt"], Flytt, f"{what}: flytt") if "flytt" in m else default_flytt
        if htype is HendelseType.MOTE and flytt is Flytt.INGEN:
            w.error(m["flytt"], f"{what}: et møte kan ikke ha «flytt: ingen»; et møte legges aldri på en fridag.")
        own_ansvar = self._refs(m["ansvar"], f"{what}: ansvar") if "ansvar" in m else ansvar
        own_deltakere = self._refs(m["deltakere"], f"{what}: deltakere") if "deltakere" in m else deltakere
        # A guess about who: the hendelse's own, else the tiltak's unless it names its own ansvar.
        if "ansvar_antatt" in m:
            ansvar_antatt = w.text(m["ansvar_antatt"], f"{what}: ansvar_antatt")
        elif "ansvar" in m:
            ansvar_antatt = None
        # The same for who takes part; a duty we added says why (lagt_til).
        if "deltakere_antatt" in m:
            deltakere_antatt = w.text(m["deltakere_antatt"], f"{what}: deltakere_antatt")
        elif "deltakere" in m:
            deltakere_antatt = None
        lagt_til = w.text(m["lagt_til"], f"{what}: lagt_til") if "lagt_til" in m else None
        own_kilde = w.text(m["kilde"], f"{what}: kilde") if "kilde" in m else kilde
        beskrivelse = w.text(m["beskrivelse"], f"{what}: beskrivelse") if "beskrivelse" in m else None
        gyldig_fra = w.dato(m["gyldig_fra"], f"{what}: gyldig_fra") if "gyldig_fra" in m else None
        gyldig_til = w.dato(m["gyldig_til"], f"{what}: gyldig_til") if "gyldig_til" in m else None
        if gyldig_fra and gyldig_til and gyldig_til < gyldig_fra:
            w.error(m["gyldig_til"], f"{what}: gyldig_til er før gyldig_fra.")
        minimum = w.integer(m["minimum_per_år"], f"{what}: minimum_per_år", 1, 366) if "minimum_per_år" in m else None
        unntatt = unntatt_maaneder(w, m["når"], what) if "når" in m else ()
        sted = w.text(m["sted"], f"{what}: sted") if "sted" in m else None
        # Meetings and activities move out of the plan's ferier; deadlines stay unless asked.
        unngaa = htype is not None and not htype.er_frist
        if "unngå_ferier" in m:
            unngaa = bool(w.boolean(m["unngå_ferier"], f"{what}: unngå_ferier"))
            if hid is not None:
                self.egen_ferieregel.add((tiltak_id, hid))
        if "kvittering" in m:
            kvittering = self._enum(m["kvittering"], Kvitteringsform, f"{what}: kvittering")
        if None in (hid, tittel, htype, naar, varsel, flytt, own_kilde):
            return None
        assert hid and tittel and htype and naar is not None and varsel is not None and flytt and own_kilde is not None
        return Hendelse(
            id=hid, tittel=tittel, type=htype, naar=naar, ansvar=own_ansvar, deltakere=own_deltakere,
            kilde=own_kilde, varsel=varsel, flytt=flytt, antatt=antatt, tid=tid, slutt=slutt,
            beskrivelse=beskrivelse, gyldig_fra=gyldig_fra, gyldig_til=gyldig_til,
            unntatt_maaneder=unntatt, minimum_per_aar=minimum, linje=node.start_mark.line + 1,
            sted=sted, unngaa_ferier=unngaa, ansvar_antatt=ansvar_antatt,
            deltakere_antatt=deltakere_antatt, lagt_til=lagt_til, kvittering=kvittering,
        )  # fmt: skip


def _ulike_filer(
    sett: dict[date, tuple[bool, Path, int]], path: Path, dager: dict[date, tuple[bool, int]]
) -> list[Problem]:
    """Warnings for the days this skolerute file says differently than an earlier one
    (free in one, a school day in the other): the ferier of every file count, so the
    day is a ferie day. Records the file's days in sett."""
    result = []
    for dato, (fri, linje) in sorted(dager.items()):
        tidligere = sett.get(dato)
        if tidligere is None:
            sett[dato] = (fri, path, linje)
            continue
        if tidligere[0] != fri:
            hva = {True: "skolefri", False: "skoledag"}
            result.append(Problem(path, linje, None,
                f"{dato.day:02d}.{dato.month:02d}.{dato.year} er {hva[fri]} her, men {hva[tidligere[0]]} i "
                f"{tidligere[1].name}, linje {tidligere[2]}. Programmet regner dagen som skolefri; "
                "rett opp den filen som er feil."))  # fmt: skip
    return result


def iter_hendelser(plan: Plan) -> Iterator[tuple[Tiltak, Hendelse]]:
    for tiltak in plan.tiltak:
        for hendelse in tiltak.hendelser:
            yield tiltak, hendelse


# --- looking up virksomheter -----------------------------------------------------


def find_virksomhet(plan: Plan, name: str) -> str:
    """The key of a virksomhet by key, alias or display name, forgiving case and æøå spelling."""
    wanted = normalize(name)
    for key, v in plan.virksomheter.items():
        if wanted in {normalize(key), normalize(v.navn), *(normalize(a) for a in v.aliaser)}:
            return key
    candidates: dict[str, str] = {}
    for key, v in plan.virksomheter.items():
        for n in (key, v.navn, *v.aliaser):
            candidates.setdefault(normalize(n), key)
    close = difflib.get_close_matches(wanted, list(candidates), n=1, cutoff=0.5)
    hint = f" Mente du «{candidates[close[0]]}»?" if close else ""
    raise UsageError(
        f"Ukjent virksomhet «{name}».{hint} Gyldige virksomheter: {', '.join(sorted(plan.virksomheter))}."
    )
