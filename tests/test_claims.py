"""The eight claims of the Adam and AdamW papers (../shared/REFERENCE.md), asserted numerically.

Each test runs the scenario its preset's link shows (optviz/model/presets/paper.py, parsed strictly: every
parameter is in the link) through the public API, and compares with an oracle that is not the code
under test: a closed form derived from the update rule's definition, a number the paper (or
torch.optim, for AdaMax) states, or the same optimizer on an equivalent problem (the claim *is* an
equivalence). Thresholds come from the papers' statements; where a claim is qualitative ("much
closer", "lower") the margin is stated and the measured value is far beyond it.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import optimizers
import surfaces
from optviz.figures import panels
from optviz.figures.panels import bias_correction, condition, prox_gap, scale_free, step_bound
from optviz.model.presets import paper as pp, preset_url
from optviz.model.presets.paper import PAPER_PRESETS, get
from optviz.model.scenario import parse_scenario, scenario_runs

B1, B2 = 0.9, 0.999


def rel_diff(a, b) -> float:
    """max |a - b| / max(1, |a|) over a whole path (both must be finite everywhere)."""
    a, b = np.asarray(a), np.asarray(b)
    assert np.isfinite(a).all() and np.isfinite(b).all()
    return float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(a))))


def by_key(preset, trs) -> dict:
    sc = parse_scenario(preset.query, strict=True)
    return {r.key: tr for r, tr in zip(sc.runs, trs)}


# ------------------------------------------------------------------------------ the presets
def test_eight_presets_one_per_claim_complete_and_valid():
    assert len(PAPER_PRESETS) == 8
    assert len({p.name for p in PAPER_PRESETS}) == 8
    for p in PAPER_PRESETS:
        assert p.name and all(c.isalnum() or c == "-" for c in p.name), p.name
        assert p.title and p.source and len(p.what_to_look_for) > 200
        assert p.panel in tuple(panels.PANELS) + ("race", "diagnostics"), p.panel
        sc = parse_scenario(p.query, strict=True)          # every parameter written out, valid
        assert sc.runs and p.query["v"] == "1"
        # strictness is real: dropping any key, or adding an unknown one, is refused
        for k in ("x0", "steps", f"{sc.runs[0].key}.lr", "opt"):
            q = {kk: vv for kk, vv in p.query.items() if kk != k}
            with pytest.raises(ValueError, match=k.split(".")[0]):
                parse_scenario(q, strict=True)
        with pytest.raises(ValueError, match="unknown"):
            parse_scenario({**p.query, "kapa": "3"}, strict=True)
    assert [pp.CLAIM_OF[p.name] for p in PAPER_PRESETS] == list(range(1, 9))


def test_parser_refuses_bad_values():
    q = dict(get("adam-step-bound").query)
    for key, bad in (("adam.lr", "-1"), ("adam.lr", "nan"), ("adam.beta2", "1"), ("steps", "1e3"),
                     ("adam.lr", "１"), ("seed", "-3"), ("x0", "inf"), ("adam.amsgrad", "maybe"),
                     ("surface", "nope"), ("opt", ["adam", "adam-7"]), ("opt", ["adam", "adam"])):
        with pytest.raises(ValueError):
            parse_scenario({**q, key: bad}, strict=True)


def test_presets_read_the_same_in_the_app_codec():
    """If the app's URL codec is there, it reads each preset link without a note, as the same
    scenario, and writes it back unchanged (so the link the README gives is canonical)."""
    scenario = pytest.importorskip("optviz.model.scenario")
    for p in PAPER_PRESETS:
        s, notes = scenario.parse_query({**p.query, "preset": p.name})
        assert notes == [], (p.name, notes)
        mine = parse_scenario(p.query, strict=True)
        assert [r.key for r in s.runs] == [r.key for r in mine.runs]
        for r, m in zip(s.runs, mine.runs):
            assert dict(r.hp) == dict(m.hp), (p.name, r.key)
        assert (s.x0, s.y0) == mine.start and dict(s.params) == dict(mine.params)
        assert (s.steps, s.seed) == (mine.steps, mine.seed)


# ------------------------------------------------------------------ claim 1: scale invariance
def test_claim1_adam_eps0_is_invariant_to_gradient_scale():
    """Adam §2.1: with ε = 0, m̂/√v̂ is unchanged when g → c·g (c > 0): the scaled run must be
    the unscaled run to rounding (1e-12 relative), for the preset's c = 1000 and for c = 1e-3."""
    p = get("adam-scale-invariance")
    sc = parse_scenario(p.query, strict=True)
    assert sc.params["scale_x"] == sc.params["scale_y"] == 1000.0
    assert sc.run("adam").hp["eps"] == 0.0
    _, plain = scenario_runs(p, surface={"scale_x": 1.0, "scale_y": 1.0})
    _, scaled = scenario_runs(p)
    _, small = scenario_runs(p, surface={"scale_x": 1e-3, "scale_y": 1e-3})
    plain, scaled, small = by_key(p, plain), by_key(p, scaled), by_key(p, small)
    assert plain["adam"].diverged_at is None
    assert rel_diff(plain["adam"].points, scaled["adam"].points) <= 1e-12
    assert rel_diff(plain["adam"].points, small["adam"].points) <= 1e-12
    # the contrast the preset shows: ε > 0 breaks exactness (slightly), SGD is not invariant at all
    d_eps = rel_diff(plain["adam-2"].points, scaled["adam-2"].points)
    assert 1e-12 < d_eps < 1e-6, d_eps
    assert plain["sgd"].diverged_at is None and scaled["sgd"].diverged_at is not None


