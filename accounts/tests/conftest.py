"""Fixtures for the accounts tests."""
