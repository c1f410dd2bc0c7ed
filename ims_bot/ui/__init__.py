"""Terminal adapters: rendering replies, completion and prompt sessions."""