# -------------------------------------------------------------------- claim 2: the step bound
def adamax_bound(alpha, b1, b2, t):
    """Kingma & Ba §7.1, exactly: |Δθ_t| ≤ α(1-β1)(1-(β1/β2)^t)/((1-β1/β2)(1-β1^t)) (derived from
    |m_t| ≤ (1-β1)Σ β1^(t-i)|g_i| and u_t ≥ β2^(t-i)|g_i|)."""
    r = b1 / b2
    return alpha * (1 - b1) * (1 - r**t) / ((1 - r) * (1 - b1**t))


def test_claim2_adam_dense_step_is_about_alpha():
    """Adam §2.1: on a dense problem |Δθᵢ| ≲ α. Margin 1% for the paper's "≲"; the measured
    maximum is α to 1e-8 (the first step, |g|/(|g|+ε)) — the bound is attained, not loose."""
    p = get("adam-step-bound")
    _, trs = scenario_runs(p)
    adam = by_key(p, trs)["adam"]
    alpha = parse_scenario(p.query).run("adam").hp["lr"]
    ratio = np.nanmax(adam.deltas[1:]) / alpha
    assert 0.99 <= ratio <= 1.01, ratio


def test_claim2_adamax_exact_bound_and_torch_number():
    """AdaMax: every step is within the exact bound; the largest step exceeds the paper's α and
    equals torch.optim.Adamax's 1.00017α on this scenario (REFERENCE.md) to 1e-5."""
    p = get("adam-step-bound")
    sc = parse_scenario(p.query, strict=True)
    hp = sc.run("adamax").hp
    assert (sc.surface, sc.start, hp["lr"], hp["beta1"], hp["beta2"]) == \
        ("rosenbrock", (0.0, 0.0), 2e-3, B1, B2)
    _, trs = scenario_runs(p)
    adamax = by_key(p, trs)["adamax"]
    t = np.arange(1, sc.steps + 1)
    bound = adamax_bound(hp["lr"], B1, B2, t)
    steps = adamax.deltas[1:]
    assert np.all(steps <= bound[:, None] * (1 + 1e-12))
    assert abs(np.max(steps) / hp["lr"] - 1.00017) <= 1e-5, np.max(steps) / hp["lr"]
    assert np.max(steps) > hp["lr"]                                  # the paper's α is exceeded
    assert bound[-1] / hp["lr"] == pytest.approx(0.1 / (1 - B1 / B2), rel=1e-9)   # ≈ 1.009
    # the library's bound (drawn by the app) is the same formula
    assert np.allclose(optimizers.max_step_bound(optimizers.get("adamax", **hp), t), bound,
                       rtol=1e-14, atol=0)


