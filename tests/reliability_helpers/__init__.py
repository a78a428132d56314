"""Helpers of the reliability matrix (docs/reliability.md): small data, tree fingerprints, child processes."""
