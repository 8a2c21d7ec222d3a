"""Side-by-side benchmarks of the optimizer core, the app's reruns and the page (`make bench`).

    python -m benchmarks              # everything: prints one table of figures and ratios
    python -m benchmarks core         # only the core (scene vs torch, sweep vs JAX, gradient replay)
    python -m benchmarks app          # only the app (rerun, payload, first load in Chromium)
    python -m benchmarks scaling      # time and peak memory over a grid of steps × runs
    python -m benchmarks tune         # tuning the default race: 7 optimizers × 25 rates, one call

Speed is never asserted against an absolute time here or in the tests: every comparison times the
two sides alternately (A B A B …) and reports the minimum of each, because these machines drift by
1.5× within a minute. JAX runs in a process of its own (benchmarks/jax_worker.py), as its users run
it, on all cores and pinned to one. torch and JAX are optional (`pip install -e '.[bench]'`);
without them their lines say so and the rest still runs. Nothing here fails the command: targets
are printed next to the figures.
"""