def test_claim2_sparse_case_step_exceeds_alpha_within_sparse_bound():
    """Adam §2.1, sparse case: a gradient that has been zero at every earlier step and then
    appears gives |Δθ| = α(1-β1)√(1-β2^k)/((1-β1^k)√(1-β2)) (closed form at step k; ε included),
    which is above α for k ≳ 105 and below the paper's α(1-β1)/√(1-β2). The preset's scenario with
    the y-gradient seen with probability 1e-3. AdaMax stays within its exact bound throughout."""
    p = get("adam-step-bound")
    sc = parse_scenario(p.query, strict=True)
    _, trs = scenario_runs(p, surface={"sparse": step_bound.SPARSE_Q}, steps=step_bound.SPARSE_STEPS)
    runs = by_key(p, trs)
    adam, hp = runs["adam"], sc.run("adam").hp
    gy = adam.grads[:-1, 1]                       # gradient used by update k = 1 … steps
    k = int(np.flatnonzero(gy != 0)[0]) + 1
    assert k > 105, f"first y-gradient at step {k}: too early for the sparse case to show"
    g = abs(gy[k - 1])
    a, e = hp["lr"], hp["eps"]
    expected = a * (1 - B1) * g / (1 - B1**k) / (math.sqrt(1 - B2) * g / math.sqrt(1 - B2**k) + e)
    measured = adam.deltas[k, 1]
    assert measured == pytest.approx(expected, rel=1e-9)
    assert a < measured <= a * (1 - B1) / math.sqrt(1 - B2)
    mx = runs["adamax"]
    t = np.arange(1, step_bound.SPARSE_STEPS + 1)
    assert np.all(mx.deltas[1:] <= adamax_bound(a, B1, B2, t)[:, None] * (1 + 1e-12))


# ---------------------------------------------------------------- claim 3: bias correction
def test_claim3_first_steps_without_bias_correction_are_too_large():
    """Adam §6.4: without bias correction the first step is α(1-β1)|g|/(√(1-β2)|g|+ε) ≈
    α(1-β1)/√(1-β2): 3.16α (β2 = 0.999), 10α (β2 = 0.9999); with it, α|g|/(|g|+ε) ≈ α. The
    gradient at the start comes from autograd on f, not from the optimizer."""
    p = get("adam-bias-correction")
    sc = parse_scenario(p.query, strict=True)
    surf, trs = scenario_runs(p)
    runs = by_key(p, trs)
    g = np.abs(surf.grad(np.asarray(sc.start)))
    f0 = float(surf.value(np.asarray(sc.start)))
    for key in runs:
        hp = sc.run(key).hp
        a, b1, b2, e = hp["lr"], hp["beta1"], hp["beta2"], hp["eps"]
        if key.startswith("adam_nobc"):
            expected = a * (1 - b1) * g / (math.sqrt(1 - b2) * g + e)
        else:
            expected = a * g / (g + e)
        np.testing.assert_allclose(runs[key].deltas[1], expected, rtol=1e-12)
    a = sc.run("adam").hp["lr"]
    first = {k: np.max(runs[k].deltas[1]) / a for k in runs}
    assert first["adam"] == pytest.approx(1, abs=1e-6) and first["adam-2"] == pytest.approx(1, abs=1e-6)
    assert first["adam_nobc"] == pytest.approx(0.1 / math.sqrt(1e-3), rel=1e-6)     # 3.16
    assert first["adam_nobc-2"] == pytest.approx(0.1 / math.sqrt(1e-4), rel=1e-6)   # 10
    # over the first 20 steps: corrected steps stay ≤ α, uncorrected ones are ≫ α
    for k in ("adam", "adam-2"):
        assert np.max(runs[k].deltas[1:21]) <= a * (1 + 1e-9)
    assert np.max(runs["adam_nobc"].deltas[1:21]) >= 3 * a
    assert np.max(runs["adam_nobc-2"].deltas[1:21]) >= 9 * a
    # "unstable": the uncorrected β2 = 0.9999 run's loss rises far above the start (measured ~20×);
    # the corrected runs never rise above it
    assert np.nanmax(runs["adam_nobc-2"].losses[:100]) >= 5 * f0
    for k in ("adam", "adam-2"):
        assert np.nanmax(runs[k].losses) <= f0 * (1 + 1e-12)


# ------------------------------------------------------------------- claim 4: sparse features
SEEDS4 = range(8)


