"""The benchmark suite (`manage.py benchmark`, docs/benchmarks.md): the dataset, the baseline views,
the load scenarios (scenarios.py, driven by wrk through wrk.lua) and the runner. Not part of the
application: production never loads it.
"""
