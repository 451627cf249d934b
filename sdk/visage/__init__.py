"""Typed Python client for Visage, the local Azure-Face-compatible face API."""

__version__ = "0.1.0"
__all__ = ["__version__"]
