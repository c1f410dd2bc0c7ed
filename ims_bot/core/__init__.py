"""The pure core: loading, matching, deciding and composing replies; no terminal here."""
