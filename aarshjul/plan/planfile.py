"""Which plan file to use: --plan, then $AARSHJUL_PLAN, then the plan shipped with aarshjul.

Nothing here imports PyYAML or the loader, so finding the path costs nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_PLAN = "AARSHJUL_PLAN"


def default_plan_path() -> Path:
    """The plan shipped in the wheel, or data/plan.yaml in a source checkout."""
    # A plain path beside this module, not importlib.resources: the wheel installs as
    # files on disk, and importing importlib.resources costs ~2 ms of every command's start.
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
