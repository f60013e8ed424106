"""Story grouping: which reports tell the same story."""
