"""Korean: the page's texts as a machine-learning lecturer would say them (keyed by the English).

Optimizer names (SGD, Adam, AdamW …), symbols and formulas stay as they are. PATTERNS translate the
messages the core composes with values in them (link notes, parser errors, panel labels).
"""
from __future__ import annotations

import re

MESSAGES: dict[str, str] = {
# ---------------------------------------------------------------- optimizers (registry)
# Optimizer names stay as in the papers and libraries.
**{n: n for n in ("SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam", "AMSGrad", "AdamW",
                  "AdamProx", "AdaMax", "NAdam", "RAdam", "Lion", "AdaBelief")},
"Adam, no bias correction": "Adam (편향 보정 없음)",
"Plain gradient descent: the step is the gradient times γ, so it is as large as the slope and as ill-conditioned as the problem.":
    "기본 경사 하강법: 한 스텝이 기울기에 γ를 곱한 값이라, 경사가 큰 만큼 커지고 문제의 조건이 나쁜 만큼 그대로 나빠집니다.",
"learning rate: the base step size γ": "학습률: 기본 스텝 크기 γ",
"heavy-ball momentum: how much of the previous direction is kept": "heavy-ball 모멘텀: 이전 진행 방향을 얼마나 유지할지",
"scales the new gradient in the momentum buffer by 1 - τ": "모멘텀 버퍼에 들어가는 새 기울기에 1 - τ를 곱합니다",
"L2 penalty added to the gradient: g ← g + λθ": "기울기에 더하는 L2 페널티: g ← g + λθ",
"look-ahead (Nesterov) momentum: step along g + μb": "앞을 내다보는 (Nesterov) 모멘텀: g + μb 방향으로 이동",
"step-size schedule γ_t = lr · η_t": "스텝 크기 스케줄 γ_t = lr · η_t",
"linear warmup over w steps (0: none)": "w 스텝 동안 선형 워밍업 (0: 사용 안 함)",
"for the step schedule: divide by 10 every k steps": "step 스케줄에서: k 스텝마다 10으로 나눕니다",
"Heavy-ball momentum: a running sum of past gradients, so consistent directions accelerate and oscillations across a valley cancel.":
    "Heavy-ball 모멘텀: 지난 기울기를 누적해 더하므로, 일관된 방향으로는 가속하고 골짜기를 가로지르는 진동은 서로 상쇄됩니다.",
"Nesterov momentum: steps along g + μb, a look-ahead that brakes earlier than heavy ball when the slope turns.":
    "Nesterov 모멘텀: g + μb 방향으로 이동합니다. 한 발 앞을 내다보기 때문에 경사가 바뀌면 heavy-ball보다 먼저 브레이크를 겁니다.",
"Divides each coordinate's step by the root of its summed squared gradients: rare coordinates keep large steps (good for sparse features), but the sum only grows, so steps shrink for ever.":
    "각 좌표의 스텝을 그 좌표의 기울기 제곱 누적합의 제곱근으로 나눕니다. 드물게 나타나는 좌표는 큰 스텝을 유지하지만(희소 특성에 유리), 누적합은 커지기만 하므로 스텝은 끝없이 줄어듭니다.",
"γ_t / (1 + (t-1)δ)": "학습률 감쇠: γ_t / (1 + (t-1)δ)",
"starting value of the squared-gradient sum": "기울기 제곱 누적합의 초깃값",
"added to the denominator for stability; ε = 0 makes the step scale-invariant": "수치 안정성을 위해 분모에 더하는 값. ε = 0이면 스텝이 스케일에 불변이 됩니다",
"AdaGrad with a forgetting average of squared gradients: the step is normalised per coordinate and does not shrink for ever. No bias correction.":
    "기울기 제곱을 지수 이동 평균으로 잊어 가는 AdaGrad입니다. 좌표마다 스텝을 정규화하면서도 스텝이 끝없이 줄어들지 않습니다. 편향 보정은 없습니다.",
"decay of the squared-gradient average": "기울기 제곱 평균의 감쇠율",
"momentum on the normalised step": "정규화된 스텝에 거는 모멘텀",
"divide by the variance estimate v - ḡ² instead of v": "v 대신 분산 추정값 v - ḡ²로 나눕니다",
"Momentum (m) divided by an RMS of gradients (√v), both bias-corrected: the step is about γ in every coordinate whatever the gradient's scale. Its weight decay is L2 (Adam-ℓ2): λθ passes through m and v.":
    "모멘텀(m)을 기울기의 RMS(√v)로 나눈 것으로, 둘 다 편향 보정을 합니다. 기울기의 스케일과 상관없이 모든 좌표에서 스텝이 대략 γ입니다. 가중치 감쇠는 L2 방식(Adam-ℓ2)이라 λθ가 m과 v를 거쳐 갑니다.",
"Kingma & Ba 2015, Algorithm 1": "Kingma & Ba 2015, 알고리즘 1",
"decay of the first-moment (momentum) average": "1차 모먼트(모멘텀) 평균의 감쇠율",
"decay of the second-moment average: its memory is about 1/(1-β2) steps": "2차 모먼트 평균의 감쇠율: 대략 1/(1-β2) 스텝만큼을 기억합니다",
"use the running maximum of v (AMSGrad)": "v의 누적 최댓값을 사용 (AMSGrad)",
"Adam without dividing by 1-β^t (RMSProp with momentum). With β2 near 1, v starts near 0 and the first steps are far too large.":
    "1-β^t로 나누지 않는 Adam(모멘텀을 단 RMSProp)입니다. β2가 1에 가까우면 v가 0 근처에서 출발해 처음 몇 스텝이 지나치게 커집니다.",
"Kingma & Ba 2015, §6.4": "Kingma & Ba 2015, §6.4",
"Adam with the running maximum of v: the effective step can only shrink, which repairs Adam's non-convergence examples.":
    "v의 누적 최댓값을 쓰는 Adam입니다. 실효 스텝이 줄어들기만 하므로, Adam이 수렴하지 않는 반례를 바로잡습니다.",
"Reddi et al. 2018": "Reddi 외 2018",
"Adam with decoupled weight decay: θ shrinks by (1 - cλ) outside the adaptive step, so the decay is not rescaled by √v. With ε = 0 it is scale-free: multiplying ∇f by any positive vector leaves the path unchanged.":
    "가중치 감쇠를 분리한 Adam입니다. θ를 적응적 스텝 바깥에서 (1 - cλ)배로 줄이므로 감쇠가 √v로 다시 스케일되지 않습니다. ε = 0이면 스케일 불변이라, ∇f에 어떤 양의 벡터를 곱해도 경로가 그대로입니다.",
"Loshchilov & Hutter 2019; Zhuang et al. 2022": "Loshchilov & Hutter 2019; Zhuang 외 2022",
"decoupled weight decay: θ ← θ(1 - c_t λ), not seen by m and v": "분리된 가중치 감쇠: θ ← θ(1 - c_t λ), m과 v에는 반영되지 않습니다",
"weight decay per step is γ_t·λ (\"lr\", torch/optax) or η_t·λ (\"schedule\", Loshchilov & Hutter; Zhuang et al.)":
    "스텝마다 가중치 감쇠가 γ_t·λ(\"lr\", torch/optax 방식)인지 η_t·λ(\"schedule\", Loshchilov & Hutter; Zhuang 외)인지",
"The Adam step followed by the exact proximal step of (cλ/2)‖θ‖². AdamW is its first-order Taylor approximation; the two agree when γλ is small.":
    "Adam 스텝 다음에 (cλ/2)‖θ‖²의 정확한 근접(proximal) 스텝을 밟습니다. AdamW는 이것의 1차 테일러 근사이며, γλ가 작으면 둘이 일치합니다.",
"Zhuang, Liu et al. 2022": "Zhuang, Liu 외 2022",
"proximal weight decay: θ ← (θ - step)/(1 + c_t λ)": "근접(proximal) 가중치 감쇠: θ ← (θ - 스텝)/(1 + c_t λ)",
"Adam with the L∞ norm: u is a decaying maximum of |g|, so |Δθ| ≤ γ/(1-β1^t) · |m|/u stays close to γ. Only m is bias-corrected.":
    "L∞ 노름을 쓰는 Adam입니다. u가 |g|의 감쇠 최댓값이므로 |Δθ| ≤ γ/(1-β1^t) · |m|/u가 γ 가까이에 머뭅니다. 편향 보정은 m에만 합니다.",
"Kingma & Ba 2015, Algorithm 2": "Kingma & Ba 2015, 알고리즘 2",
"Adam with Nesterov momentum: the step mixes the current gradient and the momentum of the next step, with a slowly warming momentum schedule.":
    "Nesterov 모멘텀을 쓰는 Adam입니다. 현재 기울기와 다음 스텝의 모멘텀을 섞어 이동하고, 모멘텀은 천천히 데워지는 스케줄을 따릅니다.",
"Dozat 2016": "Dozat 2016",
"momentum warm-up schedule μ_t = β1(1 - ½·0.96^{tψ})": "모멘텀 워밍업 스케줄 μ_t = β1(1 - ½·0.96^{tψ})",
"Rectified Adam: while v is too young to trust (ρ_t ≤ 5) it takes plain momentum steps, then rescales the adaptive step by the variance rectifier r_t.":
    "Rectified Adam: v가 아직 믿을 만큼 쌓이지 않은 동안(ρ_t ≤ 5)은 평범한 모멘텀 스텝을 밟고, 그 뒤에는 분산 보정 계수 r_t로 적응적 스텝을 조정합니다.",
"Liu et al. 2020": "Liu 외 2020",
"The sign of an interpolated momentum: every coordinate moves by exactly γ each step, so pick γ 3-10× smaller than Adam's.":
    "보간한 모멘텀의 부호만 씁니다. 매 스텝 모든 좌표가 정확히 γ만큼 움직이므로, γ를 Adam보다 3~10배 작게 잡으세요.",
"Chen et al. 2023": "Chen 외 2023",
"Adam with v replaced by the variance of g around its mean m ('belief'): steps are large where the gradient is predictable, small where it is noisy.":
    "v를 평균 m 주변에서의 g의 분산('belief')으로 바꾼 Adam입니다. 기울기가 예측 가능한 곳에서는 스텝이 크고, 노이즈가 심한 곳에서는 작습니다.",
"Zhuang et al. 2020": "Zhuang 외 2020",
# ---------------------------------------------------------------- surfaces (registry)
"Quadratic valley": "2차 골짜기",
"An ill-conditioned bowl: curvature 1 along u and κ along v.": "조건이 나쁜 그릇 모양: u 방향 곡률은 1, v 방향 곡률은 κ입니다.",
"condition number: curvature ratio of the steep and the flat direction": "조건수: 가파른 방향과 완만한 방향의 곡률 비",
"rotation of the valley in degrees; 0 = axis-aligned (diagonal) ill-conditioning": "골짜기의 회전 각도(도). 0이면 축에 정렬된(대각) 악조건입니다",
"minimiser x": "최소점의 x",
"minimiser y": "최소점의 y",
"additive Gaussian gradient noise: g + σ·ξ, ξ ~ N(0, I)": "기울기에 더하는 가우시안 노이즈: g + σ·ξ, ξ ~ N(0, I)",
"dropout-style noise: each gradient coordinate is zeroed with probability p and the rest rescaled by 1/(1-p) (unbiased), as in the Adam paper's dropout noise":
    "드롭아웃식 노이즈: 기울기의 각 좌표를 확률 p로 0으로 만들고 나머지는 1/(1-p)배 합니다(불편 추정). Adam 논문의 드롭아웃 노이즈와 같습니다",
"the y-gradient is observed only with probability q (and rescaled by 1/q): a rare feature": "y 기울기가 확률 q로만 관측됩니다(관측되면 1/q배): 드물게 나타나는 특성",
"multiply the x-gradient by c_x (scale-freeness demonstrations)": "x 기울기에 c_x를 곱합니다 (스케일 불변성 시연용)",
"multiply the y-gradient by c_y": "y 기울기에 c_y를 곱합니다",
"Rosenbrock": "Rosenbrock",
"A curved, flat-bottomed valley: easy to find, slow to follow.": "바닥이 평평하고 휘어진 골짜기: 찾기는 쉽지만 따라가기는 느립니다.",
"minimiser at (a, a²)": "최소점은 (a, a²)",
"steepness of the valley walls": "골짜기 벽의 가파른 정도",
"Beale": "Beale",
"Sharp ridges and flat plateaus around a narrow minimum at (3, 0.5).": "(3, 0.5)의 좁은 최소점 주위로 날카로운 능선과 평평한 고원이 펼쳐져 있습니다.",
"Himmelblau": "Himmelblau",
"Four equal minima: which one a run reaches depends on its dynamics.": "높이가 같은 최소점이 넷: 어느 쪽에 도달하는지는 옵티마이저의 동역학에 달려 있습니다.",
"Rastrigin": "Rastrigin",
"A bowl covered in local minima: momentum can roll over small bumps.": "국소 최소점으로 뒤덮인 그릇: 모멘텀이 있으면 작은 둔덕은 굴러 넘어갈 수 있습니다.",
"Ackley": "Ackley",
"A nearly flat plateau riddled with dimples around a deep central hole.": "가운데 깊은 구멍 주변으로, 자잘한 홈이 가득한 거의 평평한 고원입니다.",
"Saddle": "안장점",
"A saddle point at the origin between two minima at (0, ±1): starting on the ridge, how fast does each optimizer escape?":
    "원점의 안장점과 그 양옆 (0, ±1)의 두 최소점: 능선 위에서 출발했을 때 옵티마이저마다 얼마나 빨리 빠져나갈까요?",
"Styblinski–Tang": "Styblinski–Tang",
"Four basins of different depth: only one is the global minimum.": "깊이가 서로 다른 분지가 넷: 전역 최소점은 하나뿐입니다.",
"Goldstein–Price": "Goldstein–Price",
"Values spanning six orders of magnitude: step sizes that suit one region explode in another.": "값의 범위가 10⁶배에 걸쳐 있어, 한 영역에 맞는 스텝 크기가 다른 영역에서는 폭주합니다.",
"Logistic regression": "로지스틱 회귀",
"Two-weight logistic regression on a fixed synthetic dataset; minibatches and a rare feature make its gradient noisy and sparse.":
    "고정된 합성 데이터에 대한 가중치 두 개짜리 로지스틱 회귀입니다. 미니배치와 드문 특성 때문에 기울기에 노이즈가 끼고 희소해집니다.",
"fraction of examples in which the second feature is present (a rare feature, as in the Adam paper)": "두 번째 특성이 나타나는 샘플의 비율 (Adam 논문처럼 드문 특성)",
"minibatch size (256 = full batch, deterministic)": "미니배치 크기 (256 = 전체 배치, 결정적)",
"Your own f(x, y)": "직접 입력한 f(x, y)",
# ---------------------------------------------------------------- presets
"The Rosenbrock race": "Rosenbrock 경주",
"Seven optimizers start at (−1.5, 2) on Rosenbrock's banana-shaped valley; the minimum is the star at (1, 1). Finding the valley is easy — following its flat, curved floor to the star is the hard part. Plain SGD crawls: its step is proportional to the slope, and the floor is nearly flat, so after 1000 steps it is not even half-way. Momentum and Nesterov build up speed along the floor and reach the star first (within 10⁻³ after about 670 and 560 steps); Nesterov's look-ahead makes its first steps almost twice as long, so watch it overshoot across the valley at the start. AdaGrad's steps shrink for ever: it barely leaves the start. RMSProp, Adam and AdamW move at a nearly constant speed of about γ per step whatever the slope (see |Δθ| in the diagnostics), so they are only three quarters of the way there; RMSProp, with no bias correction, starts with steps ten times γ and zig-zags across the floor.":
    "옵티마이저 일곱 개가 Rosenbrock의 바나나 모양 골짜기 위 (−1.5, 2)에서 출발합니다. 최소점은 (1, 1)의 별입니다. 골짜기를 찾는 것은 쉽고, 평평하게 휘어진 바닥을 따라 별까지 가는 것이 어렵습니다. 기본 SGD는 기어갑니다. 스텝이 경사에 비례하는데 바닥이 거의 평평하니, 1000 스텝이 지나도 절반도 못 갑니다. Momentum과 Nesterov는 바닥을 따라 속도를 붙여 가장 먼저 별에 닿습니다(10⁻³ 이내까지 각각 약 670, 560 스텝). Nesterov는 앞을 내다보는 덕분에 처음 스텝이 거의 두 배 길어서, 출발 직후 골짜기를 건너 넘어가는 모습이 보입니다. AdaGrad는 스텝이 끝없이 줄어들어 출발점을 거의 벗어나지 못합니다. RMSProp, Adam, AdamW는 경사와 상관없이 스텝당 약 γ의 거의 일정한 속도로 움직이므로(진단 탭의 |Δθ| 참고) 4분의 3 지점까지만 갑니다. 편향 보정이 없는 RMSProp은 γ의 열 배나 되는 스텝으로 시작해 바닥을 지그재그로 가로지릅니다.",
"Rosenbrock 1960; the classic optimizer race": "Rosenbrock 1960; 옵티마이저 비교의 고전",
"An ill-conditioned, rotated valley (κ = 100)": "회전된 악조건 골짜기 (κ = 100)",
"A quadratic bowl 100 times steeper across its valley than along it, rotated by 30°. Gradient descent must keep its step below 2/κ for the steep direction (here γ ≈ 2/(κ+1), the best it can do), so it zig-zags across the valley and creeps along it: about 330 steps to get within 10⁻³. Heavy-ball momentum with the step and momentum that Polyak's analysis prescribes (γ = 4/(√κ+1)², μ = ((√κ−1)/(√κ+1))²) gets there in about 33 — the promised √κ = 10 times faster. Adam and RMSProp rescale each coordinate, but the valley is rotated, so x and y are both steep and flat and a per-coordinate scale cannot undo the conditioning: they are still far off after 500 steps (compare the loss curves in the diagnostics). Set the angle to 0 and Adam gets there in about 100 steps.":
    "골짜기를 가로지르는 방향이 따라가는 방향보다 100배 가파른 2차 그릇을 30° 돌려 놓았습니다. 경사 하강법은 가파른 방향 때문에 스텝을 2/κ 아래로 유지해야 하므로(여기서는 가능한 최선인 γ ≈ 2/(κ+1)), 골짜기를 가로질러 지그재그하며 골짜기를 따라서는 기어갑니다. 10⁻³ 이내에 들기까지 약 330 스텝이 걸립니다. Polyak의 분석이 처방하는 스텝과 모멘텀(γ = 4/(√κ+1)², μ = ((√κ−1)/(√κ+1))²)을 쓴 heavy-ball 모멘텀은 약 33 스텝 만에 도착합니다. 이론대로 √κ = 10배 빠릅니다. Adam과 RMSProp은 좌표마다 스케일을 조정하지만, 골짜기가 회전되어 있어 x와 y 모두 가파르면서 완만하기도 하므로 좌표별 스케일로는 나쁜 조건을 되돌릴 수 없습니다. 500 스텝이 지나도 한참 멀리 있습니다(진단 탭의 손실 곡선을 비교해 보세요). 각도를 0으로 바꾸면 Adam은 약 100 스텝 만에 도착합니다.",
"Condition number and momentum: Polyak 1964; Goh, 'Why momentum really works', 2017": "조건수와 모멘텀: Polyak 1964; Goh, 'Why momentum really works', 2017",
"Escaping a saddle point": "안장점 탈출",
"f = x² + y⁴/4 − y²/2 has a saddle at the origin and two minima at (0, ±1). Every run starts at (1.5, 0.001), almost exactly on the ridge, where the slope pushing it off the ridge is only about 0.001. SGD slides down to the saddle and lingers there for hundreds of steps, because its step is proportional to that tiny slope. Momentum accumulates the tiny push and escapes after about a hundred steps. The adaptive methods divide by the gradient's own size, so the tiny y-gradient becomes a step of about γ: RMSProp and AdaGrad roll off the ridge at once, Adam within about 50 steps. Raise the gradient noise to σ = 0.3: random kicks push SGD off the ridge sooner.":
    "f = x² + y⁴/4 − y²/2는 원점에 안장점이, (0, ±1)에 최소점 두 개가 있습니다. 모든 실행이 능선 거의 정확히 위인 (1.5, 0.001)에서 출발하는데, 그곳에서 능선 밖으로 밀어내는 경사는 0.001 정도뿐입니다. SGD는 스텝이 그 작은 경사에 비례하므로 안장점까지 미끄러져 내려가 수백 스텝 동안 머뭅니다. 모멘텀은 그 작은 밀림을 쌓아 100 스텝쯤 뒤에 빠져나갑니다. 적응적 방법들은 기울기 자신의 크기로 나누기 때문에 아주 작은 y 기울기도 약 γ 크기의 스텝이 됩니다. RMSProp과 AdaGrad는 곧바로 능선에서 굴러 내려오고, Adam도 50 스텝 안에 벗어납니다. 기울기 노이즈를 σ = 0.3으로 올려 보세요. 무작위로 튀는 힘이 SGD를 더 빨리 능선에서 밀어냅니다.",
"Dauphin et al. 2014, saddle points in high-dimensional optimization": "Dauphin 외 2014, 고차원 최적화의 안장점",
"Adam ignores the gradient's scale (ε = 0)": "Adam은 기울기의 스케일을 무시한다 (ε = 0)",
"Every gradient on this Rosenbrock surface has been multiplied by 1000. Adam divides its momentum m̂ by the root of its squared-gradient average √v̂; both grow by the same factor 1000, so with ε = 0 the factor cancels and Adam walks exactly the path it walks on the unscaled surface — the panel overlays the two and their largest difference is at the level of rounding (about 1e-16). With torch's ε = 1e-8 the path moves by about 1e-9: ε only matters where gradients are as small as ε. Plain SGD's step is the gradient times γ, so it becomes 1000 times larger and SGD diverges at step 2.":
    "이 Rosenbrock 곡면의 기울기에는 모두 1000이 곱해져 있습니다. Adam은 모멘텀 m̂을 기울기 제곱 평균의 제곱근 √v̂로 나누는데, 둘 다 똑같이 1000배가 되므로 ε = 0이면 그 배율이 약분되어 스케일하지 않은 곡면에서와 정확히 같은 경로를 걷습니다. 아래 패널은 두 경로를 겹쳐 보여 주며, 가장 큰 차이도 반올림 오차 수준(약 1e-16)입니다. torch 기본값 ε = 1e-8을 쓰면 경로가 1e-9 정도 움직입니다. ε은 기울기가 ε만큼 작은 곳에서만 영향을 줍니다. 기본 SGD는 스텝이 기울기에 γ를 곱한 값이라 1000배 커지고, 2번째 스텝에서 발산합니다.",
"Kingma & Ba 2015, Adam, §2.1 (invariance to diagonal rescaling of the gradient)": "Kingma & Ba 2015, Adam, §2.1 (기울기의 대각 스케일 변환에 대한 불변성)",
"Adam's step is bounded by α — and AdaMax's by slightly more": "Adam의 스텝은 α로 제한된다 — AdaMax는 그보다 조금 더",
"The panel plots each step's largest coordinate |Δθᵢ| divided by the learning rate α. Adam's curve never rises above the line at 1: on a dense problem its step is at most about α, whatever the gradient's size, which is what makes α easy to choose — it is a trust region. AdaMax's paper says the same, but its exact bound is the dashed curve α(1−β1)(1−(β1/β2)^t)/((1−β1/β2)(1−β1^t)), which climbs to about 1.009α: on this run AdaMax's third step is 1.00017α, just above α and well below its bound. Switch on the sparse gradient: when a coordinate's gradient has been zero for a long time and then appears, Adam's step jumps above α towards α(1−β1)/√(1−β2) ≈ 3.2α, the paper's sparse-case bound. (The x-steps rise above α then too: each sudden y-move changes the x-gradient abruptly, and the bound ≈ α holds only while the gradient's scale changes slowly.)":
    "패널은 스텝마다 가장 큰 좌표의 |Δθᵢ|를 학습률 α로 나눈 값을 그립니다. Adam의 곡선은 1의 선을 넘지 않습니다. 밀집(dense) 문제에서는 기울기 크기와 상관없이 스텝이 많아야 약 α이고, 그래서 α를 고르기 쉽습니다. α가 일종의 신뢰 영역(trust region)인 셈입니다. AdaMax도 논문에서는 같다고 하지만, 정확한 상한은 점선 곡선 α(1−β1)(1−(β1/β2)^t)/((1−β1/β2)(1−β1^t))이고 약 1.009α까지 올라갑니다. 이 실행에서 AdaMax의 세 번째 스텝은 1.00017α로, α를 살짝 넘지만 상한보다는 한참 아래입니다. 희소 기울기를 켜 보세요. 어떤 좌표의 기울기가 오랫동안 0이었다가 나타나면 Adam의 스텝이 α를 넘어 논문의 희소한 경우 상한인 α(1−β1)/√(1−β2) ≈ 3.2α 쪽으로 뛰어오릅니다. (이때 x 스텝도 α를 넘습니다. y가 갑자기 움직일 때마다 x 기울기가 급변하는데, 상한 ≈ α는 기울기의 스케일이 천천히 변할 때만 성립하기 때문입니다.)",
"Kingma & Ba 2015, Adam, §2.1 (effective step size) and §7.1 (AdaMax)": "Kingma & Ba 2015, Adam, §2.1 (실효 스텝 크기)과 §7.1 (AdaMax)",
"Why Adam corrects its moment estimates' bias": "Adam이 모먼트 추정의 편향을 보정하는 이유",
"Adam's running averages m and v start at zero, so in the first steps they are too small; Adam divides them by 1−β1^t and 1−β2^t. Without that correction v is far too small for about 1/(1−β2) steps: the first step is α(1−β1)/√(1−β2), that is 3.2α for β2 = 0.999 and 10α for β2 = 0.9999 — look at the magnified first twenty steps. On the surface the uncorrected β2 = 0.9999 run is flung up the valley wall and its loss jumps from 12.5 to about 250, while both corrected runs take steps of α and their loss never rises. The closer β2 is to 1 — the setting sparse problems need — the worse it gets, which is why bias correction matters.":
    "Adam의 이동 평균 m과 v는 0에서 출발하므로 처음 몇 스텝 동안은 너무 작습니다. 그래서 Adam은 이를 1−β1^t와 1−β2^t로 나눕니다. 이 보정이 없으면 약 1/(1−β2) 스텝 동안 v가 지나치게 작아서, 첫 스텝이 α(1−β1)/√(1−β2), 즉 β2 = 0.999에서 3.2α, β2 = 0.9999에서는 10α가 됩니다. 확대한 처음 스무 스텝을 보세요. 곡면 위에서는 보정하지 않은 β2 = 0.9999 실행이 골짜기 벽 위로 튕겨 나가 손실이 12.5에서 약 250으로 치솟는 반면, 보정한 두 실행은 α 크기의 스텝을 밟고 손실이 한 번도 오르지 않습니다. 희소한 문제에 필요한 설정처럼 β2가 1에 가까울수록 상황이 나빠지며, 그래서 편향 보정이 중요합니다.",
"Kingma & Ba 2015, Adam, §3 (initialization bias correction) and §6.4, Fig. 4": "Kingma & Ba 2015, Adam, §3 (초기화 편향 보정)과 §6.4, 그림 4",
"Sparse gradients: a rare feature": "희소 기울기: 드물게 나타나는 특성",
"Logistic regression with two weights: the first feature is in every example, the second in only 1% of them, so most minibatch gradients say nothing about the second weight (the vertical axis). SGD's step is proportional to the gradient: it quickly fixes the frequent weight and then creeps along the flat direction of the rare one. AdaGrad, at the same learning rate, and Adam divide each coordinate by the size of its own past gradients, so the rare weight takes full-sized steps whenever its feature appears: after 300 steps they are about 2.5 to 3 times closer to the rare weight's optimum than SGD, with the frequent weight just as good. (In two dimensions the effect is modest; it grows with the number of rare features.)":
    "가중치 두 개짜리 로지스틱 회귀입니다. 첫 번째 특성은 모든 샘플에 있고 두 번째 특성은 1%에만 있어서, 미니배치 기울기 대부분은 두 번째 가중치(세로축)에 대해 아무 정보도 주지 않습니다. SGD는 스텝이 기울기에 비례하므로 자주 나오는 가중치는 빨리 맞추지만, 드문 가중치의 완만한 방향으로는 기어갑니다. 같은 학습률의 AdaGrad와 Adam은 각 좌표를 그 좌표가 지금까지 받은 기울기의 크기로 나누기 때문에, 드문 특성이 나타날 때마다 그 가중치가 온전한 크기의 스텝을 밟습니다. 300 스텝 뒤 드문 가중치의 최적값까지의 거리가 SGD보다 2.5~3배 가깝고, 자주 나오는 가중치도 똑같이 잘 맞춥니다. (2차원에서는 효과가 크지 않지만, 드문 특성이 많을수록 커집니다.)",
"Kingma & Ba 2015, Adam, §1 and §6.1 (logistic regression, sparse features)": "Kingma & Ba 2015, Adam, §1과 §6.1 (로지스틱 회귀, 희소 특성)",
"Noisy gradients: dropout noise, Adam vs SGD with Nesterov momentum": "노이즈 낀 기울기: 드롭아웃 노이즈에서 Adam 대 Nesterov 모멘텀 SGD",
"Each gradient coordinate is dropped with probability ½ and the rest doubled: the gradient is right on average but every single one is wrong. Watch the loss curves. Nesterov's step is proportional to the noisy gradient, so a doubled coordinate doubles the step: it needs a small learning rate to survive (twice as large diverges for some seeds) and its loss stalls about 6e-5 above the minimum — even at its best learning rate, about 4e-7. Adam normalises each coordinate by the root mean square of its recent gradients, which absorbs the noise's scale: it keeps converging, to about 4e-11 — four orders of magnitude below Nesterov at its best.":
    "기울기의 각 좌표를 확률 ½로 버리고 나머지는 두 배로 키웁니다. 평균으로는 올바른 기울기지만 하나하나는 모두 틀립니다. 손실 곡선을 보세요. Nesterov는 스텝이 노이즈 낀 기울기에 비례하므로 두 배가 된 좌표에서는 스텝도 두 배가 됩니다. 버티려면 학습률이 작아야 하고(두 배로 키우면 시드에 따라 발산합니다), 손실은 최솟값보다 약 6e-5 위에서 멈춥니다. 가장 좋은 학습률에서도 약 4e-7입니다. Adam은 각 좌표를 최근 기울기의 제곱평균제곱근(RMS)으로 정규화해 노이즈의 스케일을 흡수하므로, 약 4e-11까지 계속 수렴합니다. 가장 좋은 설정의 Nesterov보다 네 자릿수나 낮습니다.",
"Kingma & Ba 2015, Adam, §6.1–6.3 (dropout noise; comparison with SGD Nesterov)": "Kingma & Ba 2015, Adam, §6.1–6.3 (드롭아웃 노이즈; Nesterov SGD와의 비교)",
"AdamW and AdamProx are scale-free; Adam with L2 is not": "AdamW와 AdamProx는 스케일 불변, L2를 쓴 Adam은 아니다",
"The gradient's x-coordinate is multiplied by 1000 and its y-coordinate divided by 100. The panel runs the same race with and without that rescaling. AdamW and AdamProx (ε = 0) land exactly on their unscaled paths: their weight decay acts on θ directly, outside the normalised step, so nothing in the update sees the gradient's scale. Adam with L2 regularisation adds λθ to the gradient before normalising; rescaling the gradient changes the balance between the loss and the penalty in each coordinate, and its path — and even its end point — moves (by about 0.5 here). Scale-freeness is what lets AdamW ignore how badly each coordinate is scaled.":
    "기울기의 x 좌표에는 1000을 곱하고 y 좌표는 100으로 나눕니다. 패널은 이 스케일 변환이 있을 때와 없을 때 같은 경주를 돌립니다. AdamW와 AdamProx(ε = 0)는 스케일하지 않은 경로에 정확히 겹칩니다. 가중치 감쇠가 정규화된 스텝 바깥에서 θ에 직접 작용하므로, 업데이트의 어느 부분도 기울기의 스케일을 보지 않기 때문입니다. L2 정규화를 쓴 Adam은 정규화하기 전에 기울기에 λθ를 더합니다. 기울기를 스케일하면 좌표마다 손실과 페널티 사이의 균형이 바뀌어, 경로는 물론 도착점까지 움직입니다(여기서는 약 0.5). 좌표마다 스케일이 아무리 엉망이어도 AdamW가 영향을 받지 않는 것은 이 스케일 불변성 덕분입니다.",
"Loshchilov & Hutter 2019 (AdamW); Zhuang, Liu, Cutkosky & Orabona 2022, 'Understanding AdamW through proximal methods and scale-freeness'":
    "Loshchilov & Hutter 2019 (AdamW); Zhuang, Liu, Cutkosky & Orabona 2022, 'Understanding AdamW through proximal methods and scale-freeness'",
"AdamW is a first-order approximation of AdamProx": "AdamW는 AdamProx의 1차 근사다",
"AdamW shrinks θ by (1−γλ) and takes the Adam step; AdamProx takes the Adam step and then divides by (1+γλ) — the exact proximal step of the weight-decay penalty. Because 1/(1+γλ) = 1−γλ+(γλ)²−…, they agree to first order in γλ. On the surface, with γλ = 1e-3, their paths are indistinguishable. The panel measures the gap between them as a fraction of weight decay's own effect on the path (the distance from Adam without decay): about 0.15% at γλ = 1e-3, growing steadily as λ is raised to γλ = 0.1.":
    "AdamW는 θ를 (1−γλ)배로 줄인 뒤 Adam 스텝을 밟고, AdamProx는 Adam 스텝을 밟은 뒤 (1+γλ)로 나눕니다. 후자가 가중치 감쇠 페널티의 정확한 근접(proximal) 스텝입니다. 1/(1+γλ) = 1−γλ+(γλ)²−…이므로 둘은 γλ의 1차까지 일치합니다. 곡면 위에서 γλ = 1e-3일 때 두 경로는 구별할 수 없습니다. 패널은 둘 사이의 차이를 가중치 감쇠가 경로에 미치는 효과(감쇠 없는 Adam과의 거리)에 대한 비율로 잽니다. γλ = 1e-3에서 약 0.15%이고, λ를 γλ = 0.1까지 올리면 꾸준히 커집니다.",
"Zhuang, Liu, Cutkosky & Orabona 2022, 'Understanding AdamW through proximal methods and scale-freeness' (AdamW as an approximate proximal method)":
    "Zhuang, Liu, Cutkosky & Orabona 2022, 'Understanding AdamW through proximal methods and scale-freeness' (근사 근접 방법으로서의 AdamW)",
"Ill-conditioning: axis-aligned vs rotated": "악조건: 축 정렬 대 회전",
"A quadratic valley 10,000 times steeper across (y) than along (x). Gradient descent must take steps small enough for the steep direction, so it crawls along the flat one: with γ = 1/κ it needs about κ times more steps than on a round bowl — it is still far from the minimum at the end. Adam and AdamW rescale each coordinate by its own gradient size, which undoes this axis-aligned ill-conditioning completely: the panel shows their steps to reach f ≤ 1e-6 are flat in κ from 1 to 10,000, while GD's grow like κ. Rotate the valley by 45° (dashed lines) and the steep direction is no longer a coordinate: the per-coordinate rescaling cannot find it, and Adam slows down with κ as well.":
    "가로지르는 방향(y)이 따라가는 방향(x)보다 10,000배 가파른 2차 골짜기입니다. 경사 하강법은 가파른 방향에 맞춰 스텝을 충분히 작게 잡아야 하므로 완만한 방향으로는 기어갑니다. γ = 1/κ이면 둥근 그릇에서보다 약 κ배 많은 스텝이 필요해서, 끝날 때까지도 최소점에서 한참 멉니다. Adam과 AdamW는 각 좌표를 자기 기울기 크기로 스케일하므로 이런 축 정렬 악조건을 완전히 되돌립니다. 패널을 보면 f ≤ 1e-6에 닿기까지의 스텝 수가 κ = 1부터 10,000까지 평평한 반면, GD(경사 하강법)는 κ에 비례해 늘어납니다. 골짜기를 45° 돌리면(점선) 가파른 방향이 더 이상 좌표축이 아니어서 좌표별 스케일로는 찾아낼 수 없고, Adam도 κ와 함께 느려집니다.",
"Zhuang, Liu, Cutkosky & Orabona 2022 (scale-freeness and the condition number); Kingma & Ba 2015, §2.1":
    "Zhuang, Liu, Cutkosky & Orabona 2022 (스케일 불변성과 조건수); Kingma & Ba 2015, §2.1",
"the race": "경주 화면",
"the diagnostics": "진단 탭",
"the step sizes": "스텝 크기 그래프",
"the 3-D view": "3차원 보기",
"its own panel below the race": "경주 아래의 전용 패널",
"final loss f − f*": "최종 손실 f − f*",
"steps to f − f* ≤ tol": "f − f* ≤ tol까지의 스텝 수",
"diverged at step": "발산한 스텝",
"seed of the gradient noise (the same seed gives every run the same draws)": "기울기 노이즈의 시드 (시드가 같으면 모든 실행이 같은 난수를 받습니다)",
# ---------------------------------------------------------------- the page
"Optimizer race": "옵티마이저 경주",
"Language": "언어",
"View": "보기",
"Explore": "탐색",
"Present (large type)": "발표 (큰 글씨)",
"Surface": "곡면",
"Optimizers": "옵티마이저",
"Choose optimizers": "옵티마이저를 고르세요",
"Start and length": "시작점과 길이",
"{help}. Valid: {range}.": "{help}. 허용 범위: {range}.",
"true or false": "true 또는 false",
"one of {choices}": "{choices} 중 하나",
"Use x, y, numbers, + − * / **, pi, e and functions such as sin, exp, log, sqrt, abs. Window: −3 … 3 in x and y.":
    "x, y, 숫자, + − * / **, pi, e와 sin, exp, log, sqrt, abs 같은 함수를 쓸 수 있습니다. 표시 범위: x와 y 모두 −3 … 3.",
"Still showing the last valid expression.": "마지막으로 올바르게 입력한 식을 계속 보여 줍니다.",
"Gradient oracle: noise, dropout, sparsity, scale": "기울기 오라클: 노이즈, 드롭아웃, 희소성, 스케일",
"Each selected optimizer races from the same start. 'Duplicate for A/B' in its panel adds a second copy with its own settings.":
    "고른 옵티마이저는 모두 같은 시작점에서 경주합니다. 각 패널의 'A/B 비교용 복제'를 누르면 설정을 따로 둘 수 있는 사본이 하나 더 생깁니다.",
"Duplicate for A/B": "A/B 비교용 복제",
"Adds a copy with the same settings (up to three of one optimizer)": "같은 설정의 사본을 추가합니다 (한 옵티마이저당 최대 세 개)",
"start x₀": "시작점 x₀",
"start y₀": "시작점 y₀",
"Random": "무작위",
"A random start inside the window": "화면 범위 안의 무작위 시작점",
"Reset": "초기화",
"The surface's usual start": "이 곡면의 기본 시작점",
"Steps": "스텝 수",
"Number of updates. The player steps through every one of them.": "업데이트 횟수. 플레이어는 그 모든 스텝을 하나씩 보여 줍니다.",
"Seed (gradient noise)": "시드 (기울기 노이즈)",
" — changed since it was loaded": " — 불러온 뒤 바뀜",
"**Preset: {title}**{tag} · what to look for": "**프리셋: {title}**{tag} · 관찰 포인트",
"f is not a finite number on {share}% of the window (grey on the map); a run that steps there stops as diverged.":
    "화면 범위의 {share}%에서 f가 유한한 수가 아닙니다(지도에서 회색). 그곳에 들어간 실행은 발산한 것으로 보고 멈춥니다.",
"**Some parameters of this link could not be used** — each was replaced by its default:":
    "**이 링크의 매개변수 일부를 쓸 수 없었습니다** — 각각 기본값으로 바꿨습니다:",
"**{run}** is left out of the race: {why}": "**{run}**은(는) 경주에서 빠졌습니다: {why}",
"Pick at least one optimizer in the sidebar to start a race.": "경주를 시작하려면 사이드바에서 옵티마이저를 하나 이상 고르세요.",
"Running the optimizers…": "옵티마이저를 실행하는 중…",
"Effective step size |Δθᵢ| / γ": "실효 스텝 크기 |Δθᵢ| / γ",
"**:material/link: Share this scenario** — this link reproduces the race exactly": "**:material/link: 이 시나리오 공유** — 이 링크를 열면 똑같은 경주가 재현됩니다",
" · [open it in presentation mode]({link}) (large type, sidebar closed)": " · [발표 모드로 열기]({link}) (큰 글씨, 사이드바 닫힘)",
"Share this scenario": "이 시나리오 공유",
"Click, select all and copy; the address bar holds the same link.": "클릭해서 전체 선택 후 복사하세요. 주소창에도 같은 링크가 있습니다.",
":material/monitoring: Diagnostics": ":material/monitoring: 진단",
":material/landscape: 3-D view": ":material/landscape: 3차원 보기",
":material/function: Update rules": ":material/function: 업데이트 규칙",
":material/download: Export": ":material/download: 내보내기",
":material/school: Presets": ":material/school: 프리셋",
":material/grid_on: Sweep": ":material/grid_on: 스윕",
"Divide |Δθᵢ| by γ_t (the Adam paper's bound becomes 1)": "|Δθᵢ|를 γ_t로 나누기 (Adam 논문의 상한이 1이 됩니다)",
"Same colours as the race. Bounds (dotted) are the Adam paper's: |Δθᵢ| ≲ γ for the Adam family, the exact AdaMax bound for AdaMax (dashed grey: γ itself).":
    "색은 경주 화면과 같습니다. 점선은 Adam 논문의 상한입니다. Adam 계열은 |Δθᵢ| ≲ γ, AdaMax는 정확한 AdaMax 상한입니다(회색 파선: γ 자체).",
"Drag to turn the surface. Height is log₁₀(f − f*) where the surface uses log-spaced levels.": "드래그하면 곡면이 돌아갑니다. 등고선을 로그 간격으로 그리는 곡면에서는 높이가 log₁₀(f − f*)입니다.",
"Everything below reproduces this exact scenario.": "아래 파일은 모두 지금 이 시나리오를 그대로 재현합니다.",
"Trajectories (CSV)": "궤적 (CSV)",
"Trajectories + scenario (JSON)": "궤적 + 시나리오 (JSON)",
"Animated race (HTML, plays offline)": "경주 애니메이션 (HTML, 오프라인 재생)",
"Load": "불러오기",
"[Open as a link]({url}) · makes its point in {panel}": "[링크로 열기]({url}) · {panel}에서 확인할 수 있습니다",
"This panel cannot read the scenario: {why}": "이 패널은 시나리오를 읽을 수 없습니다: {why}",
# ---------------------------------------------------------------- the sweep tab
"Hyperparameter sweep": "하이퍼파라미터 스윕",
"One optimizer, two of its hyperparameters on a grid, every cell a full run of the race's surface, start, steps and seed — all cells in one batched run. Click a cell to get its link into the race.":
    "옵티마이저 하나의 하이퍼파라미터 두 개를 격자로 훑습니다. 칸마다 경주와 같은 곡면, 시작점, 스텝 수, 시드로 끝까지 실행하며, 모든 칸을 한 번의 배치 실행으로 계산합니다. 칸을 클릭하면 그 설정의 경주 링크가 나옵니다.",
"Optimizer": "옵티마이저",
"Metric": "지표",
"Grid n × n": "격자 n × n",
"{axis} axis": "{axis}축",
"{axis} min": "{axis} 최솟값",
"{axis} max": "{axis} 최댓값",
"log scale": "로그 스케일",
"tolerance on f − f*": "f − f*의 허용 오차",
"Surface {surface}, start ({x:g}, {y:g}), {steps} steps, seed {seed}; {opt}'s other hyperparameters: ":
    "곡면 {surface}, 시작점 ({x:g}, {y:g}), {steps} 스텝, 시드 {seed}; {opt}의 나머지 하이퍼파라미터: ",
"Running {runs} runs × {steps} steps…": "{runs}개 실행 × {steps} 스텝 계산 중…",
"{share} of the grid": "격자의 {share}",
"Cannot run this sweep: {why}": "이 스윕은 실행할 수 없습니다: {why}",
"{n}×{n} runs in {seconds} s ({chunks} batched calls). Diverged: {diverged} cells.": "{n}×{n}개 실행, {seconds}초 (배치 호출 {chunks}번). 발산: {diverged}칸.",
"{n}×{n} runs in {seconds} s ({chunks} batched call). Diverged: {diverged} cells.": "{n}×{n}개 실행, {seconds}초 (배치 호출 {chunks}번). 발산: {diverged}칸.",
"Selected cell": "선택한 칸",
"Best cell": "가장 좋은 칸",
"[open it in the race]({link})": "[경주에서 열기]({link})",
"{opt}: {metric} after {steps} steps on {surface}": "{opt}: {surface}에서 {steps} 스텝 뒤 {metric}",
"diverged": "발산",
"never": "발산 안 함",
"final loss": "최종 손실",
"not reached": "도달 못 함",
"not reached (tol {tol})": "도달 못 함 (tol {tol})",
"steps": "스텝",
"steps to tol": "tol까지의 스텝 수",
"diverged at": "발산 시점",
"never diverged": "발산 안 함",
"best cell": "가장 좋은 칸",
# ---------------------------------------------------------------- paper panels (built in English,
# translated by optviz.i18n.figure_texts / table_texts; the ones with numbers are in PATTERNS)
"run": "실행",
"verdict": "판정",
"angle": "각도",
"end points apart": "도착점 사이 거리",
"same path (to rounding)": "같은 경로 (반올림 오차 수준)",
"diverged with the rescaled gradient": "스케일한 기울기에서 발산",
"almost the same": "거의 같음",
"different path": "다른 경로",
"f (log levels)": "f (로그 등고선)",
"max |Δpath| / max(1, |θ|)": "max |Δ경로| / max(1, |θ|)",
"relative gap": "상대 차이",
"γλ itself (for scale)": "γλ 자체 (비교용)",
"condition number κ": "조건수 κ",
"all steps": "전체 스텝",
"magnified around α": "α 근처 확대",
"step t": "스텝 t",
"α (the paper's bound)": "α (논문의 상한)",
"α(1−β1)/√(1−β2): the sparse-case bound": "α(1−β1)/√(1−β2): 희소한 경우의 상한",
"AdaMax's exact bound (1−β1)(1−(β1/β2)^t)/((1−β1/β2)(1−β1^t))": "AdaMax의 정확한 상한 (1−β1)(1−(β1/β2)^t)/((1−β1/β2)(1−β1^t))",
"max step / exact bound": "최대 스텝 / 정확한 상한",
"first step / α (closed form)": "첫 스텝 / α (닫힌 형태)",
"f(θ) per step (log)": "스텝별 f(θ) (로그)",
"GD closed form ⌈ln(2tol/u₀²)/2ln(1−1/κ)⌉": "GD의 닫힌 형태 해 ⌈ln(2tol/u₀²)/2ln(1−1/κ)⌉",
"cells": "칸",
# ---------------------------------------------------------------- figures
"step": "스텝",
"step {k}": "스텝 {k}",
"diverged at step {k}": "스텝 {k}에서 발산",
"minimum": "최소점",
"start": "시작점",
"Play": "재생",
"Pause": "일시정지",
"bound": "상한",
"exact bound": "정확한 상한",
"α (paper's bound)": "α (논문의 상한)",
"α (= γ): the paper's bound": "α (= γ): 논문의 상한",
"no Adam-family optimizer selected": "Adam 계열 옵티마이저가 선택되지 않았습니다",
"f(θ) − f*  (log)": "f(θ) − f*  (로그)",
"‖∇f(θ)‖  (log)": "‖∇f(θ)‖  (로그)",
"|Δθ₁| = |Δx| per step, with the bound (dotted)": "스텝별 |Δθ₁| = |Δx|, 점선은 상한",
"|Δθ₂| = |Δy| per step, with the bound (dotted)": "스텝별 |Δθ₂| = |Δy|, 점선은 상한",
"|Δθ₁| = |Δx| / γ_t per step, with the bound (dotted)": "스텝별 |Δθ₁| = |Δx| / γ_t, 점선은 상한",
"|Δθ₂| = |Δy| / γ_t per step, with the bound (dotted)": "스텝별 |Δθ₂| = |Δy| / γ_t, 점선은 상한",
"m̂ per coordinate (x solid, y dotted) — Adam family": "좌표별 m̂ (x 실선, y 점선) — Adam 계열",
"√v̂ per coordinate (x solid, y dotted) — Adam family": "좌표별 √v̂ (x 실선, y 점선) — Adam 계열",
# ---------------------------------------------------------------- update rules
"warm-up over": "워밍업:",
"Source: {paper}.": "출처: {paper}.",
"Weight decay convention: **decay = lr** — each step shrinks θ by γ_t·λ (torch / optax AdamW).":
    "가중치 감쇠 방식: **decay = lr** — 스텝마다 θ를 γ_t·λ만큼 줄입니다 (torch / optax의 AdamW).",
"Weight decay convention: **decay = schedule** — each step shrinks θ by η_t·λ, independent of the learning rate (Loshchilov & Hutter, Alg. 2).":
    "가중치 감쇠 방식: **decay = schedule** — 스텝마다 θ를 학습률과 무관하게 η_t·λ만큼 줄입니다 (Loshchilov & Hutter, 알고리즘 2).",
"Weight decay is L2: λθ is added to the gradient, so it passes through the adaptive scaling (for Adam this is Adam-ℓ2, not AdamW).":
    "가중치 감쇠가 L2 방식입니다: λθ를 기울기에 더하므로 적응적 스케일링을 거칩니다 (Adam이라면 AdamW가 아니라 Adam-ℓ2입니다).",
"With these settings this is plain gradient descent.": "이 설정이면 기본 경사 하강법입니다.",
"With these settings this is Nesterov momentum.": "이 설정이면 Nesterov 모멘텀입니다.",
"With these settings this is heavy-ball momentum.": "이 설정이면 heavy-ball 모멘텀입니다.",
"AMSGrad is on: v̂ uses the running maximum of v.": "AMSGrad 켜짐: v̂에 v의 누적 최댓값을 씁니다.",
"λ is proximal weight decay, outside the adaptive step: per step θ shrinks by γ_t·λ (decay = lr, as torch/optax).":
    "λ는 적응적 스텝 바깥의 근접(proximal) 가중치 감쇠입니다: 스텝마다 θ가 γ_t·λ만큼 줄어듭니다 (decay = lr, torch/optax 방식).",
"λ is proximal weight decay, outside the adaptive step: per step θ shrinks by η_t·λ, independent of the learning rate (decay = schedule).":
    "λ는 적응적 스텝 바깥의 근접(proximal) 가중치 감쇠입니다: 스텝마다 θ가 학습률과 무관하게 η_t·λ만큼 줄어듭니다 (decay = schedule).",
"λ is decoupled weight decay, outside the adaptive step: per step θ shrinks by γ_t·λ (decay = lr, as torch/optax).":
    "λ는 적응적 스텝 바깥의 분리된 가중치 감쇠입니다: 스텝마다 θ가 γ_t·λ만큼 줄어듭니다 (decay = lr, torch/optax 방식).",
"λ is decoupled weight decay, outside the adaptive step: per step θ shrinks by η_t·λ, independent of the learning rate (decay = schedule).":
    "λ는 적응적 스텝 바깥의 분리된 가중치 감쇠입니다: 스텝마다 θ가 학습률과 무관하게 η_t·λ만큼 줄어듭니다 (decay = schedule).",
"λ is L2 weight decay: g ← g + λθ, so it passes through the optimizer's scaling (Adam-ℓ2, not AdamW).":
    "λ는 L2 가중치 감쇠입니다: g ← g + λθ이므로 옵티마이저의 스케일링을 거칩니다 (AdamW가 아닌 Adam-ℓ2).",
"λ is L2 weight decay: g ← g + λθ, so it passes through the optimizer's scaling.":
    "λ는 L2 가중치 감쇠입니다: g ← g + λθ이므로 옵티마이저의 스케일링을 거칩니다.",
"Weight decay is L2: λθ is added to the gradient, so it passes through the adaptive scaling.":
    "가중치 감쇠가 L2 방식입니다: λθ를 기울기에 더하므로 적응적 스케일링을 거칩니다.",
"Weight decay is decoupled: θ shrinks by γ_t·λ outside the update step.":
    "가중치 감쇠가 분리되어 있습니다: 업데이트 스텝 바깥에서 θ를 γ_t·λ만큼 줄입니다.",
"Weight decay is proximal: θ ← θ/(1 + γ_tλ) after the update step.":
    "가중치 감쇠가 근접(proximal) 방식입니다: 업데이트 스텝 뒤에 θ ← θ/(1 + γ_tλ)를 적용합니다.",
"λ is decoupled weight decay: θ shrinks by γ_t·λ, outside the update step.":
    "λ는 분리된 가중치 감쇠입니다: 업데이트 스텝 바깥에서 θ가 γ_t·λ만큼 줄어듭니다.",
"λ is proximal weight decay: θ ← θ/(1 + γ_t·λ), outside the update step.":
    "λ는 근접(proximal) 가중치 감쇠입니다: 업데이트 스텝 바깥에서 θ ← θ/(1 + γ_t·λ)를 적용합니다.",
# ---------------------------------------------------------------- the race player
"▶ Play, or step with ← → (Shift: ten steps), Home / End, once the player has focus. **Click anywhere on the map to start the race there.** Click a run in the legend to inspect its step; hover a path or the loss curve to see the same step in the other.":
    "▶ 재생을 누르거나, 플레이어를 선택한 뒤 ← → (Shift: 10스텝씩), Home / End로 한 스텝씩 움직여 보세요. **지도 위 아무 곳이나 클릭하면 그 점에서 경주가 시작됩니다.** 범례에서 실행을 클릭하면 그 스텝을 자세히 볼 수 있고, 경로나 손실 곡선에 마우스를 올리면 다른 쪽에도 같은 스텝이 표시됩니다.",
"The same player in a single ~2 MB file with plotly.js inside: put it on a slide or a course page; no server or network needed.":
    "같은 플레이어를 plotly.js와 함께 약 2 MB짜리 파일 하나에 담았습니다. 슬라이드나 강의 페이지에 그대로 올리면 되고, 서버도 네트워크도 필요 없습니다.",
"At step {k} (the race player's step): ": "스텝 {k}에서 (경주 플레이어의 스텝): ",
"Play / pause (space)": "재생 / 일시정지 (스페이스)",
"Previous step": "이전 스텝",
"One step back (←; Shift+← ten)": "한 스텝 뒤로 (←; Shift+←는 10스텝)",
"Next step": "다음 스텝",
"One step forward (→; Shift+→ ten)": "한 스텝 앞으로 (→; Shift+→는 10스텝)",
"Step": "스텝",
"Speed": "속도",
"Speed {label}": "속도 {label}",
"Show step arrows": "스텝 화살표 표시",
"arrows": "화살표",
"Runs": "실행",
"Loading the player…": "플레이어를 불러오는 중…",
"Loading the runs…": "실행 결과를 불러오는 중…",
"The player could not load plotly.js: {error}": "플레이어가 plotly.js를 불러오지 못했습니다: {error}",
"Could not read the race data: {error}": "경주 데이터를 읽지 못했습니다: {error}",
"momentum": "모멘텀",
"step {t} of {steps}": "스텝 {t} / {steps}",
"step {t} / {steps}": "스텝 {t} / {steps}",
"arrows at scale (×1)": "화살표는 실제 크기 (×1)",
"arrows ×{scale}, all alike": "화살표 ×{scale} 확대 (모두 같은 배율)",
"Inspect this run's step": "이 실행의 스텝 자세히 보기",
"Show {label}": "{label} 표시",
"Show / hide": "표시 / 숨기기",
"{label} · step {t}": "{label} · 스텝 {t}",
"Step 0 is the start θ₀: press → for the first update.": "스텝 0은 시작점 θ₀입니다. →를 누르면 첫 업데이트를 볼 수 있습니다.",
"This run diverged at step {k}.": "이 실행은 스텝 {k}에서 발산했습니다.",
"{names} is computed on the server, in float64, from the recorded values (m̂_t, √v̂_t, γ_t, Δθ_t, g_t).":
    "{names}는 기록된 값(m̂_t, √v̂_t, γ_t, Δθ_t, g_t)으로부터 서버에서 float64로 계산한 값입니다.",
"{names} are computed on the server, in float64, from the recorded values (m̂_t, √v̂_t, γ_t, Δθ_t, g_t).":
    "{names}는 기록된 값(m̂_t, √v̂_t, γ_t, Δθ_t, g_t)으로부터 서버에서 float64로 계산한 값입니다.",
"schedule {name}": "스케줄 {name}",
"γ_t / (√v̂_t + ε)  (effective step per coordinate)": "γ_t / (√v̂_t + ε)  (좌표별 실효 스텝)",
"γ_t / (√v_t + ε)  (effective step per coordinate)": "γ_t / (√v_t + ε)  (좌표별 실효 스텝)",
"m_t = β₁·m_{t−1} + (1−β₁)·g_t  (no correction: m̂_t = m_t)": "m_t = β₁·m_{t−1} + (1−β₁)·g_t  (보정 없음: m̂_t = m_t)",
"√v_t  (no correction)": "√v_t  (보정 없음)",
"b_t = μ·b_{t−1} + (1−τ)·(g_t + λθ_{t−1})  (momentum buffer)": "b_t = μ·b_{t−1} + (1−τ)·(g_t + λθ_{t−1})  (모멘텀 버퍼)",
"Δθ_t = −γ_t·b_t  (Nesterov: −γ_t·(g_t + λθ_{t−1} + μ·b_t))": "Δθ_t = −γ_t·b_t  (Nesterov: −γ_t·(g_t + λθ_{t−1} + μ·b_t))",
# ---------------------------------------------------------------- budgets on a shared server
"**This race is too big for this server.** {n} optimizers × {steps} steps would take about **{seconds} s** of computing (measured on a few of its steps); this server allows **{budget} s** per change.":
    "**이 경주는 이 서버에서 돌리기에 너무 큽니다.** 옵티마이저 {n}개 × {steps} 스텝이면 계산에 약 **{seconds}초**가 걸립니다(몇 스텝을 실제로 돌려 잰 값). 이 서버는 변경 한 번에 **{budget}초**까지 허용합니다.",
"**This race is too big for this server.** {n} optimizer × {steps} steps would take about **{seconds} s** of computing (measured on a few of its steps); this server allows **{budget} s** per change.":
    "**이 경주는 이 서버에서 돌리기에 너무 큽니다.** 옵티마이저 {n}개 × {steps} 스텝이면 계산에 약 **{seconds}초**가 걸립니다(몇 스텝을 실제로 돌려 잰 값). 이 서버는 변경 한 번에 **{budget}초**까지 허용합니다.",
"Run it with {steps} steps": "{steps} 스텝으로 실행",
"Even the fewest steps are too much here: race fewer optimizers, or a simpler surface.":
    "가장 적은 스텝 수로도 이 서버에는 너무 많습니다. 옵티마이저 수를 줄이거나 더 단순한 곡면을 고르세요.",
"**This sweep is too big for this server.** {n} × {n} = {cells} runs × {steps} steps would take about **{seconds} s** of computing (measured on a few of its steps); this server allows **{budget} s** per change.":
    "**이 스윕은 이 서버에서 돌리기에 너무 큽니다.** {n} × {n} = {cells}번의 실행 × {steps} 스텝이면 계산에 약 **{seconds}초**가 걸립니다(몇 스텝을 실제로 돌려 잰 값). 이 서버는 변경 한 번에 **{budget}초**까지 허용합니다.",
"Run a {n} × {n} grid instead": "대신 {n} × {n} 격자로 실행",
"About {seconds} s by the same measurement": "같은 방식으로 재면 약 {seconds}초",
"Even the smallest grid is too much with these steps: use fewer steps in the race (the sweep runs the race's steps).":
    "이 스텝 수로는 가장 작은 격자도 너무 큽니다. 경주의 스텝 수를 줄이세요(스윕은 경주와 같은 스텝 수로 실행합니다).",
"**Sweep settings of this link replaced by their defaults:**": "**이 링크의 스윕 설정 중 다음 항목을 기본값으로 바꿨습니다:**",
"… and {n} more problems": "… 외 {n}개 문제",
# ---------------------------------------------------------------- tuned learning rates (page/tune.py)
"Tune learning rates": "학습률 튜닝",
"Runs every selected optimizer at {n} learning rates (log-spaced) from this start, in one batch, and races each at the rate that first gets f − f* ≤ {tol} (ties and runs that never get there: the lower final loss).":
    "선택한 옵티마이저마다 로그 간격의 학습률 {n}개를 이 시작점에서 한 번의 배치로 돌려 보고, f − f* ≤ {tol}에 가장 먼저 닿는 학습률로 경주시킵니다(동률이거나 끝내 닿지 못하면 최종 손실이 더 낮은 쪽).",
" ({runs} runs in one batch, {seconds} s)": " (한 배치에 {runs}번 실행, {seconds}초)",
"**Learning rates tuned** for this scene{took}: each optimizer races at the best of {n} log-spaced rates — the first to reach f − f* ≤ {tol} (ties and runs that never reach it: the lower final loss). **Equal gradient budget:** every run, in the tuning and in the race, made the same {calls} gradient calls ({steps} steps). Changing a learning rate, or anything else in the race, clears the tag.":
    "**이 장면에 맞춰 학습률을 튜닝했습니다**{took}. 각 옵티마이저는 로그 간격 학습률 {n}개 중 가장 좋은 값으로 경주합니다 — f − f* ≤ {tol}에 가장 먼저 닿는 값(동률이거나 끝내 닿지 못하면 최종 손실이 더 낮은 값). **같은 기울기 예산:** 튜닝에서도 경주에서도 모든 실행이 똑같이 {calls}번 기울기를 계산했습니다({steps} 스텝). 학습률이나 경주의 다른 설정을 바꾸면 이 표시는 사라집니다.",
"**Tuning is too big for this server.** {runs} runs × {steps} steps would take about **{seconds} s** of computing; this server allows **{budget} s** for it.":
    "**튜닝이 이 서버에서 돌리기에 너무 큽니다.** {runs}번의 실행 × {steps} 스텝이면 계산에 약 **{seconds}초**가 걸립니다. 이 서버는 튜닝에 **{budget}초**까지 허용합니다.",
"Tune with {steps} steps": "{steps} 스텝으로 튜닝",
"γ tuned = {lr}": "튜닝된 γ = {lr}",
# ---------------------------------------------------------------- predict, then reveal; scrub
"Which of the seven optimizers reaches the star at (1, 1) first, and which barely leaves the start?":
    "일곱 옵티마이저 중 어느 것이 (1, 1)의 별에 가장 먼저 도착하고, 어느 것이 출발점을 거의 벗어나지 못할까요?",
"Which run gets within 10⁻³ of the minimum first: gradient descent, momentum, RMSProp or Adam?":
    "경사 하강법, 모멘텀, RMSProp, Adam 중 어느 것이 최솟값의 10⁻³ 안에 가장 먼저 들어갈까요?",
"Starting almost on the ridge, which optimizers roll off it quickly and which linger at the saddle?":
    "능선 바로 위에서 출발할 때, 어느 옵티마이저가 재빨리 굴러 내려가고 어느 것이 안장점에 머물까요?",
"With every gradient multiplied by 1000, where will Adam end, and where will SGD?":
    "모든 기울기에 1000을 곱하면 Adam은 어디서 끝나고, SGD는 어디서 끝날까요?",
"Will any of Adam's steps be longer than its learning rate α?":
    "Adam의 스텝 가운데 학습률 α보다 긴 것이 있을까요?",
"Of the four runs (β₂ = 0.999 or 0.9999, with or without bias correction), which makes the biggest first step?":
    "네 실행(β₂ = 0.999 또는 0.9999, 편향 보정 있음 또는 없음) 가운데 첫 스텝이 가장 큰 것은 무엇일까요?",
"After 300 steps, which optimizer is closest to the rare weight's optimum?":
    "300 스텝 뒤에 드문 가중치의 최적값에 가장 가까운 옵티마이저는 무엇일까요?",
"With half of every gradient dropped, which ends lower: Adam or SGD with Nesterov momentum?":
    "기울기의 절반이 매번 누락될 때, Adam과 Nesterov 모멘텀 SGD 중 어느 쪽의 손실이 더 낮게 끝날까요?",
"When each gradient coordinate is rescaled, whose path moves: AdamW's, AdamProx's or Adam with L2's?":
    "기울기의 각 좌표 크기를 바꾸면 AdamW, AdamProx, L2를 쓰는 Adam 중 누구의 경로가 움직일까요?",
"With γλ = 10⁻³, how far apart will AdamW and AdamProx end?":
    "γλ = 10⁻³일 때 AdamW와 AdamProx는 얼마나 떨어진 곳에서 끝날까요?",
"On a valley 10,000 times steeper across than along, which run reaches the minimum first?":
    "가로 방향이 세로 방향보다 10,000배 가파른 골짜기에서 어느 실행이 최솟값에 가장 먼저 도착할까요?",
"**Predict first:** choose a run beside the map and click where it will be after the race; pick the run that reaches the minimum first; then press **Reveal**.":
    "**먼저 예측하세요:** 지도 옆에서 실행을 고르고 경주가 끝난 뒤 그 실행이 있을 곳을 클릭하세요. 최솟값에 가장 먼저 도착할 실행을 고른 다음 **공개**를 누르세요.",
"The panel that explains this preset appears after Reveal.":
    "이 프리셋을 설명하는 패널은 공개한 뒤에 나타납니다.",
"Predict, then reveal":
    "예측한 뒤 공개",
"Hides the paths until you have marked on the map where each run will end (and picked the winner), then Reveal plays the race against your guesses. The link carries the switch, never the guesses.":
    "각 실행이 어디서 끝날지 지도에 표시하고(1등도 고르고) 나서 공개를 누를 때까지 경로를 숨깁니다. 공개하면 여러분의 추측과 함께 경주를 재생합니다. 링크에는 이 스위치만 담기고 추측은 담기지 않습니다.",
"Run":
    "실행",
"Hyperparameter":
    "하이퍼파라미터",
"Range":
    "범위",
"Choose a range with two different ends.":
    "양 끝이 서로 다른 범위를 고르세요.",
"Scrub a hyperparameter":
    "하이퍼파라미터 훑어보기",
"**This family is too big for this server**: about {seconds} s of computing; this server allows {budget} s per change. Use fewer steps.":
    "**이 묶음은 이 서버에서 돌리기에 너무 큽니다**: 계산에 약 {seconds}초가 걸리는데, 이 서버는 변경 한 번에 {budget}초까지 허용합니다. 스텝 수를 줄이세요.",
"Runs one optimizer at many values of one hyperparameter at once; a second slider under the map then moves its path through them without waiting, and letting go sets the control to that value.":
    "옵티마이저 하나를 한 하이퍼파라미터의 여러 값으로 한꺼번에 실행합니다. 그러면 지도 아래의 두 번째 슬라이더로 기다림 없이 경로를 값에서 값으로 옮겨 볼 수 있고, 손을 떼면 컨트롤이 그 값으로 바뀝니다.",
"Predict first: the paths are hidden":
    "먼저 예측하세요: 경로가 숨겨져 있습니다",
"Revealed: your guesses against the race":
    "공개: 여러분의 추측과 실제 경주",
"Guess for":
    "추측할 실행",
"Click the map where {label} will be after {steps} steps.":
    "{steps} 스텝 뒤에 {label}이(가) 있을 곳을 지도에서 클릭하세요.",
"{n} of {total} guesses placed":
    "추측 {total}개 중 {n}개 표시함",
"Reaches the minimum first:":
    "최솟값에 가장 먼저 도착:",
"Reveal":
    "공개",
"Clear guesses":
    "추측 지우기",
"Hide the paths again":
    "경로 다시 숨기기",
"{label}: your guess is {d} from where it ended, ({x}, {y})":
    "{label}: 추측이 실제 끝점 ({x}, {y})에서 {d}만큼 떨어져 있습니다",
"No guesses were placed.":
    "표시한 추측이 없습니다.",
"The true order (first step with f − f* ≤ {tol}):":
    "실제 순서 (f − f* ≤ {tol}이 처음 된 스텝):",
"The true order (by final f):":
    "실제 순서 (마지막 f 기준):",
"{label}: step {k}":
    "{label}: {k} 스텝",
"{label}: not reached (final {f})":
    "{label}: 도착하지 못함 (마지막 {f})",
"You picked {label}: right, it came first.":
    "{label}을(를) 골랐습니다: 정답, 1등입니다.",
"Your pick, {label}, came {rank}; {first} was first.":
    "고른 {label}은(는) {rank}위였고, 1등은 {first}였습니다.",
"Scrub {hp} of {label} ({m} values)":
    "{label}의 {hp} 훑어보기 (값 {m}개)",
"Scrub {hp}":
    "{hp} 훑어보기",
"Hidden until Reveal: this shows how the race ends.":
    "공개 전까지 숨겨 둡니다: 경주가 어떻게 끝나는지 보여 주기 때문입니다.",
"{hp} = {v} at step {t}":
    "{t} 스텝에서 {hp} = {v}",
"noise: {k} draws of −g̃ at θ_{t−1} (thick: the one this run used)":
    "잡음: θ_{t−1}에서 뽑은 −g̃ {k}개 (굵은 화살표: 이 실행이 실제로 쓴 것)",
# present mode's deck and the theme switch (app.py)
"Dark theme": "어두운 테마",
"For a dark room; the link keeps it (theme=dark).": "어두운 강의실용입니다. 공유 링크에도 이 설정이 남습니다.",
"Update rules": "업데이트 규칙",
"Show": "보기",
"Race": "경주",
"Proof and rule": "증명과 규칙",
"Previous scene (PageUp)": "이전 장면 (페이지 업 키)",
"Next scene (PageDown) of the deck: the paper presets, or the link's deck=…":
    "다음 장면 (페이지 다운 키). 장면 목록: 논문 프리셋들, 또는 링크에 적은 목록",
}

