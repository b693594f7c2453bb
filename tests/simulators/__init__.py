"""Local simulators of the outside systems the connectors speak to, started on loopback by tests."""
