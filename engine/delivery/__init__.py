"""Delivery: the outbox loop and its rules (consent, quiet hours, frequency cap, lateness), and channels."""
