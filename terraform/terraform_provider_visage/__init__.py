"""Terraform provider for Visage."""

__version__ = "0.1.0"
