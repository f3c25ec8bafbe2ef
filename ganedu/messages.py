"""Every sentence a learner sees from ganedu, in one table per language.

Code asks for ``msg("key", **fields)`` instead of writing string literals, so a language is one table: English
(``EN``) here, Chinese (``ZH``) in ``messages_zh.py``. Keys are grouped by the module that uses them. The language
is ``$GANEDU_LANG``, read at every call; ``ge.setup(lang="zh")`` sets it (``set_language``).
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
    "dash_best": "Best",
    "dash_tip_best": "Put back the best generator the quality meter has measured (lowest FD)",
    "dash_best_done": (
        "Put back the generator of step {step} (FD {fd:.2f}, the lowest measured); Save writes it, and training "
        "goes on from step {now}."
    ),
    "dash_best_none": "No generator measured yet: the quality meter measures every {every} steps.",
    "dash_best_no_meter": "Best needs a quality meter: pass callbacks=[ge.metrics.QualityMeter()] to the dashboard.",
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
        "The MNIST {split} split is not available, so the metrics classifier learns from half of the test "
        "split ({n} digits) and the metrics compare with the other half (ge.metrics.held_out())."
    ),
    "metrics_clf_training": (
        "Training the MNIST classifier for the quality metrics on {n} {split} digits (once; about a minute on two "
        "CPU cores; cached in {path})..."
    ),
    "metrics_clf_ready": "Classifier ready after {seconds} s (accuracy on digits it never saw: {accuracy}).",
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
    # --- stabilisation, conditional GANs, 07-10 (ganedu.stabilize, ganedu.losses/models additions) ---
    "ema_bad_decay": "the EMA decay must be a number in [0, 1) such as 0.999, got {value!r}",
    "ema_bad_warmup": "the EMA warm-up must be None or a number > 1 such as 10, got {value!r}",
    "ema_mismatch": (
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
    # --- exercises (ganedu.lessons.exercises) ---
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
    # --- figures ---
    "fig_bad_images": (
        "expected images of shape (N, 1, H, W) or (N, H, W), got {shape}: pass a batch of grey images such as "
        "trainer.samples()"
    ),
    "fig_no_frames": "gif_bytes needs at least one frame: record some training first",
    "fig_unknown": "ge.plot has no figure {name!r}: see dir(ge.plot) and ge.plot.LESSON_FIGURES for the figures",
    "fig_step": "generator step",
    "fig_loss": "loss",
    "fig_d_loss": "D loss",
    "fig_g_loss": "G loss",
    "fig_d_real": "D(x), real",
    "fig_d_fake": "D(G(z)), fake",
    "fig_half": "1/2",
    "fig_mean_d": "mean D",
    "fig_fd": "Fréchet distance",
    "fig_fd_short": "FD",
    "fig_classes_covered": "classes covered",
    "fig_p_data": "p_data",
    "fig_p_g": "p_g",
    "fig_density": "density",
    "fig_d_star": "D* = p_data / (p_data + p_g)",
    "fig_d_of_x": "D(x)",
    "fig_x": "x",
    "fig_minimax_title": "V(D*, G) = {v:.4f}   JSD = {jsd:.4f} nats   -log 4 + 2 JSD = {bound:.4f}",
    "fig_mean_of_p_g": "mean of p_g",
    "fig_logit": "logit l of a fake sample (D = sigmoid(l))",
    "fig_grad_logit": "d L_G / d l",
    "fig_d_fake_axis": "D(G(z))",
    "fig_abs_grad_logit": "|d L_G / d l|",
    "fig_race_g_mean": "mean of the fakes",
    "fig_race_d_fake": "mean D(G(z))",
    "fig_race_grad": "|dL_G / db|",
    "fig_field_title": "step {step} · {loss} · k={k}",
    "fig_named_panel": "{name}\n{text}",
    "fig_theta": "theta (generator)",
    "fig_psi": "psi (discriminator)",
    "fig_distance": "distance to equilibrium",
    "fig_dirac_title": "Dirac-GAN, {loss} loss (arrows: the field with R1 weight gamma = {gamma})",
    "fig_gamma": "gamma",
    "fig_real_part": "real part",
    "fig_imaginary_part": "imaginary part",
    "fig_eigen_title": "eigenvalues of the Jacobian at (0, 0)",
    "fig_gamma_r1": "gamma (R1 weight)",
    "fig_spectral_radius": "spectral radius of one step",
    "fig_one_step_title": "one training step, lr = {lr}",
    "fig_speed_up": "x{factor:.0f}",
    "fig_model_batch": "{model} B={batch}",
    "fig_steps_per_second": "steps / second",
    "fig_not_available": "n/a",
    "fig_reference": "reference",
    "fig_digit": "digit",
    "fig_share_of_samples": "share of samples",
    "fig_knn_precision": "precision: fakes inside the real manifold: {share:.0%}",
    "fig_knn_recall": "recall: reals inside the fake manifold: {share:.0%}",
    "fig_digit_read": "digit the classifier reads",
    "fig_digit_asked": "digit asked for",
    "fig_share": "share",
    "fig_percent": "{value:.0f}",
    # --- command line and checkpoints (ganedu.cli, ganedu.checkpoints) ---
    "out_empty": "--out is empty: give the folder to write the run into, e.g. --out runs/mlp",
    "out_root": "--out {path} is the root of a file system: give a folder inside it, e.g. --out runs/mlp",
    "out_is_file": "{path} is a file, not a folder: give --out a new folder or an earlier run's folder",
    "out_not_run": (
        "{path} holds files that are not a ganedu run ({extra}): a run replaces its whole folder, so give --out a "
        "new folder or an earlier run's folder"
    ),
    "out_not_writable": "cannot write into {path} ({reason}): give --out a folder you can write to",
    "ckpt_old_torch": (
        "torch {version} can be tricked into running code while loading a file (CVE-2025-32434), so ganedu does "
        "not load checkpoints with it: upgrade to torch >= {minimum} (pip install -U torch torchvision)"
    ),
    "ckpt_code": (
        "{path} is not a ganedu checkpoint or it contains code; ganedu only loads plain data. Train again or pick "
        "a checkpoint that ganedu wrote."
    ),
    "ckpt_damaged": (
        "{path} is a ganedu checkpoint whose contents do not fit together ({reason}): it was edited or damaged; "
        "train again or pick another file"
    ),
    "ckpt_not_dict": "'{entry}' is not a dict",
    "ckpt_no_entry": "no {entry} entry",
    "ckpt_unknown_override": "unknown setting(s) {names} for resume: choose among {choices}",
    "ckpt_fixed": (
        "{path} was trained with {name}={saved}, and a resumed run keeps it: drop {name}={value}, or train a new "
        "run without resuming"
    ),
    "cli_range": "must be a whole number from {low} to {high}, got {value}",
    "cli_not_int": "expected a whole number, got {value!r}",
    "cli_not_number": "expected a number such as 2e-4, got {value!r}",
    "cli_not_positive": "must be a positive number, got {value}",
    "cli_minutes": "must be a number of minutes from 0 (off) to {high}, got {value}",
    "cli_description": "Train, sample and evaluate MNIST GANs.",
    "cli_help_train": "train a GAN on MNIST and write generator.pt, samples.png, history.json",
    "cli_help_model": "network pair (default: mlp; a resumed run keeps its own)",
    "cli_help_steps": "generator steps, at most {high} (default 2000 unless --max-seconds)",
    "cli_help_max_seconds": "stop after this many seconds of training",
    "cli_help_batch_size": (
        "minibatch size, {low} to {high} (default {default}; batch normalisation needs 2 or more; a resumed run "
        "keeps its own)"
    ),
    "cli_help_k": "discriminator steps per generator step, 1 to {high} (default {default})",
    "cli_help_ema": (
        "decay of the average of the generator's weights that samples and the saved generator come from "
        "(default {default:g}, a memory of about 1/(1 - decay) steps; 0: the trained generator itself; a resumed run "
        "keeps its own)"
    ),
    "cli_bad_decay": "expected a decay in [0, 1) such as {default:g} (0 turns the average off), got {value!r}",
    "cli_help_lr": "{who} learning rate (default {default:g}; a resumed run keeps its own)",
    "cli_help_loss": (
        "generator loss, each with its matching discriminator loss: nonsaturating and minimax train a BCE "
        "discriminator, least_squares an LSGAN one, wasserstein a WGAN-GP critic (gradient penalty weight {gp:g}) "
        "(default {default})"
    ),
    "cli_help_device": "where to compute (default auto: CUDA, then MPS, then the CPU)",
    "cli_help_data_root": "folder holding MNIST/raw (default: $GANEDU_DATA or a cache)",
    "cli_help_split_train": "MNIST split to train on",
    "cli_help_seed": "random seed, 0 to {high} (default 0; a resumed run keeps its own)",
    "cli_help_out": (
        "output folder; the run replaces it as a whole, and the folder it replaces is kept as <out>.previous"
    ),
    "cli_help_resume": "continue the run saved in this checkpoint (--k, --lr-d, --lr-g, --loss change it)",
    "cli_help_checkpoint_every": "save the run every this many minutes while training (default {default:g}; 0: off)",
    "cli_help_quiet": "no progress bar",
    "cli_help_sample": "write N generated digits as float32 (N, 1, 28, 28) in [-1, 1] to a .npy",
    "cli_help_checkpoint": "checkpoint to sample from (a run's generator.pt)",
    "cli_help_n": "how many digits, 1 to {high}",
    "cli_help_npy_out": "output .npy file (.npy is added if missing)",
    "cli_help_evaluate": "print quality metrics as one JSON object (and nothing else) on stdout",
    "cli_help_samples": ".npy of generated digits: float (N, 1, 28, 28) in [-1, 1]",
    "cli_help_eval_n": "samples to draw from --checkpoint, 1 to {high} (default: as many as real digits, at most 5000)",
    "cli_help_split_eval": (
        "real digits to compare with (default held-out: digits the metrics classifier never learned from)"
    ),
    "cli_resume_model": (
        "{path} holds a {saved} run, and a resumed run keeps its networks: drop --model {value}, or train a new run "
        "without --resume"
    ),
    "cli_resume_conditional": (
        "{path} holds a conditional {saved} run, which the command line cannot train: continue it in notebook 10 "
        "with ganedu.checkpoints.resume(path, images, labels=labels)"
    ),
    "cli_interrupted": (
        "stopped by {signal} at step {step}; the run is saved in {out}. Continue it with: python -m ganedu train "
        "--resume {checkpoint} --out {out}"
    ),
    "cli_interrupted_early": "stopped by Ctrl-C before training started: nothing to save",
    "cli_npy_empty": "--out is empty: give the .npy file to write, e.g. --out samples.npy",
    "cli_npy_is_folder": "--out {path} is a folder: give a file name inside it, e.g. --out {example}",
    "cli_samples_missing": "no file at {path}: check the --samples path",
    "cli_samples_npz": (
        "{path} is a .npz archive, not one array: save the digits with numpy.save('digits.npy', array) and pass "
        "that file"
    ),
    "cli_samples_unreadable": (
        "{path} is not a NumPy array file ({reason}): write the digits with numpy.save('digits.npy', array)"
    ),
    "cli_samples_not_npy": "not in .npy format",
    "cli_samples_dtype": (
        "{path} holds {dtype} values: --samples needs floats (float16, float32 or float64) in [-1, 1]; convert "
        "with array.astype('float32') / 127.5 - 1 for 0..255 images"
    ),
    "cli_samples_shape": (
        "--samples must hold an array of shape (N, 1, 28, 28), got {shape}: reshape it, e.g. "
        "array.reshape(-1, 1, 28, 28)"
    ),
    # --- lessons (losses, models, theory, dirac, toy, stabilise, speed, exercises) ---
    "loss_shape_mismatch": (
        "real and fake batches must have the same shape, got {real} and {fake}: draw as many fakes as real samples"
    ),
    "toy_coverage_per_mode": "{coverage}  (high-quality samples per mode: {per_mode})",
    "stab_col_recipe": "recipe",
    "stab_col_seconds": "seconds",
    "stab_col_modes": "modes hit (of 8)",
    "stab_col_high_quality": "high-quality share",
    "stab_col_coverage": "classes (of 10)",
    "stab_col_fd": "Fréchet distance",
    "stab_col_fd_floor": "real-vs-real floor",
    "stab_col_confidence": "confidence (1-10)",
    "stab_col_precision": "precision",
    "stab_col_recall": "recall",
    "stab_not_available": "n/a",
    "stab_bad_curve": "a {problem} trajectory holds {keys}, not {value!r}: ask for one of those",
    "speed_rate": "{median:8.1f} steps/s  [{low:.1f}-{high:.1f}]",
    "ex_d_wins_a": "raise k to 5",
    "ex_d_wins_b": "lower lr_d (e.g. from 2e-4 to 5e-5)",
    "ex_d_wins_c": "switch to the saturating generator loss",
    "ex_d_wins_d": "raise lr_d to 1e-3",
    "ex_function_raised": "your function raised {kind}: {error}. It should return a number for any two timings.",
    "ex_loader_ok": "with a 10 ms loader even a free GPU gives at most {best:.0f} steps/s.",
    "ex_loader_hint": "for loader 10 ms, GPU 0.5 ms you gave {got:.1f} steps/s; the two happen one after the other.",
    "ex_sync_unknown": "pick from ge.exercises.SYNC_CHOICES; {unknown} is not one of them.",
    "ex_sync_ok": "reading a GPU number on the host (item, formatting) waits for every queued kernel.",
    "ex_sync_hint": "a value is only needed on the host when Python reads it: which lines read one?",
    "model_bad_labels": "labels must have shape ({batch},), one class per sample, got {shape}",
    "model_needs_labels": (
        "the conditional discriminator needs labels: D(x, y) with y of shape (B,); train it with "
        "Trainer(..., labels=labels)"
    ),
    "model_bad_path_mode": "mode must be 'linear' or 'spherical', got {value!r}",
    "model_bad_endpoints": "z0 and z1 must be two vectors of the same length, got shapes {a} and {b}",
    "model_bad_path_steps": "steps must be a whole number >= 2 (both endpoints), got {value!r}",
    "model_bad_role": "role must be 'generator' or 'discriminator', got {value!r}",
    # --- trainer (ganedu.train): inputs, limits, divergence ---
    "train_bad_column": "history has no column {column!r}; columns are {columns}",
    "train_k_too_big": (
        "k (discriminator steps per generator step) must be at most {k_max}, got {value!r}: one step would run "
        "{value} D updates; use a value between 1 and {k_max}"
    ),
    "train_bad_config": "config must be a ganedu.train.TrainConfig, e.g. TrainConfig(batch_size=64), got a {value}",
    "train_bad_betas": "betas must be two numbers in [0, 1) such as (0.5, 0.999), got {value!r}",
    "train_bad_seed": "seed must be a whole number >= 0 (or None for fresh randomness), got {value!r}",
    "train_bad_callbacks": (
        "callbacks must be a list of functions trainer -> None, e.g. callbacks=[ge.train.every(10, show)], "
        "got {value!r}"
    ),
    "train_bad_data": "data must be a tensor of shape (N, ...) with N >= 1 samples, e.g. ge.mnist()[0]",
    "train_bad_dtype": (
        "data has dtype {dtype}, but the trainer needs floating-point samples in [-1, 1]: scale it first, e.g. "
        "x.float() / 127.5 - 1 for 0..255 images"
    ),
    "train_data_nonfinite": "data contains NaN or infinite values: remove or replace them before training",
    "train_bad_range": (
        "data has values from {lo:.3g} to {hi:.3g}, but the generator ends in tanh and can only make [-1, 1]: "
        "rescale, e.g. x / 127.5 - 1 for 0..255 images, 2 * x - 1 for [0, 1] images"
    ),
    "train_shape_mismatch": (
        "the generator makes samples of shape {g_shape}, but the data's samples have shape {d_shape}: build the "
        "generator for this data (e.g. out_shape={d_shape}) or pass the data it was made for"
    ),
    "train_no_latent_dim": (
        "the generator needs a whole-number attribute latent_dim >= 1 (the size of its noise z), got {value!r}: "
        "use a ganedu.models generator or set self.latent_dim in yours"
    ),
    "train_batchnorm_batch": (
        "batch_size {batch_size} is too small: the {net} uses BatchNorm, which needs at least 2 samples per batch; "
        "use batch_size >= 2 (64 is usual)"
    ),
    "train_bad_label_dtype": (
        "labels must be a tensor of whole-number class ids (0, 1, 2, ...), got {dtype}: e.g. ge.mnist()[1] or "
        "torch.tensor(ids).long()"
    ),
    "train_bad_label_shape": "labels must have shape ({n},) to match data (one class id per sample), got {shape}",
    "train_negative_label": "labels must be class ids >= 0, found {value}",
    "train_exploding": (
        "{net} loss {value:.3g} at step {step}: the learning rates are too high (lr_d = {lr_d:g}, lr_g = {lr_g:g}); "
        "try about 10x smaller, e.g. trainer.{knob} = {smaller:.1e}"
    ),
    "train_nonfinite_net": (
        "Training paused at step {step}: the {net}'s {what} became NaN or infinite, so its weights diverged. The "
        "weights were restored to step {restored}. Try a smaller learning rate (e.g. trainer.{knob} = {smaller:.1e}), "
        "then continue."
    ),
    "train_nonfinite_state": (
        "Training paused at step {step}: the {net}'s {tensor} holds NaN or infinite values (a weight or a BatchNorm "
        "statistic). The weights were restored to step {restored}. Try smaller learning rates (lr_d / lr_g), "
        "then continue."
    ),
    "train_load_nonfinite": (
        "this checkpoint's {net} has NaN or infinite values in {tensor}: it was saved after training diverged; "
        "load an earlier checkpoint instead"
    ),
    # --- devices and seeds (ganedu.config) ---
    "config_bad_device": "unknown device {value!r}: use 'auto', 'cpu', 'cuda' or 'mps'",
    "config_no_cuda": "device 'cuda' was asked for but PyTorch sees no CUDA GPU here: use device='auto' or 'cpu'",
    "config_bad_seed": "seed must be a whole number >= 0, got {value!r}: pass e.g. seed=0",
    "metrics_epoch": "classifier epoch {epoch}/{epochs}: loss {loss:.3f}",
    # --- notebooks 00-04: the timed estimate, the 00 exercise, Adam's step ratio ---
    "ex_lesson_seconds_ok": "605 s: the time per step (2 s / 20 = 0.1 s) times the lesson's 6050 steps.",
    "ex_lesson_seconds_hint": "first the time of one step (2 s for 20 steps), then times the 6050 steps of the lesson.",
    "env_estimate_timed": (
        "about {time} here, {cached} once the metrics classifier is cached (timed here: {gan_ms:.1f} ms per GAN "
        "step, {clf_ms:.0f} ms per classifier step, {fig_ms:.0f} ms per figure)"
    ),
    "toy_adam_no_state": "this Adam optimizer has taken no step yet: call adam_step_ratio after training",
    # --- claims of notebooks 00-04 ---
    "claim_01_no_gaussian_reaches_optimum": (
        "no slider position reaches V = −log 4: the best single Gaussian, N({mean:.1f}, {std:.1f}²), still has "
        "JSD = {jsd:.3f} > 0 and V = {v:.4f}"
    ),
    "claim_02_ns_arrives": "with plain SGD the non-saturating generator is within 0.5 of the data after {steps} steps",
    "claim_02_sat_stalls": (
        "the saturating generator stalls at {mean:.2f}: D(G(z)) falls from {d_first:.1e} to {d_last:.1e} and its "
        "gradient from {first:.1e} to {last:.1e}"
    ),
    "claim_02_adam_gradient_ratio": (
        "the non-saturating gradient is {first:.0f} times larger at the start and {last:.0f} times at the end"
    ),
    "claim_02_adam_same_speed": (
        "with Adam both move at about lr per step: saturating {sat:.2f} lr, non-saturating {ns:.2f} lr on average"
    ),
    "claim_02_adam_neither_arrives": (
        "neither reaches the data at 4.0, and the saturating one is ahead: {sat:.2f} against {ns:.2f}"
    ),
    "claim_02_sat_frozen": (
        "saturating loss: D(G(z)) = {d_fake:.1e} < 1e-4, and the fakes moved only {moved:.2f} on average"
    ),
    "claim_02_ns_escapes_to_few_modes": (
        "non-saturating loss: the fakes moved {moved:.2f} on average, onto {hit} of the 8 modes"
    ),
    "claim_02_d_grew_certain": "D grew certain: the mean D(G(z)) fell from {first:.1e} to {last:.1e}",
    "claim_02_adam_steps_shrink": (
        "Adam's last generator step is {sat:.4f} lr with the saturating loss, {ns:.3f} lr with the non-saturating one"
    ),
    "claim_03_losses_hover": (
        "over the second half of the run L_D stays above {d_min:.2f} (far from 0) and L_G keeps moving between "
        "{g_min:.2f} and {g_max:.2f}"
    ),
    "claim_03_d_either_side": "on average D(x) = {real:.2f} and D(G(z)) = {fake:.2f}: on either side of 1/2",
    "claim_03_switch_frees": "after the switch the fakes moved {moved:.2f} on average; now {score}",
    "claim_04_k5_orbits_near": (
        "k = 5, lr = 1.5 started at (0.05, 0.05) stays on an orbit: distance {start:.3f} at the start, at most "
        "{largest:.3f}, {last:.3f} after 3000 steps"
    ),
    "claim_04_k5_thrown_out_far": (
        "the same k = 5 started at (0.5, 0.5) is thrown out: distance {start:.3f} at the start, {largest:.2f} at most"
    ),
    "claim_04_r1_constant_rate": (
        "{mode}, γ = 1: the distance shrinks by a factor {factor:.4f} per step (spectral radius {radius:.4f}), "
        "down to {last:.1e} after 1000 steps"
    ),
    "claim_04_ns_damped": (
        "θ·v_θ + ψ·v_ψ = −t·tanh(t/2) at 1000 random points (largest gap {gap:.1e}); its largest value is "
        "{largest:.1e} ≤ 0"
    ),
    # --- claims of notebooks 07-10 (and the metrics and losses they check) ---
    "loss_negative_density": "densities cannot be negative: pass p_data(x) and p_g(x) as values >= 0",
    "claim_07_collapse_with_perfect_losses": (
        "the collapsed ring's mean losses are a perfect generator's: L_D {d:.3f} (log 4 = 1.386), L_G {g:.3f} "
        "(log 2 = 0.693), with {modes} of 8 modes covered"
    ),
    "claim_07_fd_moves_losses_do_not": (
        "the Fréchet distance falls by {drop:.0%}, more than three times the largest change of a mean loss "
        "({moved:.0%})"
    ),
    "claim_07_reads_unseen_digits": "the classifier reads {accuracy:.1%} of the {n} digits it never saw correctly",
    "claim_07_fd_bias_closed_form": (
        "two samples of {n} points from N(0, I_{d}): mean FD {mean:.4f}, closed form d(d + 5)/(2n) = {closed:.4f}"
    ),
    "claim_07_fd_bias_one_over_n": "the real-vs-real FD of the digits falls like n^{slope:.2f}: about 1/n",
    "claim_07_fd_reads_the_cases": (
        "real digits ({real:.2f}) and copies ({copies:.2f}) score within 2 floors ({floor:.2f}); every collapsed "
        "or degraded case scores more than 10 floors (the closest: {bad:.1f})"
    ),
    "claim_07_coverage": (
        "coverage: one class {one}, half the classes {half}, noise {noise}; real digits, copies, blurred and noisy "
        "digits {full} of 10"
    ),
    "claim_07_confidence": (
        "confidence: one class {one:.2f} (about 1), half the classes {half:.2f} (about 5), noise {noise:.2f}, "
        "blurred digits {blurred:.2f} below real digits {real:.2f}"
    ),
    "claim_07_precision_recall": (
        "real digits: precision {p_real:.2f}, recall {r_real:.2f}; one class and half the classes keep over 90 % of "
        "that precision, while the recall drops to {r_one:.2f} for one class, {r_half:.2f} for half the classes and "
        "{r_blur:.2f} for blurred digits; noise has neither, noisy digits lose some of both"
    ),
    "claim_07_memorization": (
        "flagged as near-copies: copies {copies:.0%}, fresh real digits {real:.1%} (about the 1 % the rule lets "
        "through), one class {ones:.1%}"
    ),
    "claim_07_fd_scale": (
        "FD = {once:.3f}; with every feature doubled {doubled:.3f}: {ratio:.6f} times as much, exactly 4 (= 2²)"
    ),
    "claim_07_run_is_unfinished": "the FD {fd:.1f} is {ratio:.0f} floors, and the recall is {recall:.3f} (below 0.05)",
    "claim_09_collapse_without_alarm": (
        "no alarm from the losses: L_D {d:.3f} (log 4 = 1.386), L_G {g:.3f} (log 2 = 0.693), while the baseline "
        "ends with {modes} of 8 modes"
    ),
    "claim_09_smoothed_optimum": (
        "D* = a·p_data/(p_data + p_g) is where the smoothed loss is flat: weighted derivatives at most {worst:.1e}"
    ),
    "claim_09_ring_table": (
        "recorded ring table: baseline, minimax and spectral norm hit at most 1 mode on any seed; equal lr 8 on "
        "every seed, TTUR at least 6, k = 5 at least 4, R1 at least 5; label smoothing rescued {rescued} seed of 3; "
        "high-quality share of WGAN-GP {wgan:.0%}, of the EMA {ema:.1%}"
    ),
    "claim_09_mnist_table": (
        "recorded MNIST table: the baseline covers 4 classes with confidence below 2 and recall 0; equal lr, TTUR "
        "and k = 5 cover 9-10; WGAN-GP has the lowest FD and the highest recall; R1 8, spectral norm 6, label "
        "smoothing and minimax 4, EMA 3 classes; every FD is more than 5 floors (the lowest: {floors:.1f})"
    ),
    "claim_10_midpoint_lengths": (
        "at t = 1/2 the linear path's z has length {linear:.2f}, {ratio:.2f} of the endpoints' (1/√2 = 0.71 for two "
        "perpendicular draws); the spherical path's has {spherical:.2f}, between the endpoints' {a:.2f} and {b:.2f}"
    ),
    # --- speed lesson: recorded results ---
    "speed_recorded_header": "recorded {date} on {hardware}, torch {torch}, with:\n  {commands}",
    "speed_no_recorded": ("no recorded benchmark results at {path}: they are a file of the course repository "
                          "(benchmarks/speed_recorded.json); open the notebook from a clone of the repository, or "
                          "read benchmarks/RESULTS.md on GitHub"),
    "speed_unknown_run": "no recorded run {run!r}: the file holds {known}; pick one of them",
    # --- claims of notebooks 05-06 ---
    "claim_05_k5_d_pulls_ahead": ("k = 5 lets D pull ahead: mean D(x) {real_before:.2f} -> {real_after:.2f}, "
                                  "mean D(G(z)) {fake_before:.2f} -> {fake_after:.2f}"),
    "claim_05_resume_carries_on": ("the resumed run carries on: saved at step {saved}, continued to step {now}, "
                                   "{rows} history rows"),
    "claim_05_loaded_generator_same": ("the loaded generator draws the saved trainer's digits (largest pixel "
                                       "difference {gap:.1e})"),
    "claim_06_cpu_1_5_to_2x": (
        "on two CPU cores the fast path is 1.5 to 2 times as fast as the classic loop, short of the 2x we aim for "
        "(x{low:.1f} to x{high:.1f})"
    ),
    "claim_06_gpu_orders_of_magnitude": ("on the H100 the fast path is one to two orders of magnitude faster than "
                                         "the classic loop (x{low:.1f} to x{high:.1f})"),
    "claim_06_batch_widens_network_narrows": ("a bigger batch widens the gap (MLP x{mlp_64:.1f} -> x{mlp_256:.1f}, "
                                              "DCGAN x{dcgan_64:.1f} -> x{dcgan_256:.1f}); a bigger network "
                                              "narrows it (DCGAN below MLP at both batch sizes)"),
    # --- notebook build (tools/build_notebooks.py) ---
    "build_widget_placeholder": "(an interactive widget: run the notebook to use it)",
    # --- the training animation (ganedu.widgets.Recorder) ---
    "rec_animation": "(an animation of {frames} frames: it plays in Jupyter; recorder.figure() shows them as a strip)",
    # --- exercise 06: an answer not yet written ---
    "ex_loader_none": "write steps_per_second as a function of (loader_ms, gpu_ms) that returns steps per second.",
    # --- progress bars and memory (progress, metrics, toy, stabilise, interface.env) ---
    "progress_unit_step": "step",
    "progress_unit_batch": "batch",
    "progress_unit_run": "run",
    "progress_train": "training",
    "progress_losses": "D {d_loss:.3f} G {g_loss:.3f}",
    "progress_classifier": "classifier",
    "progress_preset": "preset {name}",
    "progress_recipe": "{recipe} (seed {seed})",
    "progress_recipes": "recipes",
    "env_low_memory": ("⚠ only {free_mb:.0f} MB of memory are free ({where}); below {need_mb:.0f} MB a lesson "
                       "that trains on MNIST may run out and its kernel die. Shut down the kernels of notebooks you "
                       "are done with (Kernel → Shut Down Kernel, or the Running Terminals and Kernels tab in "
                       "JupyterLab), then run this cell again."),
    "env_memory_machine": "on this machine",
    "env_memory_container": "within this session's memory limit",
    # --- languages and fonts (ganedu.messages, ganedu.interface.plot) ---
    "lang_unknown": "unknown language {value!r}: choose one of {choices} (ge.setup(lang=...) or $GANEDU_LANG)",
    "font_cjk_missing": (
        "No Chinese font was found, so Chinese labels in figures would show as empty boxes. Install one, then run "
        "the setup cell again (or restart the kernel): on Colab run !apt-get -qq install fonts-noto-cjk, on "
        "Debian/Ubuntu sudo apt-get install fonts-noto-cjk, on Fedora sudo dnf install google-noto-sans-cjk-fonts "
        "(Windows and macOS have one already)."
    ),
    # --- classroom app, presets, dashboard views (interface.app, lessons.classroom, interface.widgets) ---
    "dash_last_step": "step {step} trained with k = {k}, lr D = {lr_d:.1e}, lr G = {lr_g:.1e}, G loss {loss}",
    "rec_still": "{frames} frames of the animation, side by side (for viewers that do not play it)",
    "classroom_bad_preset": "unknown preset {value!r}: choose one of {choices}",
    "classroom_healthy": "healthy: k = 1, equal learning rates 2e-4, non-saturating loss",
    "classroom_strong_d": "too-strong D: k = 5, lr D 5 x lr G, saturating loss",
    "classroom_mode_collapse": "mode collapse: lr G 25 x lr D",
    "classroom_expect_healthy": (
        "Noise turns into strokes, then into digits over a few thousand steps; D(x) and D(G(z)) stay near 1/2 and "
        "the losses hover without settling."),
    "classroom_expect_strong_d": (
        "D pulls ahead: D(x) climbs towards 1 and D(G(z)) falls towards 0, and with the saturating loss G's "
        "gradient fades as D(G(z)) falls (notebook 02), so its samples improve slowly if at all."),
    "classroom_expect_mode_collapse": (
        "G jumps to whatever D currently likes: the samples turn into copies of one or two digits, and the "
        "quality meter's class coverage drops."),
    "app_preset": "Preset",
    "app_apply": "Apply",
    "app_restart": "Restart",
    "app_tip_apply": "Set the preset's k, learning rates and G loss now; training continues from the current weights",
    "app_tip_restart": "Back to the untrained networks, with the preset's settings",
    "app_loading": "Loading the MNIST digits and building the networks...",
    "app_ready": "Ready: {n:,} digits ({split} split), G {g:,} and D {d:,} parameters. Press Start.",
    "app_failed": "The app could not start: {error}",
    "app_error": "That did not work: {error}",
    "app_no_presets": "the app needs at least one preset (e.g. ge.classroom.PRESETS)",
    "app_meter_preparing": (
        "Preparing the quality meter in the background (the first time it trains a small MNIST classifier, about "
        "a minute on two CPU cores; training goes on meanwhile)..."),
    "app_meter_ready": "Quality meter ready: Fréchet distance and digit classes every {every} steps.",
    "app_meter_failed": "No quality meter: {error}",
    "app_applied": "Preset applied: {label}. {expect}",
    "app_restarted": "Restarted from untrained networks with the preset {label}. {expect}",
    # --- divergences and the Wasserstein distance (lessons.divergences, notebook 08 · divergences) ---
    "theory_no_mass": "a density has no mass on this grid: widen the grid or move the density onto it",
    "theory_empty_sample": "a sample is empty: W1 needs at least one point on each side",
    "wd_bad_direction": "unknown KL direction {value!r}; choose one of: {choices}",
    "wd_bad_method": "unknown way to keep the critic 1-Lipschitz {value!r}; choose one of: {choices}",
    "fig_wd_fit": "{label}: N({mean:.2f}, {std:.2f}²)",
    "fig_wd_kl_title": "one Gaussian fitted to two modes: forward KL covers, reverse KL picks",
    "fig_wd_critic_title": "{method}: estimate {estimate:.3f}, mean |∇f| {grad:.3f}",
    "fig_wd_critic_real": "p (data)",
    "fig_wd_critic_fake": "q (shifted)",
    "fig_wd_steps": "generator steps",
    "fig_wd_minus_loss": "−L_D as logged (with any penalty)",
    "fig_wd_gap": "E_data f − E_fake f (fixed samples)",
    "fig_wd_loss_axis": "D's numbers",
    "fig_wd_quality": "sliced W1 to the data (lower is better)",
    "claim_wd_forward_is_moment_matching": ("the forward-KL fit is moment matching: N({mean:.3f}, {std:.3f}²) "
                                            "by search, N({m:.3f}, {s:.3f}²) from the moments"),
    "claim_wd_forward_covers_reverse_picks": ("forward KL puts {fwd:.0%} of q's mass left of 0 (the data: "
                                              "{data:.0%}); reverse KL puts {rev:.2%} there, on one mode"),
    "claim_wd_minimax_is_jsd": "V(D*, G) = {v:.10f} = 2·JSD − log 4 = {j:.10f}",
    "claim_wd_theorem_2_5": ("at a fixed D*, the non-saturating gradient equals d/dθ [KL(p_g‖p_data) − "
                             "2 JSD] at every θ0 tried (largest gap {gap:.1e})"),
    "claim_wd_disjoint": ("beyond a gap (t ≥ 1) JSD stays at log 2 (largest deviation {dev:.1e}), KL is inf for "
                          "every t > 0, W1 = t to within the grid spacing 0.001 (largest deviation {w:.1e})"),
    "claim_wd_w1_checks": ("W1 on the grid matches the closed forms and the quantile integral (largest gap "
                           "{gap:.1e})"),
    "claim_wd_critics": ("clipping: {clip:.3f} (≪ W1 = {w1:.1f}); gradient penalty: {gp:.3f}, mean |∇f| {gp_grad:.2f} "
                         "(soft, overshoots); spectral norm: {sn:.3f} ≤ W1, max |∇f| {sn_max:.3f} ≤ 1"),
    "claim_wd_gp_1d_trap": ("in 1D the gradient-penalty critic stalls: estimate {est:.2f} of W1 = 2, although its "
                            "mean |f'| is {grad:.2f}"),
    "claim_wd_critic_tracks": ("the WGAN-GP critic's estimate follows the samples' sliced W1 (r = {gap_r:.2f}; "
                               "its logged loss r = {loss_r:.2f}); the GAN's −L_D does not (r = {gan_r:.2f})"),
    "claim_wd_critic_lags": ("late in the run the critic's gap falls to {low:.2f} while the samples' sliced W1 is "
                             "still {q:.2f}: the critic is not at its optimum there"),
    "claim_wd_gan_ahead": ("after {steps} steps the GAN's samples are closer to the ring (sliced W1 {gan:.3f}) than "
                           "WGAN-GP's ({wgan:.3f}): a readable loss is not a faster generator"),
    "claim_wd_ls_identity": ("2·C(G) matches Δ = ∫(p_data − p_g)²/(p_data + p_g): Mao's targets {mao:.10f} = "
                             "{delta:.10f}; the course's targets {course:.10f} = ½ + Δ/4 = {quarter:.10f}"),
    "claim_wd_best_responses": ("brute force over the course's loss functions finds D* = p_data/(p_data + p_g) "
                                "for least squares (gap {ls:.1e}) and sign(p_data − p_g) for hinge (gap {hinge:.1e})"),
    "claim_wd_hinge_tv": "hinge L_D at f* = {value:.10f} = 2 − 2·TV = {tv:.10f}",
    "claim_wd_ls_hinge_ring": ("after {steps} steps on the ring: GAN {gan} modes, LSGAN {ls} modes, hinge {hinge} "
                               "modes (sliced W1 {gan_q:.3f}, {ls_q:.3f}, {hinge_q:.3f})"),
    "ex_wd_w1_ok": "sorted and matched in order: (|0 − 1| + |1 − 2| + |5 − 3|)/3 = 4/3, although the means are equal.",
    "ex_wd_w1_hint": "sort both samples, pair the i-th smallest with the i-th smallest, average the distances.",
    "ex_wd_jsd_ok": "log 2 ≈ 0.693: the ceiling of JSD, whatever the gap; its gradient is zero there.",
    "ex_wd_jsd_hint": "where only one density has mass, m = p/2 there: each KL(· ‖ m) is log 2; average the two.",
    "ex_wd_hinge_ok": "1: the hinge D only needs the sign of p_data − p_g, unlike the BCE D* = 0.75.",
    "ex_wd_hinge_hint": "minimise 0.3·max(0, 1 − f) + 0.1·max(0, 1 + f) over f; try f = −1, 0, 1.",
    # --- write Algorithm 1 yourself (lessons/own_loop.py) ---
    "own_loop_missing": "{name} is None: run the cell that defines it, then this one.",
    "own_loop_not_yet": ("{name} still raises NotImplementedError: write its update in place of that line (the "
                         "comments above it say what goes in), then run the cell again."),
    "own_loop_raised": "{name} raised {kind}: {error}. Run it on its own to find the line.",
    "own_loop_not_a_number": "{name} should return its loss as a number (loss.item()); it returned a {kind}.",
    "own_loop_d_wrong_optimiser": ("d_step changed G and left D as it was: it stepped the wrong optimiser. In D's "
                                   "update only opt_d steps."),
    "own_loop_d_moves_g": ("d_step changed G's weights as well as D's: G must stand still while D learns, so only "
                           "opt_d steps in d_step."),
    "own_loop_d_unchanged": ("d_step left D's weights as they were: after loss.backward(), call opt_d.step(), on the "
                             "D and opt_d passed in (not on variables of the notebook)."),
    "own_loop_d_detach": ("G received a gradient in d_step: D's loss reached back into G's weights through the fake "
                          "samples. Cut G's output off its graph (detach it, or make it under torch.no_grad()): D's "
                          "update needs G's samples, not G's gradients."),
    "own_loop_d_sign": ("L_D has the wrong sign: the optimiser lowers the loss it is given, so this D would get "
                        "worse at telling real from fake. L_D = -mean log D(real) - mean log(1 - D(fake))."),
    "own_loop_d_swapped": ("the real and fake terms of L_D are swapped: this D learns to call real points fake. "
                           "Real samples should push D(x) up, fakes push D(G(z)) down."),
    "own_loop_d_g_loss": ("d_step lowers the generator's loss: D would learn to help G. D's own loss has a term "
                          "for the real batch and one for the fakes."),
    "own_loop_d_loss": ("d_step returned L_D = {got:.4f}, the trainer's L_D from the same state is {want:.4f}: "
                        "compare your loss with the formula in the comments."),
    "own_loop_d_zero_grad": ("d_step's loss is right but D's update is not: the gradients left from the previous "
                             "update were added to the new ones. Clear them (opt_d.zero_grad()) before "
                             "loss.backward()."),
    "own_loop_d_update": ("d_step's loss is right but D's update is not: clear D's old gradients before "
                          "loss.backward(), backpropagate the loss you return, and step opt_d once."),
    "own_loop_g_wrong_optimiser": ("g_step changed D and left G as it was: it stepped the wrong optimiser. In G's "
                                   "update only opt_g steps."),
    "own_loop_g_moves_d": ("g_step changed D's weights: D was stepped on the generator's loss, which teaches D to "
                           "be fooled. L_G's backward fills D's gradients too; only opt_g may step in g_step."),
    "own_loop_g_real": ("g_step's result depends on the real batch: G learns only through D's verdict on G(z), so "
                        "its loss needs the noise and not the real samples."),
    "own_loop_g_unchanged": ("g_step left G's weights as they were: after loss.backward(), call opt_g.step(), on "
                             "the G and opt_g passed in (not on variables of the notebook)."),
    "own_loop_g_minimax": ("g_step lowers log(1 - D(G(z))), the minimax loss: its gradient vanishes when D rejects "
                           "the fakes (notebook 02). The course and the trainer use the non-saturating loss, "
                           "-log D(G(z))."),
    "own_loop_g_sign": ("L_G has the wrong sign: the optimiser lowers the loss it is given, so this G would make "
                        "its samples easier to reject. L_G = -mean log D(G(z))."),
    "own_loop_g_loss": ("g_step returned L_G = {got:.4f}, the trainer's L_G from the same state is {want:.4f}: "
                        "compare your loss with the formula in the comments."),
    "own_loop_g_zero_grad": ("g_step's loss is right but G's update is not: the gradients left from the previous "
                             "update were added to the new ones. Clear them (opt_g.zero_grad()) before "
                             "loss.backward()."),
    "own_loop_g_update": ("g_step's loss is right but G's update is not: clear G's old gradients before "
                          "loss.backward(), backpropagate the loss you return, and step opt_g once."),
    "own_loop_drift": ("each update is right on its own, but over {steps} steps the losses part from the trainer's "
                       "at step {step}: does your code keep something between calls, or use a network or optimiser "
                       "of the notebook instead of the ones passed in?"),
    "own_loop_ok": ("d_step and g_step agree with ge.Trainer's eager path over {steps} steps (same networks, "
                    "optimisers, batches and noise): losses within {loss_gap:.1e}, weights within {weight_gap:.1e}."),
    "own_loop_table_header": "step   L_D yours  L_D trainer   L_G yours  L_G trainer",
    "own_loop_table_row": "{step:4d}  {d_yours:10.6f}  {d_trainer:11.6f}  {g_yours:10.6f}  {g_trainer:11.6f}",
    # --- DCGAN design rules (lessons/dcgan_rules.py, dcgan_rules_figures.py) ---
    "dcgan_layer_row": "{name:10s} {kind:16s} {detail:6s} -> {shape}",
    "fig_upsampler_k3": "transposed conv, kernel 3, stride 2\ninterior max - min = {spread:g}",
    "fig_upsampler_k4": "transposed conv, kernel 4, stride 2\ninterior max - min = {spread:g}",
    "fig_upsampler_resize": "nearest upsample x2, then 3x3 conv\ninterior max - min = {spread:g}",
    "claim_06_init_std": ("every conv, transposed-conv and linear weight of both nets has a spread close to 0.02 "
                          "(std {low:.4f} to {high:.4f}, {count} layers)"),
    "claim_06_batchnorm_placement": ("D's input block is {d_first} and G's output block is {g_last}: no BatchNorm "
                                     "in either, while the nets hold {count} BatchNorm layers elsewhere"),
    "claim_06_checkerboard": ("kernel 3 leaves the interior uneven (values {values}, max - min {k3:g}); kernel 4 "
                              "and resize-convolution leave it even (max - min {k4:g} and {resize:g})"),
    "claim_06_g_kernels_divisible": ("every transposed convolution of G has a kernel divisible by its stride "
                                     "({kernels})"),
    "claim_06_no_pooling": ("no pooling layer in either net: D's stride-2 convolutions halve the image, {shapes}"),
    # --- KID, class means, truncation (metrics, models, lessons.latent; notebooks 07 and 10) ---
    "model_bad_truncation": "the truncation threshold must be a number > 0 (or None for no truncation), got {value!r}",
    "fig_precision": "precision",
    "fig_recall": "recall",
    "fig_no_truncation": "none",
    "fig_truncation_threshold": "truncation threshold τ (|z_i| ≤ τ)",
    "claim_10_class_means": (
        "the mean z of a class, scaled to length 10, is read as that class for {hits} of the {classes} classes with "
        "confident samples"
    ),
    "claim_10_mean_arithmetic": (
        "the path from the mean 1 to the mean 7 changes its reading {changes} time(s), from 1 to 7; "
        "z − mean(1s) + mean(7s) is read as 7 for {became:.0%} of the {n} samples read as 1"
    ),
    "claim_10_truncation_diversity": (
        "from no truncation to τ = 0.25 the spread of the features falls at every step, and recall falls from "
        "{r_free:.3f} to {r_tight:.3f}"
    ),
    "claim_10_truncation_precision": (
        "precision {p_free:.3f} without truncation, {p_mid:.3f} at τ = 1 (within 0.1), while recall falls "
        "{r_free:.3f} -> {r_mid:.3f} (by more than a third); at τ = 0.25 precision is {p_tight:.3f} (checked where "
        "most untruncated samples are realistic, precision at least 0.5)"
    ),
    "claim_07_kid_formula": "ge.metrics.kid gives {kid:.6f}, the sums written out {loops:.6f}",
    "claim_07_kid_unbiased": (
        "from n = {n0} to {n1} the real-vs-real FD falls {ratio:.1f}-fold, while the real-vs-real KID stays within "
        "3 standard errors of 0 at every n (at most {worst:.1f}); the real-vs-generated KID moves by at most "
        "{spread:.0%} across n"
    ),
}

from .messages_zh import ZH  # noqa: E402  (the Chinese table: every key of EN, the same format fields)

TABLES: dict[str, dict[str, str]] = {"en": EN, "zh": ZH}
DEFAULT_LANG = "en"


def normalise(lang: str) -> str:
    """A language name as the tables are keyed: ``"zh_CN.UTF-8"``, ``"zh-Hans"``, ``"ZH"`` -> ``"zh"``."""
    return str(lang).strip().lower().replace("_", "-").split(".")[0].split("-")[0]


def language() -> str:
    """The learner's language: ``$GANEDU_LANG`` (which ``ge.setup(lang=...)`` sets), else English.

    Read at every call, so a kernel switches at once; a name with no table counts as English here (a message
    must never fail), and ``set_language`` is where an unknown name is reported.
    """
    lang = normalise(os.environ.get("GANEDU_LANG", "")) or DEFAULT_LANG
    return lang if lang in TABLES else DEFAULT_LANG


def set_language(lang: str) -> str:
    """Select ``lang`` (a key of ``TABLES``, e.g. ``"zh"``) for every later message; returns its normalised name.

    Stored in ``$GANEDU_LANG``, so threads (a dashboard's trainer) and child processes see it too. Raises
    ValueError, naming the languages there are, for a language with no table.
    """
    code = normalise(lang)
    if code not in TABLES:
        raise ValueError(msg("lang_unknown", value=lang, choices=", ".join(sorted(TABLES))))
    os.environ["GANEDU_LANG"] = code
    return code


def msg(key: str, /, **fields) -> str:
    """The sentence ``key`` in the learner's language (:func:`language`), filled in; English where the table
    lacks the key (a key added to EN shows in English until it is translated)."""
    text = TABLES[language()].get(key, EN[key])
    return text.format(**fields)
