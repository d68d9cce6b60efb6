"""graphsvc benchmarks: ``python -m bench`` (see docs/performance.md). Not imported by the test suite."""