def _rare_errors(preset, runs=None):
    """Per run key: (dense error, rare error), |w - w*| averaged over the last 20 steps and 8 seeds."""
    sc = parse_scenario(preset.query, strict=True)
    w_star = np.asarray(sc.build_surface().minima[0])
    acc: dict = {}
    for seed in SEEDS4:
        _, trs = scenario_runs(preset, seed=seed, runs=runs, diagnostics=False)
        for r, tr in zip(sc.runs, trs):
            err = np.abs(tr.points[-20:] - w_star).mean(axis=0)       # (2,) or (B, 2)
            loss = np.mean(tr.losses[-20:], axis=0) - sc.build_surface().f_min
            acc.setdefault(r.key, []).append((err, loss))
    return {k: (np.mean([e for e, _ in v], axis=0), np.mean([l for _, l in v], axis=0))
            for k, v in acc.items()}


def test_claim4_adaptive_methods_move_the_rare_weight_much_closer():
    """Adam §1/§6.1: on sparse features AdaGrad and Adam beat SGD. Logistic regression, second
    feature in 1% of examples, minibatches of 16, 300 steps, 8 seeds. SGD and AdaGrad use the same
    γ (the loss-optimal γ of both); Adam its own loss-optimal γ. Claim: the rare weight's error of
    AdaGrad and Adam is at most half SGD's (measured 2.8× and 2.6×), with the frequent weight no
    worse than SGD's (so they do not win by neglecting it)."""
    p = get("adam-sparse-features")
    sc = parse_scenario(p.query, strict=True)
    assert sc.params["rare"] == 0.01 and sc.params["batch"] < 256
    assert sc.run("sgd").hp["lr"] == sc.run("adagrad").hp["lr"]        # comparable: the same γ
    e = _rare_errors(p)
    (sgd_x, sgd_y), _ = e["sgd"]
    for k in ("adagrad", "adam"):
        (x, y), _ = e[k]
        assert y <= sgd_y / 2, (k, y, sgd_y)
        assert x <= sgd_x * 1.2, (k, x, sgd_x)


def test_claim4_sgd_is_not_handicapped_by_its_learning_rate():
    """Fairness of claim 4: the preset's SGD γ is (within a factor 2) the best γ on a log grid
    0.1 … 3.2 for SGD's own loss at step 300 — a larger γ would help the rare weight but hurt the
    loss, which is the trade-off sparse features force on SGD."""
    p = get("adam-sparse-features")
    grid = np.geomspace(0.1, 3.2, 11)
    e = _rare_errors(p, runs={"sgd": {"lr": grid}})
    _, loss = e["sgd"]
    best = grid[np.nanargmin(loss)]
    lr = parse_scenario(p.query).run("sgd").hp["lr"]
    assert best / 2 <= lr <= best * 2, (lr, best, loss)


# -------------------------------------------------------------------- claim 5: noisy gradients
SEEDS5 = range(8)


def test_claim5_adam_converges_under_dropout_noise_and_beats_nesterov():
    """Adam §6.1–6.3: with dropout noise Adam still converges, and reaches a lower loss than SGD
    with Nesterov momentum. Loss f − f* averaged over the last 100 of 1000 steps and over 8 seeds.
    Nesterov gets every γ on a log grid 1e-4 … 1e-2 (its best, ~1.5e-3, included; larger γ
    diverge under the noise); Adam keeps the preset's γ. Claim: Adam ≥ 100× lower than Nesterov's
    best (measured ~1e4×) and ≤ 1e-6 of the starting loss (converged)."""
    p = get("adam-dropout-noise")
    sc = parse_scenario(p.query, strict=True)
    assert sc.params["dropout"] > 0
    surf = sc.build_surface()
    f0 = float(surf.value(np.asarray(sc.start))) - surf.f_min
    grid = np.geomspace(1e-4, 1e-2, 9)
    nest, adam, nest_preset = [], [], []
    for seed in SEEDS5:
        _, trs = scenario_runs(p, seed=seed, runs={"nesterov": {"lr": grid}}, diagnostics=False)
        t = by_key(p, trs)
        nest.append(np.mean(t["nesterov"].losses[-100:], axis=0) - surf.f_min)   # NaN: diverged
        adam.append(np.mean(t["adam"].losses[-100:]) - surf.f_min)
        _, trs = scenario_runs(p, seed=seed, diagnostics=False)
        nest_preset.append(by_key(p, trs)["nesterov"].diverged_at)
    nest = np.where(np.isnan(nest), np.inf, nest).mean(axis=0)
    adam = float(np.mean(adam))
    assert np.isfinite(nest).any() and all(d is None for d in nest_preset)
    assert adam <= np.min(nest) / 100, (adam, np.min(nest))
    assert adam <= 1e-6 * f0


