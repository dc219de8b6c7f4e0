"""Subcommands of the ``nerdesk`` command, one module per group; each exposes ``register(subparsers)``."""
