"""ims-bot: answers patients' questions about Intramuscular Stimulation from a curated FAQ."""

__version__ = "0.1.0"
