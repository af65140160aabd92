"""Renderers: data in, str or bytes out. Nothing here reads the clock or the terminal."""
