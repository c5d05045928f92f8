"""The command line and the terminal chat: `candidate-assistant` (`adapters.cli.main:main`)."""
