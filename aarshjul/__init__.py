"""aarshjul: the annual wheel and deadline reminders for Sel kommune's Tidlig innsats plan."""

__version__ = "0.1.0"