# the Export tab's slides and "Get the code"
MESSAGES.update({
    "Slides": "슬라이드",
    "Slide at step {k} (PNG, 1920×1080)": "스텝 {k}의 슬라이드 (PNG, 1920×1080)",
    "16:9, present-mode type: the map, the legend with f − f* and the loss curve at the player's step (pause it where you want).":
        "16:9, 발표 모드 글자 크기: 플레이어의 현재 스텝에서 지도, f − f*가 적힌 범례, 손실 곡선 (원하는 곳에서 멈추세요).",
    "Animated race (GIF, 960×540)": "움직이는 경주 (GIF, 960×540)",
    "Up to {n} frames over all the steps; plays in any slide deck.":
        "모든 스텝에 걸쳐 최대 {n}프레임. 어떤 슬라이드 프로그램에서도 재생됩니다.",
    "Animated race (MP4, 1280×720)": "움직이는 경주 (MP4, 1280×720)",
    "H.264, 10 s: PowerPoint, Keynote and Google Slides play it.":
        "H.264, 10초: PowerPoint, Keynote, Google Slides에서 재생됩니다.",
    "MP4 needs the imageio-ffmpeg package (pip install imageio-ffmpeg), which brings the encoder.":
        "MP4를 만들려면 인코더가 든 imageio-ffmpeg 패키지가 필요합니다 (pip install imageio-ffmpeg).",
    "The MP4 encoder could not start: {error}": "MP4 인코더를 시작할 수 없습니다: {error}",
    "Get the code": "코드 받기",
    "Python script: this project's API": "파이썬 스크립트: 이 프로젝트의 API",
    "optimizers.run on this scenario; prints the same CSV as above, number for number.":
        "이 시나리오를 이 프로젝트의 API로 실행하고, 위의 CSV와 숫자 하나까지 같은 CSV를 출력합니다.",
    "Python script: torch.optim": "파이썬 스크립트: torch.optim",
    "torch.optim on the same gradients: the CSV's paths up to rounding.":
        "같은 기울기로 torch.optim을 실행합니다: 반올림 오차 안에서 CSV와 같은 경로입니다.",
    "Left out (torch.optim has no such rule): {runs}.": "제외됨 (torch.optim에 없는 규칙): {runs}.",
    "Read the two scripts": "두 스크립트 읽기",
})

