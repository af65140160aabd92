"""State and files: the sign-off store (all SQL), atomic output, the published folder, the ICS manifest."""
