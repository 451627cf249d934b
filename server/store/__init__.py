"""Redis repositories: every key Visage writes is built in `keys`, every read and write is here."""
