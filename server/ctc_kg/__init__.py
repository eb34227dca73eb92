"""ctc-kg: the UN Counter-Terrorism Committee's special meetings as linked open data."""

__version__ = "0.1.0"
