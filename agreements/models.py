"""Signed agreements and their implementation (built by the agreements issue)."""
