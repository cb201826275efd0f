"""The single place the package version is written (setup.cfg reads it)."""
__version__ = "0.2.0"
