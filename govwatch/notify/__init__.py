"""Delivery: the outbox (``outbox.flush``) and its channels — SMTP e-mail, SMS providers, chat robots."""
