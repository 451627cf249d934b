"""One function per API operation, named after it: they join the domain rules, the store and vision."""
