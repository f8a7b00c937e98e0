"""Maintain the message catalogues (data/locale/<lang>/LC_MESSAGES/<domain>.po).

    python tools/catalogues.py missing     message ids used in code but in no catalogue
    python tools/catalogues.py add DOMAIN  append the missing ids to DOMAIN.po (both languages)
    python tools/catalogues.py compile     compile every .po to .mo (`make catalogues`)
    python tools/catalogues.py check       exit 1 if anything is missing, untranslated, unused
                                           or stale
    python tools/catalogues.py prune       remove the entries nothing uses (both languages)

Message ids are extracted with Babel from calls to _(), N_(), msg() and gettext_() in mediation/
and cli/ (not from inside f-strings: write whole sentences with named fields instead). Dotted keys
for enumerated values (state.intake, trigger.accept, ...) are built at run time and listed by
``enum_keys()`` from the vocabularies in mediation/cases.py and mediation/workflow/.
"""

from __future__ import annotations

import gettext
import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "data" / "locale"
LANGS = ("zh_CN", "en")
KEYWORDS = {"_": None, "N_": None, "msg": None, "gettext_": None}


def code_ids() -> set[str]:
    ids: set[str] = set()
    for folder in ("mediation", "cli"):
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            text = message[0] if isinstance(message, tuple) else message
            if text:
                ids.add(text)
    return ids


def enum_keys() -> set[str]:
    sys.path.insert(0, str(ROOT))
    from mediation import workflow
    from mediation.core import vocab as cases

    kinds = {
        "state": cases.State, "source": cases.Source, "role": cases.Role,
        "decline": cases.DeclineReason, "terminate": cases.TerminateReason,
        "performance": cases.Performance, "satisfaction": cases.Satisfaction,
        "form": cases.AgreementForm, "judicial": cases.JudicialResult,
        "prevention": cases.PreventionKind, "party": cases.PartyRole, "kind": cases.PartyKind,
        "sex": cases.Sex, "id_type": cases.IdType, "risk": cases.RiskLevel,
        "lead_status": cases.LeadStatus, "dismiss": cases.DismissReason,
        "channel": cases.FeedbackChannel, "format": cases.OutputFormat,
        "recipient": cases.Recipient, "relation": cases.GuardianRelation,
    }
    keys = {f"{k}.{v.value}" for k, enum in kinds.items() for v in enum}
    keys |= {f"ethnicity.{c}" for c in cases.ETHNICITIES}
    keys |= {f"trigger.{t}" for t in workflow.TRIGGERS}
    keys |= {f"trigger.{a}" for a in ("new", "init", "staff_add", "staff_role", "staff_disable",
                                       "staff_name", "reveal")}
    keys |= {f"date.{d}" for d in ("discovered", "registered", "accepted", "declined",
                                   "rights_notified", "mediation_started", "concluded",
                                   "confirmed", "fed_back", "closed")}
    keys |= {"duplicate.same_id_number", "duplicate.same_names_and_category",
             "duplicate.same_organisation_and_party"}
    keys |= {t.basis for t in workflow.TRANSITIONS} | {t.summary for t in workflow.TRANSITIONS}
    keys |= revision_keys()
    return keys


def revision_keys() -> set[str]:
    """``revision.NNNN``: each schema migration's description, shown by ``db status``."""
    import re

    folder = ROOT / "mediation" / "db" / "migrations" / "versions"
    found = set()
    for path in folder.glob("v*.py"):
        m = re.search(r'^revision\s*(?::\s*str\s*)?=\s*"([^"]+)"', path.read_text("utf-8"), re.M)
        if m:
            found.add(f"revision.{m.group(1)}")
    return found


def tree_ids() -> set[str]:
    """Help texts of the live command tree (docstrings are message ids too) and the metavar
    keys its pages show: cli.framework looks them up at run time."""
    sys.path.insert(0, str(ROOT))
    import typer

    from cli import framework
    from cli.main import build_app
    from mediation.core.i18n import get_language, set_language

    before = get_language()
    set_language("en")
    try:
        return framework.tree_texts(typer.main.get_command(build_app()))
    finally:
        set_language(before)


def catalogues(lang: str) -> dict[Path, Catalog]:
    folder = LOCALE / lang / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for po in sorted(folder.glob("*.po")):
        with po.open("rb") as fh:
            out[po] = read_po(fh, locale=lang)
    return out


