"""`manage.py klanttevredenheid_benchmark`: the satisfaction figures at scale (not a test). The
benchmark itself is in klanttevredenheid/benchmark.py, importable (benchmark/ fills its dataset
with it); a command module is only run, never imported."""

from klanttevredenheid.benchmark import KlanttevredenheidBenchmark


class Command(KlanttevredenheidBenchmark):
    pass
