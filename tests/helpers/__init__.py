"""What several test files share: Eurostat bodies and clients, a fake clock, hand-made tables, the whole-graph
harness, release checks and child processes. Tests import from here, never from another test file."""
