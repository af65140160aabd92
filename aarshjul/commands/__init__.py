"""The commands: plain functions that cli.py registers (cli.KOMMANDOER); shared helpers in common.py."""