# --------------------------------------------------------------- claim 6: AdamW scale-freeness
def test_claim6_adamw_and_adamprox_are_scale_free_adam_l2_is_not():
    """AdamW paper: with ε = 0, AdamW and AdamProx iterates are unchanged (1e-12 relative) when ∇f
    becomes c ⊙ ∇f, c = (1e3, 1e-2), on ½[(x-3)² + 10(y+1)²]; Adam-ℓ2 (λ = 0.1) moves a lot."""
    p = get("adamw-scale-free")
    sc = parse_scenario(p.query, strict=True)
    assert (sc.params["scale_x"], sc.params["scale_y"]) == (1e3, 1e-2)
    assert (sc.params["center_x"], sc.params["center_y"]) != (0.0, 0.0)
    assert all(r.hp["eps"] == 0.0 and r.hp["weight_decay"] > 0 for r in sc.runs)
    _, scaled = scenario_runs(p)
    _, plain = scenario_runs(p, surface={"scale_x": 1.0, "scale_y": 1.0})
    scaled, plain = by_key(p, scaled), by_key(p, plain)
    for k in ("adamw", "adamprox"):
        assert rel_diff(plain[k].points, scaled[k].points) <= 1e-12, k
    assert rel_diff(plain["adam"].points, scaled["adam"].points) >= 0.1      # measured 0.49
    assert np.linalg.norm(plain["adam"].points[-1] - scaled["adam"].points[-1]) >= 0.1


def test_claim6_on_the_literal_surface():
    """The same on REFERENCE.md's literal (x-3)² + 10(y+1)², typed as an expression."""
    if not hasattr(surfaces, "from_expression"):
        pytest.skip("surfaces.from_expression is not available")
    sc = parse_scenario(get("adamw-scale-free").query, strict=True)
    text = "(x-3)**2 + 10*(y+1)**2"
    win = ((-2.0, 8.0), (-6.0, 4.0))
    plain = surfaces.from_expression(text, window=win)
    scaled = surfaces.from_expression(text, window=win, scale_x=1e3, scale_y=1e-2)
    opts = [r.optimizer() for r in sc.runs]
    a = optimizers.run(opts, plain, start=sc.start, steps=sc.steps)
    b = optimizers.run(opts, scaled, start=sc.start, steps=sc.steps)
    for r, ta, tb in zip(sc.runs, a, b):
        d = rel_diff(ta.points, tb.points)
        assert (d <= 1e-12) if r.name in ("adamw", "adamprox") else (d >= 0.1), (r.key, d)


# ------------------------------------------------------------------- claim 7: AdamW ≈ AdamProx
def _prox_ratios(gamma_lambdas):
    p = get("adamw-vs-adamprox")
    sc = parse_scenario(p.query, strict=True)
    gamma = sc.run("adamw").hp["lr"]
    assert sc.run("adamprox").hp["lr"] == gamma and sc.run("adam").hp["weight_decay"] == 0.0
    lam = np.asarray(gamma_lambdas) / gamma
    _, trs = scenario_runs(p, runs={"adamw": {"weight_decay": lam}, "adamprox": {"weight_decay": lam}},
                           diagnostics=False)
    t = by_key(p, trs)
    w, x, z = t["adamw"].points, t["adamprox"].points, t["adam"].points[:, None, :]
    gap = np.sqrt(np.sum((w - x) ** 2, axis=(0, 2)))
    effect = np.sqrt(np.sum((w - z) ** 2, axis=(0, 2)))
    return gap / effect, sc, gamma


def test_claim7_adamw_approximates_adamprox_for_small_gamma_lambda():
    """AdamW paper: ‖AdamW − AdamProx‖ / ‖AdamW − Adam(λ=0)‖ (norms over the path) is < 1% at
    γλ = 1e-3 and grows with γλ (λ raised at the preset's γ)."""
    ratios, sc, gamma = _prox_ratios([1e-3, 1e-2, 1e-1])
    assert sc.run("adamw").hp["weight_decay"] * gamma == pytest.approx(1e-3)   # the preset's γλ
    assert ratios[0] < 0.01, ratios                                            # measured 0.15%
    assert np.all(np.diff(ratios) > 0), ratios
    full, _, _ = _prox_ratios(prox_gap.PROX_GAMMA_LAMBDAS)
    assert np.all(np.diff(full) > 0), full
    assert full[-1] >= 3 * full[0], full


