"""Pandera models of the pipeline's tables."""

from schemas.observations import expected_columns, observation_schema, validate_observations

__all__ = ["expected_columns", "observation_schema", "validate_observations"]
