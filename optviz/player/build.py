"""The player's scene for a scenario of the page (the glue between the page's model and the pure
scene builder)."""
from __future__ import annotations

import numpy as np

from optviz.figures import background, style
from optviz.i18n import run_label, speaking, t
from optviz.model.fmt import fmt_number
from optviz.model.scenario import Scenario

from . import record, scene


def scene_for(s: Scenario, trajectories: dict, field, surface=None, step: int | None = None,
              lang: str | None = None, theme: str = "light"):
    """(scene, blobs) for scenario `s`: its runs in the sidebar's order, the surface's window and
    background, the view's type sizes; its texts in `lang` (default: the page's language); run
    colours and map bands those of `theme` ("light" or "dark")."""
    with speaking(lang):
        return _scene_for(s, trajectories, field, surface, step, theme)


def _scene_for(s, trajectories, field, surface, step, theme="light"):
    surface = surface or s.build_surface()
    typo = style.typography(s.view)
    runs = [(record.RunInfo(r.key, r.name, r.hp_dict), _label(r, s), style.run_color(r.key, theme),
             style.run_dash(r.key), style.run_symbol(r.key))
            for r in s.runs if r.key in trajectories]
    st = scene.Style(base=typo.base, legend=typo.legend, tick=typo.tick, line=typo.line,
                     head=typo.head, height=typo.height if s.view == "present" else 640,
                     present=s.view == "present", theme=style.theme_of(theme))
    return scene.build(runs, trajectories, surface, start=s.start, steps=s.steps,
                       background_png=background.background_uri(field, theme), style=st, step=step)


def _label(r, s: Scenario) -> str:
    """A run's legend label (copies say what differs); with tuned rates it says the rate it races
    at."""
    label = run_label(s.label(r.key))
    return label + " · " + t("γ tuned = {lr}", lr=fmt_number(r.hp["lr"])) if s.tuned else label


FAN_DRAWS = 20


def fan_for(s: Scenario, trajectories: dict, step: int | None, surface=None) -> dict | None:
    """The noise fan at update t = step for a stochastic oracle: per run, FAN_DRAWS gradient draws at
    θ_{t−1} from the run's own seeded generators, `used` the index of the draw update t used (the
    recorded g_t, bit for bit). None for an exact oracle or no step."""
    surface = surface or s.build_surface()
    if step is None or not surface.stochastic or not 1 <= step <= s.steps:
        return None
    from surfaces.oracles import gradient_draws
    keys = [r.key for r in s.runs if r.key in trajectories
            and np.isfinite(trajectories[r.key].points[step - 1]).all()]
    if not keys:
        return None
    at = np.array([trajectories[k].points[step - 1] for k in keys])
    draws, used = gradient_draws(surface, s.seed, at, step - 1, FAN_DRAWS)   # all runs at once
    runs = {k: {"at": at[i].tolist(), "draws": draws[:, i].tolist(), "used": used}
            for i, k in enumerate(keys) if np.isfinite(draws[:, i]).all()}
    return {"step": int(step), "k": FAN_DRAWS, "runs": runs} if runs else None
