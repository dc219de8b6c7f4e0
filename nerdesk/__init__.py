"""nerdesk: desktop named-entity annotation with nested spans and GlobalPointer models."""

__version__ = "0.1.0"
