"""The rules of Visage: pure Python, no Flask, no Redis, testable in milliseconds."""
