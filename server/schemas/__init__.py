"""marshmallow schemas: the shape and type checks at the HTTP edge (rules live in server.domain)."""
