"""Rectification ledger (整改台账) and deadline reminders: ``ledger.sync``, ``remind.run_reminders``."""