def known(lang: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for cat in catalogues(lang).values():
        for m in cat:
            if m.id:
                result[str(m.id)] = str(m.string or "")
    return result


def wanted() -> set[str]:
    return code_ids() | enum_keys() | tree_ids()


def missing() -> set[str]:
    zh = known("zh_CN")
    return {m for m in wanted() if m not in zh}


# Names looked up at run time by a key built from a value (``name("guard", g.__name__)``,
# ``field.*``, ``metavar.*``...): their keys are not in the code as text, so an entry of this
# form is used when its kind is.
_KEY = re.compile(r"[a-z_]+\.[\w.-]+")


def unused() -> dict[Path, set[str]]:
    """Each catalogue's entries nothing asks for: a sentence no code, help text or vocabulary
    uses (a help text left behind when an option's help changed). A dotted key counts as used
    when another key of its kind is (kinds are looked up by name at run time)."""
    used = wanted()
    kinds = {k.split(".", 1)[0] for k in used if _KEY.fullmatch(k)}
    found: dict[Path, set[str]] = {}
    for lang in LANGS:
        for po, cat in catalogues(lang).items():
            stale = {str(m.id) for m in cat if m.id and str(m.id) not in used
                     and not (_KEY.fullmatch(str(m.id)) and str(m.id).split(".", 1)[0] in kinds)}
            if stale:
                found[po] = stale
    return found


def prune() -> int:
    gone = 0
    for po, ids in unused().items():
        lang = po.parent.parent.name
        cat = catalogues(lang)[po]
        for mid in ids:
            cat.delete(mid)
            gone += 1
        _write(cat, po)
    return gone


def _write(cat: Catalog, path: Path) -> None:
    buf = io.BytesIO()
    write_po(buf, cat, width=100, omit_header=False, sort_output=True)
    path.write_bytes(buf.getvalue())


def _mo_bytes(cat: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, cat)
    return buf.getvalue()


def _po_messages(cat: Catalog) -> dict[str, str]:
    """What a compiled catalogue must hold: each translated message id and its text.

    Compared as messages, not bytes: Babel versions lay out the same messages differently in a
    ``.mo`` file (header, hash table), and the check must not depend on the tool's version.
    """
    return {str(m.id): str(m.string) for m in cat if m.id and m.string and not m.fuzzy}


def _mo_messages(data: bytes) -> dict[str, str]:
    """The messages of a compiled ``.mo`` file, read with the standard library's gettext."""
    parsed = gettext.GNUTranslations(io.BytesIO(data))
    catalog: dict[str, str] = getattr(parsed, "_catalog", {})
    return {str(k): str(v) for k, v in catalog.items() if k}


def add(domain: str) -> int:
    todo = missing()
    for lang in LANGS:
        path = LOCALE / lang / "LC_MESSAGES" / f"{domain}.po"
        cats = catalogues(lang)
        cat = cats.get(path) or Catalog(locale=lang, domain=domain, project="mediation")
        for mid in sorted(todo):
            if mid not in cat:
                cat.add(mid, "")
        _write(cat, path)
    return len(todo)


def compile_all() -> None:
    for lang in LANGS:
        for po, cat in catalogues(lang).items():
            po.with_suffix(".mo").write_bytes(_mo_bytes(cat))


def problems() -> list[str]:
    out = [f"missing from the catalogues: {m!r}" for m in sorted(missing())]
    zh = known("zh_CN")
    en = known("en")
    keys = {k for k in enum_keys() | tree_ids() if k.startswith(("metavar.", "state."))}
    keys |= enum_keys()
    for mid in sorted(wanted()):
        if mid in zh and not zh[mid]:
            out.append(f"zh_CN has no translation for {mid!r}")
        if "." in mid and " " not in mid and mid in keys and not en.get(mid):
            out.append(f"en has no text for the key {mid!r}")
    for po, ids in sorted(unused().items()):
        out += [f"{po.relative_to(ROOT)} holds an entry nothing uses: {mid!r} (run "
                f"`python tools/catalogues.py prune`)" for mid in sorted(ids)]
    for lang in LANGS:
        for po, cat in catalogues(lang).items():
            mo = po.with_suffix(".mo")
            if not mo.exists() or _mo_messages(mo.read_bytes()) != _po_messages(cat):
                out.append(f"{mo.relative_to(ROOT)} is stale: run `make catalogues`")
    return out


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "check"
    if cmd == "missing":
        for m in sorted(missing()):
            print(m)
        return 0
    if cmd == "add":
        print(f"added {add(argv[1])} ids")
        return 0
    if cmd == "prune":
        print(f"removed {prune()} entries")
        return 0
    if cmd == "compile":
        compile_all()
        return 0
    found = problems()
    for p in found:
        print(p)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
