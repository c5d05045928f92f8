"""candidate-assistant: the platform-neutral core (knowledge base, matcher, composer, checklists)."""

__version__ = "0.1.0"
