"""`manage.py rapportage_benchmark`: the report pages at scale (not a test). The benchmark itself
is in rapportage/benchmark.py, importable (benchmark/ fills its dataset with it); a command module
is only run, never imported."""

from rapportage.benchmark import RapportageBenchmark


class Command(RapportageBenchmark):
    pass
