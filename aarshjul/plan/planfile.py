"""Which plan file to use, and a cache of the Plan loaded from it (issue 7).

Nothing here imports PyYAML or plan.py: a start that finds its plan in the cache
never loads them. Measured on the shipped plan (README, «Ytelse»): importing yaml and
plan.py and loading the plan costs ~16 ms, about 1.8x a bare interpreter's start-up;
reading the same Plan back from the cache costs ~3 ms. Every cron line and every
`aarshjul next` is a fresh process, so that is paid on every run.

The cache:

- is used only by the console command (cli.main); tests and library callers load fresh;
- has one file per plan path in $XDG_CACHE_HOME/aarshjul (default ~/.cache/aarshjul);
  AARSHJUL_CACHE=0 turns it off;
- is keyed by a BLAKE2b hash of the plan file's bytes, the path, aarshjul's version,
  the Python version, and the size and mtime of every module in the package, so an
  edited plan or an edited plan.py is loaded again. A plan with errors is never
  cached; its warnings (Plan.advarsler) are part of the Plan;
- is read only when the file and its folder belong to the user and no one else can
  write them, as ssh treats ~/.ssh: pickle runs code from what it reads;
- carries a BLAKE2b digest of its pickled body after the key, checked before anything
  is unpickled: a damaged file (a bit flip, a cut, random bytes; issue 16 found
  "FRAME length exceeds" and MemoryError) is never handed to pickle, so whatever is
  wrong with it, it is no cache;
- is never created in a home that is not the effective user's own (root running with
  another user's HOME must not leave a root-owned ~/.cache/aarshjul there);
- is off with AARSHJUL_CACHE=0, off, false, no or nei;
- never fails a command: a cache that cannot be read or written is no cache.

Why pickle and not plain data (issue 16 asked): the Plan is a tree of frozen dataclasses
with enums, dates, times and dateutil objects; a plain-data format (marshal or JSON of
tuples) needs a writer and a reader for every field, kept in step with model.py by hand,
and a reader that rebuilds it costs about what loading the YAML does. With the digest, a
file only the user can write and a key over the plan and the code, pickle can only run
what the same user put there on purpose, who could run the code anyway.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from aarshjul import __version__
from aarshjul.model import Plan

ENV_PLAN = "AARSHJUL_PLAN"
ENV_CACHE = "AARSHJUL_CACHE"


def default_plan_path() -> Path:
    """The plan shipped in the wheel, or data/plan.yaml in a source checkout."""
    # A plain path beside this module, not importlib.resources: the wheel installs as
    # files on disk, and importing importlib.resources costs ~2 ms per start (issue 7).
    package = Path(__file__).resolve().parent.parent
    shipped = package / "data" / "plan.yaml"
    if shipped.is_file():
        return shipped
    return package.parent / "data" / "plan.yaml"


def resolve_plan_path(option: str | Path | None) -> Path:
    """--plan wins, then $AARSHJUL_PLAN, then the shipped plan. An empty --plan is an error:
    it is a script's unset variable (--plan "$PLAN"), not a wish for the shipped plan."""
    if option is not None and not str(option).strip():
        from aarshjul.errors import UsageError

        raise UsageError("--plan er tom: oppgi stien til planfilen, f.eks. --plan plan.yaml.")
    if option:
        return Path(option)
    env = os.environ.get(ENV_PLAN)
    if env:
        return Path(env)
    return default_plan_path()


# --- the cache ----------------------------------------------------------------------


CACHE_AV = frozenset({"0", "off", "false", "no", "nei", "av"})


def cache_folder() -> Path | None:
    """$XDG_CACHE_HOME/aarshjul or ~/.cache/aarshjul; None when turned off or not POSIX."""
    if os.environ.get(ENV_CACHE, "").strip().lower() in CACHE_AV or not hasattr(os, "geteuid"):
        return None
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG spec says to ignore a relative path
        base = os.path.join(os.path.expanduser("~"), ".cache")
        if not os.path.isabs(base):  # no home directory
            return None
    return Path(base) / "aarshjul"


