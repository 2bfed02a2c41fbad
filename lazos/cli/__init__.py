"""Command-line interface: a thin layer over lazos.api."""
