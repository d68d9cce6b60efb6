"""Tests of graphsvc.access: roles, scopes, the guarded store and scoped analyses."""