def load_plan_cached(path: Path, folder: Path | None = None) -> Plan:
    """plan.load_plan(path), from the cache when the same file was loaded before."""
    folder = cache_folder() if folder is None else folder
    try:
        # Only a regular file of plan size (yamlnodes.MAX_BYTES) is read here: /dev/zero or a
        # FIFO never ends, and load_plan refuses a huge file without reading it (issue 6).
        small = path.is_file() and path.stat().st_size <= 5 * 1024 * 1024
        data = path.read_bytes() if small else None
    except OSError:
        data = None
    if folder is None or data is None:
        return _load(path)  # load_plan gives the error message, if any
    key = _key(path, data)
    fil = folder / f"{_hash(os.fsencode(path.resolve()), 8).hex()}.pickle"
    plan = _read(folder, fil, key)
    if plan is not None and _ferier_fil_uendret(plan):
        return plan
    plan = _load(path)
    try:
        unchanged = path.read_bytes() == data
    except OSError:
        unchanged = False
    if unchanged:  # not edited while we loaded it: the key describes this plan
        _write(folder, fil, key, plan)
    return plan


def _ferier_fil_uendret(plan: Plan) -> bool:
    """Whether the skolerute file a cached plan read its ferier from is as it was then."""
    if plan.ferier_fil is None:
        return True
    try:
        st = plan.ferier_fil.stat()
    except OSError:
        return False
    return plan.ferier_fil_stat == (st.st_size, st.st_mtime_ns)


def _load(path: Path) -> Plan:
    from aarshjul.plan.loader import load_plan

    return load_plan(path)


def _hash(data: bytes, size: int = 32) -> bytes:
    try:  # hashlib's own BLAKE2b, without loading OpenSSL first (~2 ms)
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - an interpreter without the module
        from hashlib import blake2b
    return blake2b(data, digest_size=size).digest()


def _key(path: Path, data: bytes) -> bytes:
    package = Path(__file__).resolve().parent
    code = []
    with os.scandir(package) as entries:
        for entry in entries:
            if entry.name.endswith(".py"):
                st = entry.stat()
                code.append(f"{entry.name}:{st.st_size}:{st.st_mtime_ns}")
    parts = [str(path), str(path.resolve()), __version__, sys.version, *sorted(code)]
    return _hash(data) + _hash("\0".join(parts).encode("utf-8", "surrogateescape"))


def _own(st: os.stat_result) -> bool:
    """Belongs to the (effective) user and is not writable by group or others."""
    return st.st_uid == os.geteuid() and not st.st_mode & 0o022


def _home_is_ours(folder: Path) -> bool:
    """The nearest existing folder above the cache belongs to the effective user: root
    with HOME=/home/alice must not create /home/alice/.cache/aarshjul owned by root."""
    for parent in (folder, *folder.parents):
        try:
            return parent.stat().st_uid == os.geteuid()
        except FileNotFoundError:
            continue
        except OSError:
            return False
    return False


_DIGEST = 16  # bytes of BLAKE2b over the pickled body, right after the key


def _read(folder: Path, fil: Path, key: bytes) -> Plan | None:
    import pickle

    try:
        if not _own(folder.stat()):
            return None
        fd = os.open(fil, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fh:
            if not _own(os.fstat(fh.fileno())):
                return None
            blob = fh.read()
    except OSError:
        return None
    if not blob.startswith(key):
        return None
    digest, body = blob[len(key) : len(key) + _DIGEST], blob[len(key) + _DIGEST :]
    if len(digest) != _DIGEST or _hash(body, _DIGEST) != digest:
        return None  # damaged: never unpickled
    try:
        plan = pickle.loads(body)
    # A damaged or foreign file: the errors unpickling raises for bad bytes or for a
    # class that is not (or no longer) there. Anything else is a bug and shows.
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, KeyError,
            TypeError, ValueError, OverflowError, MemoryError, RecursionError):  # fmt: skip
        return None
    return plan if isinstance(plan, Plan) else None


def _write(folder: Path, fil: Path, key: bytes, plan: Plan) -> None:
    import pickle
    import tempfile

    body = pickle.dumps(plan, protocol=pickle.HIGHEST_PROTOCOL)  # a Plan that cannot be pickled is a bug
    try:
        if not _home_is_ours(folder):
            return
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _own(folder.stat()):
            return
        fd, tmp = tempfile.mkstemp(prefix=".plan.", suffix=".tmp", dir=folder)  # mode 0600
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(key + _hash(body, _DIGEST) + body)
        os.replace(tmp, fil)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if not isinstance(e, OSError):  # a Plan that cannot be pickled is a bug
            raise
