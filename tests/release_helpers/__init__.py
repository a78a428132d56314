"""Hand-made release inputs and a child-process publisher for the release tests."""
