"""Every sentence a learner sees from ganedu, in one table per language.

Code asks for ``msg("key", **fields)`` instead of writing string literals, so the Chinese edition of the
course only adds a table here. Keys are grouped by the module that uses them.
"""

from __future__ import annotations

import os

EN: dict[str, str] = {
    # --- config / setup banner ---
    "banner": "ganedu {version} | torch {torch} | device: {device}{extra}",
    "banner_quick": " | quick mode (GANEDU_QUICK): tiny sizes",
    # --- environment report (ganedu.env) ---
    "env_gpu_none": "none (PyTorch sees no GPU)",
    "env_missing": "not installed",
    "env_yes": "yes",
    "env_no": "no",
    "env_mnist_absent": "no (see below how to get it)",
    "env_place_colab": "Google Colab",
    "env_place_binder": "Binder",
    "env_place_local": "your own machine or server",
    "env_label_cores": "CPU cores",
    "env_label_gpu": "GPU",
    "env_label_device": "ganedu will train on",
    "env_label_platform": "Running on",
    "env_label_mnist_dir": "MNIST folder",
    "env_label_mnist_train": "MNIST train split there",
    "env_label_mnist_test": "MNIST test split there",
    "env_label_estimate": "MNIST lesson (05) takes",
    "env_header": "What|Here",
    "env_estimate_gpu": "about {time} on a GPU (measured: {ref_time} on {ref_gpu})",
    "env_estimate_cpu": "about {time} here ({ref_time} measured on 2 CPU cores; about {gpu_time} on a GPU)",
    "env_estimate_mps": "not measured on Apple GPUs yet: somewhere between {gpu_time} (CUDA GPU) and {cpu_time} (CPU)",
    "env_selfcheck_math": "Tensor maths on the chosen device: 2 + 2 = {value:g}",
    "env_selfcheck_seed": "Same seed, same random numbers: {same}",
    "env_selfcheck_ok": "Your environment is ready.",
    "env_selfcheck_bad": "Something is off (see above): compare with the README's 'Troubleshooting' section.",
    # --- data ---
    "data_missing": (
        "MNIST {split} split not found and could not be downloaded ({reason}).\n"
        "Looked for: {files}\n"
        "Fix: connect to the internet and run again (it downloads ~11 MB once), or copy torchvision's MNIST "
        "files into {raw} (or point $GANEDU_DATA / data_root= at a folder that holds MNIST/raw/)."
    ),
    "data_corrupt": (
        "{path} is damaged or not an MNIST file ({reason}). Delete it and run again to download a fresh copy."
    ),
    "data_bad_split": "split must be 'train' or 'test', got {split!r}",
    "data_downloading": "MNIST {split} split not in {raw}: downloading it once with torchvision (about 11 MB) ...",
    "data_no_torchvision": "torchvision is not installed (pip install torchvision)",
    "data_download_off": "download=False",
    # --- checkpoints ---
    "ckpt_missing": "no checkpoint at {path}: check the path, or train first (python -m ganedu train --out DIR)",
    "ckpt_corrupt": (
        "{path} is not a readable ganedu checkpoint ({reason}). It may be truncated or from another program; "
        "train again or pick another file."
    ),
    "ckpt_foreign": "{path} is a PyTorch file but not a ganedu checkpoint (no '{entry}' entry)",
    # --- trainer knobs ---
    "bad_k": "k (discriminator steps per generator step) must be a whole number >= 1, got {value!r}",
    "bad_lr": "{name} must be a positive finite number such as 2e-4, got {value!r}",
    "bad_loss": "unknown generator loss {value!r}: choose one of {choices}",
    "bad_model": "unknown model {value!r}: choose one of {choices}",
    "bad_seconds": "max_seconds must be a positive number of seconds, got {value!r}",
    "bad_steps": "{name} must be a positive whole number, got {value!r}",
    "nonfinite": (
        "Training paused at step {step}: the {which} loss became {value}. The weights were restored to step "
        "{restored}. Try a smaller learning rate (lr_d / lr_g) or the non-saturating loss, then continue."
    ),
    # --- widgets / dashboard (ganedu.widgets) ---
    "dash_k": "k (D steps)",
    "dash_lr_d": "lr D",
    "dash_lr_g": "lr G",
    "dash_loss": "G loss",
    "dash_loss_nonsaturating": "non-saturating: -log D(G(z))",
    "dash_loss_minimax": "saturating: log(1 - D(G(z)))",
    "dash_start": "Start",
    "dash_pause": "Pause",
    "dash_step": "Step",
    "dash_reset": "Reset",
    "dash_save": "Save",
    "dash_tip_start": "Train until you press Pause",
    "dash_tip_pause": "Stop after the step in progress",
    "dash_tip_step": "One step: k discriminator updates, then one generator update",
    "dash_tip_reset": "Back to the untrained networks (the trainer's first weights); history cleared, settings kept",
    "dash_tip_save": "Save a checkpoint you can load later to continue",
    "dash_samples": "Generator samples (same noise z every frame)",
    "dash_curves": "Losses and mean D outputs",
    "dash_quality": "Sample quality",
    "dash_status": "step {step} | {rate:.0f} steps/s | {device} | driver: {driver} | {state}",
    "dash_running": "training",
    "dash_paused": "paused",
    "dash_play_hint": "Press the player's play button to train and its pause button to pause.",
    "dash_error": "Training stopped by an error: {error}. The full traceback is below the dashboard.",
    "dash_bad_knob": "That setting was not applied: {error}",
    "dash_saved": "Saved step {step} to {path}.",
    "dash_reset_done": "Reset: back to step {step}.",
    "dash_quick": "Quick mode: trained {steps} steps synchronously.",
    "dash_old_run": "The previous run did not stop within {seconds:.0f} s; it will stop after its current step.",
    "dash_bad_driver": "unknown driver {driver!r}: choose 'auto', 'thread', 'async' or 'play'",
    "dash_no_loop": (
        "driver='async' needs a running asyncio event loop, which a Jupyter kernel has; outside Jupyter use "
        "driver='thread'"
    ),
    "dash_bad_panel": "panels must be callables trainer -> PNG bytes (or a dict of them by title), got {value!r}",
    "dash_bad_number": "{name} must be a positive number, got {value!r}",
    "rec_empty": "The recorder has no frames yet: pass it in callbacks=[...] to train() or the Dashboard, then train.",
    "rec_step": "step {step}",
    # 05 exercises (ganedu.exercises, 05-06 section)
    "ex_d_updates_ok": "every generator step runs k discriminator updates first: 300 x 1 + 200 x 5 = 1300.",
    "ex_d_updates_hint": (
        "count discriminator updates, not generator steps: each generator step runs k of them first, so add up k "
        "over all steps (your own run: sum(trainer.history['k']))."
    ),
    "ex_d_wins_ok": (
        "a smaller discriminator learning rate slows D down so G's gradient stays informative; raising k or "
        "lr_d would only help D further."
    ),
    "ex_d_wins_hint": (
        "those curves say D is winning. Which option makes D learn more slowly? Raising k or lr_d helps D, and the "
        "saturating loss gives G even smaller gradients when D(G(z)) is near 0."
    ),
    # --- metrics (ganedu.metrics) ---
    "metrics_clf_stale": "The cached classifier {path} cannot be used ({reason}); training a new one.",
    "metrics_uint8": (
        "{name} are uint8 pixels (0-255): the metrics expect floats in [-1, 1]. Convert with x.float() / 127.5 - 1"
    ),
    "metrics_bad_shape": (
        "{name} must be MNIST-sized images of shape (N, 1, 28, 28) (or (N, 28, 28), (N, 784)), got shape {shape}"
    ),
    "metrics_bad_range": (
        "{name} have values from {lo:.3g} to {hi:.3g}, but the metrics expect [-1, 1] (what a tanh generator and "
        "ge.mnist() produce). Rescale: [0, 1] images as 2 * x - 1, [0, 255] images as x / 127.5 - 1"
    ),
    "metrics_nonfinite": "{name} contain NaN or infinite values: the generator probably diverged; use an earlier state",
    "metrics_too_few": "{what} needs at least {need} samples, got {got}",
    "metrics_label_count": "got {n_images} images but {n_labels} labels: pass one label per image",
    "metrics_bad_labels": "labels must be whole numbers 0-9 (the digit shown)",
    "metrics_bad_feats": "{name} must be a 2D array (N samples, d features), got shape {shape}",
    "metrics_dim_mismatch": "the two feature sets have different widths: {a} and {b}; use the same classifier for both",
    "metrics_bad_probs": (
        "expected class probabilities of shape (N, classes) such as ge.metrics.probs(clf, x), got {shape}"
    ),
    "metrics_not_probs": "rows must be probabilities (>= 0, summing to 1): apply softmax to logits first",
    "metrics_bad_k": "k (the neighbour that sets each ball's radius) must be between 1 and N - 1 for N = {n}, got {k}",
    "metrics_clf_version": (
        "{path} holds a classifier of format version {found}, this ganedu needs version {want}: delete the file "
        "and it is retrained (about a minute)"
    ),
    "metrics_clf_fallback": (
        "Warning: the MNIST {split} split is not available, so the metrics classifier learns from the {used} "
        "split, the very digits the metrics compare against. Metrics are then optimistic; get the {split} split "
        "(~11 MB download) for honest numbers."
    ),
    "metrics_clf_training": (
        "Training the MNIST classifier for the quality metrics on {n} {split} digits (once; about a minute on two "
        "CPU cores; cached in {path})..."
    ),
    "metrics_clf_ready": "Classifier ready after {seconds} s (test accuracy: {accuracy}).",
    "metrics_no_best": (
        "no best generator kept yet: the quality meter measures every {every} steps and keeps the best one; "
        "train at least that long first"
    ),
    "metrics_no_generator": "the trainer has no generator attribute (.G): pass a ganedu.train.Trainer",
    "metrics_meter_waiting": "quality: first measurement after {every} steps",
    "ex_fd_ok": "the mean gap gives 25 and the covariance term compares standard deviations: (1-2)² + (2-1)² = 2.",
    "ex_fd_hint": (
        "add ||μa - μb||² to Tr(Σa + Σb - 2(Σa Σb)^½); for diagonal covariances the second part is "
        "Σ(√a_i - √b_i)², a comparison of standard deviations, not of variances."
    ),
    "ex_conf_ok": "five equally likely, confidently read classes give exactly 5: the score counts effective classes.",
    "ex_conf_hint": (
        "every prediction is one-hot, so each KL(p(y|x) || p(y)) is -log p(y) = log 5 when p(y) is uniform over "
        "the five classes drawn; the score is exp of the average KL."
    ),
    "metrics_meter_line": (
        "quality at step {step}: Fréchet distance {fd:.1f} (real digits: {floor:.1f}), {coverage}/10 digit classes; "
        "best {best:.1f} at step {best_step}"
    ),
    # --- theory and toy notebooks (ganedu.theory, ganedu.toy, ganedu.dirac) ---
    "theory_bad_std": "a standard deviation must be a positive number such as 0.5, got {value!r}",
    "theory_bad_mixture": (
        "a mixture needs one std (and one weight, if given) per mean: got {means} means and {stds} stds"
    ),
    "theory_negative_density": "density values must be >= 0: pass p_data(x) and p_g(x), not log-densities",
    "theory_shape": "{what} has shape {got} but the grid x has shape {want}: evaluate it on the same grid",
    "theory_bad_grid": "x must be a 1D grid of increasing values with at least 2 points, e.g. ge.theory.grid()",
    "theory_bad_objective": "unknown objective {value!r}: choose one of {choices}",
    "dirac_bad_gamma": "gamma (the R1 penalty weight) must be a finite number >= 0 such as 0.5, got {value!r}",
    "dirac_bad_mode": "unknown update mode {value!r}: choose one of {choices}",
    "ex_d_star_ok": "D* = 0.3 / (0.3 + 0.1) = 0.75: three times as much real as fake mass lands here.",
    "ex_d_star_hint": "D* is p_data / (p_data + p_g): the share of the density at x that is real.",
    "ex_value_opt_ok": "with D* = 1/2 everywhere, V = log(1/2) + log(1/2) = -log 4, about -1.386.",
    "ex_value_opt_hint": "at p_g = p_data, D* = 1/2 everywhere; put that into both log terms of V.",
    "ex_d_loss_opt_ok": (
        "L_D = -V = log 4, about 1.386: at the optimum D cannot tell real from fake, so its loss stays high."
    ),
    "ex_d_loss_opt_hint": (
        "L_D = -V(D, G). At the optimum D outputs 1/2 for every input: what is -log(1/2) - log(1 - 1/2)?"
    ),
    "ex_sat_grad_ok": "-sigmoid(l) = -0.01: a confident discriminator leaves the saturating loss almost no gradient.",
    "ex_sat_grad_hint": "d/dl log(1 - sigmoid(l)) = -sigmoid(l), and sigmoid(l) is D(G(z)).",
    "ex_grad_ratio_ok": "0.99 / 0.01 = 99: the non-saturating loss pushes 99 times harder right where G is worst.",
    "ex_grad_ratio_hint": "the two logit gradients are -D(G(z)) and D(G(z)) - 1; divide their sizes at D(G(z)) = 0.01.",
    "ex_collapse_ok": (
        "1 mode, yet 100 % high quality: the share of good samples alone cannot see mode collapse; count the modes."
    ),
    "ex_collapse_hint": "every sample sits on a mode centre (high quality), but how many different modes do they hit?",
    "ex_heatmap_ok": "D* = p_data / (p_data + p_g) = 1/2 where p_g = p_data: a uniform heatmap, no gradient for G.",
    "ex_heatmap_hint": "put p_g = p_data into D* = p_data / (p_data + p_g).",
    "ex_dirac_eig_ok": "+- i/2: purely imaginary, so the linearised dynamics rotate around the equilibrium.",
    "ex_dirac_eig_hint": (
        "the Jacobian is [[0, f'(0)], [-f'(0), 0]] with f'(0) = 1/2; its eigenvalues solve lambda^2 + f'(0)^2 = 0. "
        "Answer with a pair of complex numbers such as (2j, -2j)."
    ),
    "ex_gamma_ok": "gamma = 2 f'(0) = 1: the square root vanishes and both eigenvalues equal -1/2.",
    "ex_gamma_hint": "the eigenvalues are -gamma/2 +- sqrt(gamma^2/4 - f'(0)^2) with f'(0) = 1/2: when is the root 0?",
    "toy_bad_points": (
        "points must be a list of (x, y) pairs such as [(0, 0), (1.5, 2)], with at least one pair; got {value!r}"
    ),
    "toy_bad_dataset": "unknown 2D data set {value!r}: choose one of {choices}",
    "toy_bad_samples": "samples must have shape (N, 2) with N >= 1 (2D points), got {shape}",
    "toy_bad_preset": "unknown preset {value!r}: choose one of {choices}",
    "toy_no_dataset": "this trainer was not made by ge.toy.make_trainer, so its modes are unknown: build it with that",
    "toy_coverage": "modes hit {hit}/{modes} · high-quality samples {hq:.0f}%",
    "toy_bad_optimizer": "g_optimizer must be 'sgd' or 'adam', got {value!r}",
    "toy_step_d": "step D",
    "toy_step_g": "step G",
    "toy_expect_healthy": "all 8 modes covered, most samples on a mode; the D heatmap fades towards 1/2",
    "toy_expect_collapse": "one tight blob of fakes that hops from mode to mode: at most one mode covered at a time",
    "toy_expect_strong_d": (
        "D rejects every fake with near certainty, D(G(z)) < 1e-5: the saturating loss gives G no gradient and the "
        "fakes stay frozen at the centre. Switch the loss to non-saturating to free them."
    ),
    "toy_expect_strong_d_ns": "G escapes the strong D at once, but lands on only one or two modes",
    # --- stabilisation, conditional GANs, 07-09 (ganedu.stabilize, ganedu.losses/models additions) ---
    "stab_bad_decay": "the EMA decay must be a number in [0, 1) such as 0.999, got {value!r}",
    "stab_bad_warmup": "the EMA warm-up must be None or a number > 1 such as 10, got {value!r}",
    "stab_ema_mismatch": (
        "the EMA was made from another generator (different parameters): make it with EMA(trainer.G)"
    ),
    "stab_bad_recipe": "unknown recipe {value!r}: choose one of {choices}",
    "stab_bad_problem": "unknown problem {value!r}: choose one of {choices}",
    "stab_bad_penalty": "unknown penalty {value!r}: choose 'gp' (WGAN-GP), 'r1' or None",
    "stab_bad_d_loss": "unknown discriminator loss {value!r}: choose one of {choices}",
    "ex_copy_ok": "only the nearest-neighbour check sees copies: every other metric rates a memorizer perfect.",
    "ex_copy_hint": (
        "copies of training digits are real digits: FD, coverage, confidence, precision and recall all look "
        "perfect. Which check compares samples with the training set itself?"
    ),
    "ex_one_class_pr_ok": "clean 1s are realistic (high precision) but reach only a tenth of the data (low recall).",
    "ex_one_class_pr_hint": (
        "precision asks whether each sample lies near real digits; recall asks whether every kind of real digit "
        "has a sample near it. Answer a pair such as ('high', 'low')."
    ),
    "ex_gp_ok": "the gradient of a linear critic is w everywhere, so λ(||w|| - 1)² = 10 · 2² = 40.",
    "ex_gp_hint": "for f(x) = w·x + b the gradient is w at every x̂: put ||w|| = 3 into λ(||∇f|| - 1)².",
    "ex_r1_ok": "γ/2 · ||w||² = 5 · 9 = 45: R1 penalises any slope at the data, not distance from slope 1.",
    "ex_r1_hint": "R1 is γ/2 · E||∇f(x)||² on real x, and the gradient of the linear critic is w.",
    "ex_ema_ok": "1.0 after the first update, 0.9 · 1 + 0.1 · 10 = 1.9 after the second: the average lags behind.",
    "ex_ema_hint": "apply θ̄ ← 0.9 θ̄ + 0.1 θ twice, starting from θ̄ = 0 with θ = 10.",
    "ex_lerp_ok": "√½ ≈ 0.707: the straight line cuts inside the sphere, where z rarely lies in training.",
    "ex_lerp_hint": "(a + b)/2 has squared norm (|a|² + 2a·b + |b|²)/4, and a·b = 0 for orthogonal vectors.",
    "stab_no_results": (
        "no recorded comparison at {path}, and it could not be downloaded: open the notebook from a clone of the "
        "course repository, or record your own with python benchmarks/stabilise.py (about 15 minutes on 2 CPU cores)"
    ),
    # --- exercises (ganedu.checks) ---
    "check_ok": "Correct! {detail}",
    "check_wrong": "Not yet: {detail}",
    # --- metrics: classifier cache, config switches ---
    "config_bad_flag": (
        "{name}={value!r} is not understood and counts as off: use one of {on} to switch it on, or {off} (or leave "
        "it unset) for off"
    ),
    "metrics_cache_unwritable": (
        "Warning: cannot write the classifier cache {path} ({reason}); using the classifier without caching it, so "
        "the next session trains it again. Set GANEDU_CACHE to a folder you can write to."
    ),
    # --- dashboard and environment (ganedu.widgets, ganedu.env) ---
    "dash_loss_wasserstein": "Wasserstein: -f(G(z)) (for a critic)",
    "dash_loss_least_squares": "least squares: (f(G(z)) - 1)² / 2",
    "dash_loss_other": "{name}",
    "dash_k_range": "k = {value} is outside what the dashboard accepts: choose a k from 1 to {k_max} (1 to 5 is usual)",
    "dash_old_run_busy": (
        "An earlier run is still inside a long step: it stops when that step ends and never trains again."
    ),
    "dash_panel": "panel {number}",
    "env_seconds": "{seconds:.0f} s",
    "env_minutes": "{minutes:.0f} min",
    "env_device_gpu": "{kind} ({gpu})",
    "env_device_cpu": "{kind} ({cores} cores)",
    "env_gpu_cuda": "{name} ({gib:.0f} GiB)",
    "env_gpu_mps": "Apple GPU (MPS)",
    # --- visible checks of the notebooks' claims (ganedu.lessons.check); claim_NN_* keys follow per notebook ---
    "claim_holds": "✓ {claim}",
    "claim_failed": (
        "✗ this notebook's text says: {claim} — but its own numbers do not show it. If you changed a setting, "
        "that is expected; otherwise please report it (the course's CI runs every such check)."
    ),
    # --- notebook build (tools/build_notebooks.py) ---
    "build_widget_placeholder": "(an interactive widget: run the notebook to use it)",
}

TABLES: dict[str, dict[str, str]] = {"en": EN}


def msg(key: str, /, **fields) -> str:
    """The sentence ``key`` in the learner's language (``$GANEDU_LANG``, default English), filled in."""
    table = TABLES.get(os.environ.get("GANEDU_LANG", "en"), EN)
    text = table.get(key, EN[key])
    return text.format(**fields)
