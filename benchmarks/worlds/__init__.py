"""World builders shared by the tests and the benchmarks: library code, not scripts."""
