"""aarshjul: the annual wheel and deadline reminders for a kommune's plan (data/plan.yaml)."""

__version__ = "0.1.0"
