"""Prints the SDK's version: the smallest example that type-checks."""

import visage

print(visage.__version__)