def test_claim7_one_step_gap_has_the_first_order_form():
    """From the same θ and the same Adam direction s, AdamProx − AdamW = θ(γλ)²/(1+γλ) +
    γs·γλ/(1+γλ): the gap is second order in γλ relative to the decay γλθ. Checked on the
    preset's first step (s = -sign(g) at t = 1 with ε ≪ |g|)."""
    p = get("adamw-vs-adamprox")
    sc = parse_scenario(p.query, strict=True)
    surf = sc.build_surface()
    th = np.asarray(sc.start)
    g = surf.grad(th)
    for gl in (1e-3, 1e-2, 1e-1):
        lam = gl / sc.run("adamw").hp["lr"]
        _, trs = scenario_runs(p, steps=1, runs={"adamw": {"weight_decay": lam},
                                                 "adamprox": {"weight_decay": lam}})
        t = by_key(p, trs)
        gamma, eps = sc.run("adamw").hp["lr"], sc.run("adamw").hp["eps"]
        s = g / (np.abs(g) + eps)                                          # m̂/(√v̂+ε) at t = 1
        expected = th * gl**2 / (1 + gl) + gamma * s * gl / (1 + gl)
        np.testing.assert_allclose(t["adamprox"].points[1] - t["adamw"].points[1], expected,
                                   rtol=1e-9, atol=1e-15)


# ----------------------------------------------------------------- claim 8: condition number
def gd_closed_form(kappa, u0, tol):
    """GD with γ = 1/κ on ½(u² + κv²): v is zero after one step, u_k = u0(1-1/κ)^k, so the first
    k with f ≤ tol is ⌈ln(2 tol/u0²) / (2 ln(1-1/κ))⌉ (1 for κ = 1)."""
    if kappa == 1:
        return 1
    return math.ceil(math.log(2 * tol / u0**2) / (2 * math.log1p(-1 / kappa)))


def test_claim8_gd_slows_by_kappa_on_the_preset():
    """GD's steps to f ≤ tol on the preset's valley, for κ = 10 and 100 at 0° and 45°, equal the
    closed form; at the preset's κ = 1e4 the closed form is ~8e4 steps, and the preset's run
    indeed has not arrived: a slowdown ≥ κ/10 over κ = 1."""
    p = get("adamw-condition-number")
    sc = parse_scenario(p.query, strict=True)
    kappa = sc.params["kappa"]
    assert kappa == 1e4 and sc.params["angle"] == 0.0 and sc.run("sgd").hp["lr"] == 1 / kappa
    tol = condition.CONDITION_TOL
    x0, y0 = sc.start
    for angle in (0.0, 45.0):
        a = math.radians(angle)
        u0 = math.cos(a) * x0 + math.sin(a) * y0
        for k in (10.0, 100.0):
            s = surfaces.get("quadratic", **{**sc.params, "kappa": k, "angle": angle})
            tr = optimizers.run(optimizers.get("sgd", lr=1 / k), s, start=sc.start, steps=1000,
                                diagnostics=False)
            assert tr.steps_to(tol) == gd_closed_form(k, u0, tol), (angle, k)
    _, trs = scenario_runs(p, diagnostics=False)
    assert by_key(p, trs)["sgd"].steps_to(tol) is None
    assert gd_closed_form(kappa, x0, tol) > sc.steps
    assert gd_closed_form(kappa, x0, tol) / gd_closed_form(1.0, x0, tol) >= kappa / 10


