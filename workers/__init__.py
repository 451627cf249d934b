"""RQ workers: thin job functions that call the domain, and the worker entry point."""
