"""Question answering with checkable citations over police inspection reports."""

__version__ = "0.1.0"
