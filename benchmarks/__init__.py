"""Speed and memory benchmarks: `make bench` runs `benchmarks.run`."""
