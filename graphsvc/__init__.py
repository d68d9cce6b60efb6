"""graphsvc: stakeholder and buying-center mapping for Key Account Management."""

__version__ = "0.2.0"
__all__ = ["__version__"]