def test_claim8_adam_is_insensitive_to_axis_aligned_conditioning_not_to_rotation():
    """AdamW paper: axis-aligned, Adam's and AdamW's steps to f ≤ tol for κ = 1e4 are within 2×
    of κ = 1 (measured 1.08×); rotated by 45°, Adam needs > 10× more for κ = 1e4 than κ = 1
    (measured: not within 2500 steps, against 206)."""
    p = get("adamw-condition-number")
    sc = parse_scenario(p.query, strict=True)
    tol = condition.CONDITION_TOL
    keys = [r.key for r in sc.runs if r.name in ("adam", "adamw")]
    steps = {}
    for angle, kappa, n in ((0.0, 1.0, 1000), (0.0, 1e4, 1000), (45.0, 1.0, 1000), (45.0, 1e4, 2500)):
        _, trs = scenario_runs(p, surface={"kappa": kappa, "angle": angle}, steps=n,
                               diagnostics=False)
        t = by_key(p, trs)
        steps[angle, kappa] = {k: t[k].steps_to(tol) or math.inf for k in keys}
    for k in keys:
        s1, s4 = steps[0.0, 1.0][k], steps[0.0, 1e4][k]
        assert s1 < math.inf and s4 / s1 <= 2, (k, s1, s4)
    r1, r4 = steps[45.0, 1.0]["adam"], steps[45.0, 1e4]["adam"]
    assert r1 < math.inf and r4 >= 10 * r1, (r1, r4)


# ------------------------------------------------------------------------- the panels render
@pytest.mark.parametrize("name", ["adam-scale-invariance", "adam-step-bound", "adam-bias-correction",
                                  "adamw-scale-free", "adamw-vs-adamprox", "adamw-condition-number"])
def test_panel_renders_without_warnings(name):
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        from optviz.model.presets.paper import get
        from optviz.page.panels import render_panel
        p = get(st.session_state["_preset"])
        render_panel(p.panel, p.query, st)

    at = AppTest.from_function(script, default_timeout=60)
    at.session_state["_preset"] = name
    at.run()
    assert not at.exception, at.exception
    assert not at.warning, [w.value for w in at.warning]
    assert len(at.get("plotly_chart")) == 1
    if name == "adam-step-bound":                         # the sparse variant draws too
        at.toggle[0].set_value(True).run()
        assert not at.exception and len(at.get("plotly_chart")) == 1


def test_every_panel_computes():
    """Each panel's computation runs on its preset (its time is printed by `python -m benchmarks
    panels`, not asserted here: a shared machine makes a timed assert flaky)."""
    for fn, name in ((scale_free.data, "adamw-scale-free"), (prox_gap.data, "adamw-vs-adamprox"),
                     (bias_correction.data, "adam-bias-correction"),
                     (step_bound.data, "adam-step-bound"), (condition.data, "adamw-condition-number")):
        assert fn(get(name).query), name


def test_panel_numbers_agree_with_the_claims():
    """What the panels show is what the tests assert (they read the same scenario)."""
    d = prox_gap.data(get("adamw-vs-adamprox").query)
    ratios, _, _ = _prox_ratios(d["gamma_lambda"])
    np.testing.assert_allclose(d["ratio"], ratios, rtol=1e-9)
    c = condition.data(get("adamw-condition-number").query)
    assert c["curves"][("gd", 0.0)][:3] == c["closed"][0.0][:3]
    assert c["curves"][("gd", 45.0)][:3] == c["closed"][45.0][:3]
    rows = scale_free.table(scale_free.data(get("adamw-scale-free").query))
    assert [r["verdict"] for r in rows] == ["same path (to rounding)"] * 2 + ["different path"]


# ---------------------------------------------------------------- the preset links in the app
def test_preset_links_render_in_the_app_without_warnings():
    """Each preset link opens in the app (AppTest) without an exception or a warning."""
    import pathlib
    app = pathlib.Path(__file__).resolve().parent.parent / "app.py"
    if not app.exists():
        pytest.skip("app.py is not there yet")
    from streamlit.testing.v1 import AppTest
    import streamlit as st
    for p in PAPER_PRESETS:
        st.cache_data.clear()
        at = AppTest.from_file(str(app), default_timeout=60)
        for k, v in {**p.query, "preset": p.name}.items():
            at.query_params[k] = v
        at.run()
        assert not at.exception, (p.name, at.exception)
        assert not at.warning, (p.name, [w.value for w in at.warning])


def test_readme_section_links_each_preset_and_its_tests():
    """README.md carries each preset's exact link and names tests that exist."""
    import pathlib
    import re
    doc = (pathlib.Path(__file__).resolve().parent.parent / "README.md").read_text()
    for p in PAPER_PRESETS:
        assert f"](http://localhost:8501/{preset_url(p)})" in doc, p.name
    named = set(re.findall(r"tests/test_claims\.py::(\w+)", doc))
    assert len(named) >= 8 and all(callable(globals().get(t)) for t in named), named
