"""Coterie's benchmarks: each measures our figure and its ceiling in the same run."""
