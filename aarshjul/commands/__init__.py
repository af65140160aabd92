"""The commands. Each module registers its commands on cli.app when imported by cli.py."""
