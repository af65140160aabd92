"""What a command does, without argv or a terminal: the CLI and a web handler call the
same functions here and get the same answer."""