# Messages composed by the core with values in them: regular expressions applied in order to the
# English message. Values quoted from the link (\1, \2 …) are kept verbatim.
_P = [
    # ------------------------------------------------------------ link notes (model/scenario.py)
    (r"^v: this link has schema version (.+); this app reads v=(\S+), so the link was read as v=1 — check the result$",
     r"v: 이 링크의 스키마 버전은 \1이고 이 앱은 v=\2을 읽으므로, v=1로 읽었습니다 — 결과를 확인하세요"),
    (r"^surface: unknown surface (.+); showing (\S+) \(choose one of (.+), or custom\)$",
     r"surface: \1은(는) 알 수 없는 곡면이라 \2을(를) 보여 줍니다 (\3, custom 중에서 고르세요)"),
    (r"^expr: surface=custom needs an expression; using (.+)$",
     r"expr: surface=custom에는 식이 필요합니다 → \1을(를) 씁니다"),
    (r"^view: (.+) is not a view; valid: present \(or leave it out\)$",
     r"view: \1은(는) 보기 이름이 아닙니다. 쓸 수 있는 값: present (또는 생략)"),
    (r"^lang: (.+) is not a language of this page; valid: en, ko \(or leave it out\)$",
     r"lang: \1은(는) 이 페이지의 언어가 아닙니다. 쓸 수 있는 값: en, ko (또는 생략)"),
    (r"^tuned: (.+) is not 1 or 0; ignored$", r"tuned: \1은(는) 1도 0도 아니라서 무시했습니다"),
    (r"^preset: unknown preset (.+); ignored$", r"preset: \1은(는) 알 수 없는 프리셋이라 무시했습니다"),
    (r"^expr: a \+ in the link arrived as a space \(in a link, write \+ as %2B\); read as (.+)$",
     r"expr: 링크의 +가 공백으로 바뀌어 왔습니다 (링크에서는 +를 %2B로 쓰세요) → \1(으)로 읽었습니다"),
    (r"^theme: (.+) is not a theme; valid: light, dark \(or leave it out\)$",
     r"theme: \1은(는) 테마 이름이 아닙니다. 쓸 수 있는 값: light, dark (또는 생략)"),
    (r"^deck: (.+) dropped \(not a preset name, or more than (\d+) scenes\)(; showing the paper presets)?$",
     lambda m: f"deck: {m.group(1)}을(를) 뺐습니다 (프리셋 이름이 아니거나 장면이 {m.group(2)}개를 넘음)"
               + ("; 논문 프리셋들을 보여 줍니다" if m.group(3) else "")),
    (r"^… and (\d+) more problems$", r"… 그 밖에 문제 \1개"),
    (r"^… and (\d+) more unknown parameters ignored$", r"… 그 밖에 알 수 없는 매개변수 \1개를 무시했습니다"),
    (r"^opt: unknown optimizer (.+) ignored \(choose from (.+); a second or third copy is name-2, name-3\)$",
     r"opt: \1은(는) 알 수 없는 옵티마이저라 무시했습니다 (\2 중에서 고르세요. 두 번째, 세 번째 사본은 name-2, name-3)"),
    (r"^opt: (.+) is listed twice; kept once$", r"opt: \1이(가) 두 번 들어 있어 한 번만 남겼습니다"),
    (r"^opt: at most (\d+) optimizers race at once; (.+) and the rest were dropped$",
     r"opt: 한 번에 최대 \1개까지 경주할 수 있어, \2부터는 뺐습니다"),
    (r"^(.+): ignored because (\S+) is not among the selected optimizers$",
     r"\1: \2이(가) 선택된 옵티마이저가 아니라서 무시했습니다"),
    (r"^(.+): (\S+) has no hyperparameter (.+) \(it takes (.+)\); ignored$",
     r"\1: \2에는 \3 하이퍼파라미터가 없어서 무시했습니다 (가능한 것: \4)"),
    (r"^expr: only used with surface=custom; ignored$", r"expr: surface=custom일 때만 쓰므로 무시했습니다"),
    (r"^(.+): not a parameter of the (\S+) surface; ignored$", r"\1: \2 곡면의 매개변수가 아니라서 무시했습니다"),
    (r"^(.+): unknown parameter; ignored$", r"\1: 알 수 없는 매개변수라서 무시했습니다"),
    (r"\ba (\d+)-character name\b", r"\1자짜리 이름"),
    (r"^(\S+): given (\d+) times with different values; using the default \((.*)\)$",
     r"\1: 서로 다른 값으로 \2번 주어졌습니다 → 기본값(\3)을 씁니다"),
    (r"^(\S+): given (\d+) times with different values; using the default$",
     r"\1: 서로 다른 값으로 \2번 주어졌습니다 → 기본값을 씁니다"),
    (r"^(\S+): the value is (\d+) characters long; ignored", r"\1: 값이 \2자로 너무 길어 무시했습니다"),
    (r": (.+?) is not true or false(?=;|$)", r": \1은(는) true도 false도 아닙니다"),
    (r": (.+?) is not a whole number \(digits 0-9 only\)", r": \1은(는) 정수가 아닙니다 (숫자 0-9만 씁니다)"),
    (r": (.+?) is too large \(not a finite number\)", r": \1은(는) 너무 큽니다 (유한한 수가 아님)"),
    (r": (.+?) is not a number(?=;|$)", r": \1은(는) 숫자가 아닙니다"),
    (r"(\S+) is out of range; valid: ([^;]+?) \(an n × n grid\)", r"\1은(는) 범위를 벗어났습니다. 허용 범위: \2 (n × n 격자)"),
    (r"(\S+) is out of range; valid: ([^;]+)", r"\1은(는) 범위를 벗어났습니다. 허용 범위: \2"),
    (r"(\S+)=(.+?) is invalid; valid: ", r"\1=\2 값은 쓸 수 없습니다. 허용 범위: "),
    (r": (.+?) is not one of ([^;]+)", r": \1은(는) 다음 중 하나가 아닙니다: \2"),
    (r"\(contains ((?:U\+[0-9A-F]{4,6}(?:, )?)+)\)", r"(\1 포함)"),
    (r"\bnesterov needs momentum > 0 and dampening = 0 \(got momentum=(.+?), dampening=(.+?)\)",
     r"nesterov는 momentum > 0, dampening = 0이어야 합니다 (지금 momentum=\1, dampening=\2)"),
    (r"\bunknown hyperparameter (.+?); it takes (.+)$", r"알 수 없는 하이퍼파라미터 \1 (가능한 것: \2)"),
    (r"\bunknown parameter (.+?); it takes (.+)$", r"알 수 없는 매개변수 \1 (가능한 것: \2)"),
    (r"\b(\S+) takes one number, not an array", r"\1에는 숫자 하나만 넣을 수 있습니다"),
    # ------------------------------------------------------------ sweep link notes (model/sweep.py)
    (r"^sweep\.(\S+): unknown sweep setting; ignored \(known: (.+)\)$",
     r"sweep.\1: 알 수 없는 스윕 설정이라 무시했습니다 (가능한 것: \2)"),
    (r"^sweep\.opt: (.+) is not an optimizer; using (\S+)$", r"sweep.opt: \1은(는) 옵티마이저가 아닙니다 → \2을(를) 씁니다"),
    (r"^sweep\.(x|y): (\S+) has no numeric hyperparameter (.+); using (\S+) \(sweepable: (.+)\)$",
     r"sweep.\1: \2에는 수치형 하이퍼파라미터 \3이(가) 없습니다 → \4을(를) 씁니다 (스윕할 수 있는 것: \5)"),
    (r"^sweep\.y: both axes were (\S+); using (\S+) for y$", r"sweep.y: 두 축이 모두 \1이었습니다 → y에는 \2을(를) 씁니다"),
    (r"(\S+): the range needs min < max \(got (.+?) … (.+?)\)", r"\1: 범위는 최솟값 < 최댓값이어야 합니다 (입력: \2 … \3)"),
    (r"(\S+): a log axis spaces 1 − (\S+) logarithmically, so max must be below 1 \(got (.+?)\)",
     r"\1: 로그 축은 1 − \2을(를) 로그 간격으로 나누므로 최댓값이 1보다 작아야 합니다 (입력: \3)"),
    (r"(\S+): a log axis needs min > 0 \(got (.+?)\)", r"\1: 로그 축은 최솟값이 0보다 커야 합니다 (입력: \2)"),
    (r"sweep\.tol: must be positive \(got (.+?)\)", r"sweep.tol: 양수여야 합니다 (입력: \1)"),
    (r"^sweep two different hyperparameters \(both axes are (\S+)\)$", r"서로 다른 하이퍼파라미터 두 개를 고르세요 (두 축이 모두 \1입니다)"),
    (r"^grid size (n=\S+) is out of range; valid: (\d+) … (\d+) \(an n × n grid\)$",
     r"격자 크기 \1은(는) 범위를 벗어났습니다. 허용 범위: \2 … \3 (n × n 격자)"),
    (r"^unknown metric (.+); choose one of (.+)$", r"\1은(는) 알 수 없는 지표입니다 (\2 중에서 고르세요)"),
    (r"^start must be a point \(x, y\), got shape (.+)$", r"시작점은 (x, y) 점이어야 합니다 (입력 모양: \1)"),
    # ------------------------------------------------------------ paper panels' scenario check
    (r"(\S+): missing \(a preset writes every parameter\)", r"\1: 빠졌습니다 (프리셋은 모든 매개변수를 적습니다)"),
    (r"\bunknown parameters: (.+)$", r"알 수 없는 매개변수: \1"),
    # ------------------------------------------------------------ paper panels (optviz/figures/panels)
    (r"Adam, no bias correction", r"Adam (편향 보정 없음)"),
    (r"^no bias correction, (β2 = \S+)$", r"편향 보정 없음, \1"),
    (r"^(.*): plain$", r"\1: 원래 기울기"),
    (r"^(.*): rescaled ∇f$", r"\1: 스케일한 ∇f"),
    (r"^max \|Δθᵢ\| / α, first (\d+) steps$", r"max |Δθᵢ| / α, 처음 \1 스텝"),
    (r"^(.*): first step \(closed form\) (\S+)<extra></extra>$", r"\1: 첫 스텝 (닫힌 형태) \2<extra></extra>"),
    (r"^largest of the first (\d+) steps / α$", r"처음 \1 스텝 중 최대 / α"),
    (r"^highest loss \(start: (\S+)\)$", r"최고 손실 (시작: \1)"),
    (r"^▲ not reached in (\d+) steps$", r"▲ \1 스텝 안에 도달 못 함"),
    (r": not reached in (\d+) steps$", r": \1 스텝 안에 도달 못 함"),
    (r": more than (\d+) steps<extra></extra>$", r": \1 스텝 초과<extra></extra>"),
    (r"^Steps to f − f\* ≤ (\S+) against κ \(solid (\S+), dashed (\S+)\)$",
     r"κ에 따른 f − f* ≤ \1 도달 스텝 수 (실선 \2, 점선 \3)"),
    (r"^Steps until f − f\* ≤ (\S+) on ½\(u² \+ κv²\) from the scenario's start; “—”: not within (\d+) steps\. "
     r"GD uses γ = 1/κ for each κ; the adaptive runs keep their own settings\.$",
     r"시나리오의 시작점에서 출발해 ½(u² + κv²)에서 f − f* ≤ \1에 닿기까지의 스텝 수입니다. “—”: \2 스텝 안에 "
     r"닿지 못함. GD는 κ마다 γ = 1/κ를 쓰고, 적응적 방법은 각자의 설정을 그대로 씁니다."),
    (r"^Gap between AdamW and AdamProx, relative to weight decay's effect \(γ = (\S+)\)( \(decay = schedule: c_t = η_t\))?$",
     lambda m: f"AdamW와 AdamProx의 차이, 가중치 감쇠 효과 대비 (γ = {m.group(1)})" + (m.group(2) or "")),
    (r"^Each step's \|Δθᵢ\| divided by the learning rate α( — y-gradient seen with probability (\S+))?$",
     lambda m: "스텝별 |Δθᵢ|를 학습률 α로 나눈 값"
     + (f" — y 기울기가 확률 {m.group(2)}로만 관측됨" if m.group(1) else "")),
    (r"^Sparse y-gradient: seen with probability (\S+) \((\d+) steps\)$", r"희소 y 기울기: 확률 \1로만 관측 (\2 스텝)"),
    (r"^Paths with ∇f \(thick, faint\) and with c ⊙ ∇f, c = \((.+)\) \(dotted\)$",
     r"∇f로 간 경로(굵고 흐린 선)와 c ⊙ ∇f로 간 경로(점선), c = (\1)"),
    (r"^Each run twice: with ∇f and with c ⊙ ∇f, c = \((.+?)\)\. “max \|Δpath\|” is the largest difference between "
     r"the two paths, per coordinate, relative to max\(1, \|θ\|\): ~1e-16 is rounding, i\.e\. the same path\.$",
     r"실행마다 두 번 돌립니다: ∇f로 한 번, c ⊙ ∇f (c = (\1))로 한 번. “max |Δ경로|”는 두 경로의 좌표별 최대 차이를 "
     r"max(1, |θ|)로 나눈 값이며, ~1e-16이면 반올림 오차, 즉 같은 경로입니다."),
    # ------------------------------------------------------------ the expression parser (surfaces/expression.py)
    (r"\bexpression is empty; type a function of x and y, e\.g\. x\*\*2 \+ y\*\*2",
     r"식이 비어 있습니다. x와 y의 함수를 입력하세요. 예: x**2 + y**2"),
    (r"\bexpression must be a string, not (\S+)", r"식은 문자열이어야 합니다 (입력: \1)"),
    (r"\bexpression is (\d+) characters long; the limit is (\d+) \(the excess starts at column (\d+)\)",
     r"식이 \1자입니다. 최대 \2자까지이며 \3번째 글자부터 넘칩니다"),
    (r"\bexpression could not be parsed \((\w+)\)", r"식을 해석할 수 없습니다 (\1)"),
    (r"\bexpression has (\d+) parts; the limit is (\d+)", r"식의 구성 요소가 \1개입니다. 최대 \2개까지입니다"),
    (r"\bexpression is nested too deeply", r"식의 중첩이 너무 깊습니다"),
    (r"\bthe limit is (\d+) levels\b", r"최대 \1단계까지입니다"),
    (r"'\^' is not a power here: use \*\* \(at column (\d+)\)", r"여기서 '^'는 거듭제곱이 아닙니다. **를 쓰세요 (\1번째 글자)"),
    (r"\bsyntax error at column (\d+): ", r"\1번째 글자에서 문법 오류: "),
    (r"\bnumber ('[^']*') runs into ('[^']*') at column (\d+); put an operator between them, e\.g\. 2\*x",
     r"숫자 \1 바로 뒤에 \2이(가) 붙어 있습니다 (\3번째 글자). 사이에 연산자를 넣으세요. 예: 2*x"),
    (r"\bnon-ASCII character (.*?)\((U\+[0-9A-F]{4,6})\) is not allowed", r"ASCII가 아닌 문자 \1(\2)는 쓸 수 없습니다"),
    (r"^(NUL|tab|newline|carriage return|DEL|control character) \((U\+[0-9A-F]{4})\) is not allowed",
     lambda m: {"NUL": "NUL 문자", "tab": "탭", "newline": "줄바꿈", "carriage return": "캐리지 리턴",
                "DEL": "DEL 문자", "control character": "제어 문자"}[m.group(1)] + f" ({m.group(2)})는 쓸 수 없습니다"),
    (r"\bbackslash is not allowed", r"백슬래시는 쓸 수 없습니다"),
    (r"\bcomments \('#'\) are not allowed", r"주석('#')은 쓸 수 없습니다"),
    (r"\bname ('[^']*') is not allowed", r"이름 \1은(는) 쓸 수 없습니다"),
    (r"\bfunction ('[^']*') is not allowed", r"함수 \1은(는) 쓸 수 없습니다"),
    (r"\boperator ('[^']*') is not allowed", r"연산자 \1은(는) 쓸 수 없습니다"),
    (r"\bthis operator is not allowed", r"이 연산자는 쓸 수 없습니다"),
    (r"\bcomplex number ('[^']*') is not allowed", r"복소수 \1은(는) 쓸 수 없습니다"),
    (r"\bkeyword argument ('[^']*') is not allowed", r"키워드 인자 \1은(는) 쓸 수 없습니다"),
    (r"\bcomparisons \(('[^']*')\) are not allowed", r"비교(\1)는 쓸 수 없습니다"),
    (r"\bconditional expressions \('if \.\.\. else'\) are not allowed", r"조건식('if ... else')은 쓸 수 없습니다"),
    (r"\bassignment \(':='\) is not allowed", r"대입(':=')은 쓸 수 없습니다"),
    (r"\battribute access \('\.'\) is not allowed", r"속성 접근('.')은 쓸 수 없습니다"),
    (r"\bindexing \('\[\.\.\.\]'\) is not allowed", r"인덱싱('[...]')은 쓸 수 없습니다"),
    (r"\btuples \('a, b' or '\(\)'\) are not allowed", r"튜플('a, b'나 '()')은 쓸 수 없습니다"),
    (r"\blists \('\[\.\.\.\]'\) are not allowed", r"리스트('[...]')는 쓸 수 없습니다"),
    (r"\bdicts \('\{\.\.\.\}'\) are not allowed", r"딕셔너리('{...}')는 쓸 수 없습니다"),
    (r"\bsets \('\{\.\.\.\}'\) are not allowed", r"집합('{...}')은 쓸 수 없습니다"),
    (r"\bcomprehensions are not allowed", r"컴프리헨션은 쓸 수 없습니다"),
    (r"\bgenerator expressions are not allowed", r"제너레이터 식은 쓸 수 없습니다"),
    (r"\blambda is not allowed", r"lambda는 쓸 수 없습니다"),
    (r"\bstrings are not allowed", r"문자열은 쓸 수 없습니다"),
    (r"\bbytes literals are not allowed", r"바이트 리터럴은 쓸 수 없습니다"),
    (r"\bslices are not allowed", r"슬라이스는 쓸 수 없습니다"),
    (r"\bf-strings are not allowed", r"f-문자열은 쓸 수 없습니다"),
    (r"'\*' unpacking is not allowed", r"'*' 언패킹은 쓸 수 없습니다"),
    (r"('[^']*') expressions are not allowed", r"\1 식은 쓸 수 없습니다"),
    (r"('[^']*') is not allowed", r"\1은(는) 쓸 수 없습니다"),
    (r"('[^']*') is a function, not a value,", r"\1은(는) 값이 아니라 함수입니다"),
    (r"('[^']*') is not a function\b", r"\1은(는) 함수가 아닙니다"),
    (r"\b(\w+)\(\) takes (\d+) arguments? but got (\d+)", r"\1()은 인자를 \2개 받는데 \3개가 주어졌습니다"),
    (r"\bexponent ('[^']*') is not a finite number", r"지수 \1은(는) 유한한 수가 아닙니다"),
    (r"\bexponent ('[^']*')(?: \(= ([^,)\s]+)(, the same for every x and y)?\))? is too large",
     lambda m: f"지수 {m.group(1)}" + (f" (= {m.group(2)}" + (", 모든 x, y에서 같은 값" if m.group(3) else "")
                                        + ")" if m.group(2) else "") + "이(가) 너무 큽니다"),
    (r"\bexponent ('[^']*') reaches (\S+) in magnitude for (.+? ≤ x, y ≤ \S+?)(?=;|$| \(| at column)",
     r"지수 \1의 절댓값이 \3에서 \2에 이릅니다"),
    (r"\bnumber ('[^']*') is too large", r"숫자 \1이(가) 너무 큽니다"),
    (r" at column (\d+)", r" (\1번째 글자)"),
    # hints after the message
    (r"; write the expression on one line", r"; 식을 한 줄로 쓰세요"),
    (r"; in a link, write \+ as %2B", r"; 링크에서는 +를 %2B로 쓰세요"),
    (r"; use numbers\b", r"; 숫자를 쓰세요"),
    (r"; use x, y, pi, e\b", r"; x, y, pi, e를 쓰세요"),
    (r"; use \+ - \* / \*\*", r"; + - * / **를 쓰세요"),
    (r"; call it like (\w+)\(x\)", r"; \1(x)처럼 호출하세요"),
    (r"; use \* to multiply, e\.g\. x\*\(y\+1\)", r"; 곱셈은 *로 쓰세요. 예: x*(y+1)"),
    (r"; allowed: ([a-z0-9_, ]+)", r"; 쓸 수 있는 함수: \1"),
    (r"; write (\w+)\(\.\.\.\) positionally", r"; \1(...)처럼 위치 인자로 쓰세요"),
    (r"; the limit for an exponent that varies is (\S+)", r"; x, y에 따라 변하는 지수는 절댓값 최대 \1까지입니다"),
    (r"; the limit is (\S+) in magnitude", r"; 절댓값 최대 \1까지입니다"),
    (r"; the limit is (\S+)", r"; 최대 \1까지입니다"),
    # Python's own syntax messages (after "문법 오류: ")
    (r"문법 오류: invalid syntax", r"문법 오류: 잘못된 문법"),
    (r"문법 오류: '(.)' was never closed", r"문법 오류: '\1'이(가) 닫히지 않았습니다"),
    (r"문법 오류: unmatched '(.)'", r"문법 오류: 짝이 맞지 않는 '\1'"),
    (r"문법 오류: closing parenthesis '(.)' does not match opening parenthesis '(.)'",
     r"문법 오류: 닫는 괄호 '\1'이(가) 여는 괄호 '\2'와 맞지 않습니다"),
    (r"문법 오류: unexpected EOF while parsing", r"문법 오류: 식이 도중에 끝났습니다"),
    (r"문법 오류: invalid decimal literal", r"문법 오류: 잘못된 숫자 표기"),
    (r"문법 오류: unterminated string literal.*$", r"문법 오류: 닫히지 않은 문자열"),
    (r"문법 오류: (.+)$", r"문법 오류: \1"),
    # generic endings, last: "…; using X" and "…; ignored"
    (r"; using the default \((.*)\)$", r" → 기본값(\1)을 씁니다"),
    (r"; using its defaults for (.+)$", r" → \1은(는) 기본값을 씁니다"),
    (r"; using (.+?)( \(log\))?$", lambda m: f" → {m.group(1)}{' (로그)' if m.group(2) else ''}을(를) 씁니다"),
    (r"; ignored$", r" → 무시했습니다"),
    (r"\btrue or false\b", r"true 또는 false"),
    (r"\bone of ([a-z0-9_]+(?:, [a-z0-9_]+)*)", r"\1 중 하나"),
]
PATTERNS = [(re.compile(p), r) for p, r in _P]
