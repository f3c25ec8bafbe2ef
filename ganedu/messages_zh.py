"""The Chinese message table (简体中文): every key of ``messages.EN``, with the same format fields.

Terms follow docs/glossary.zh.md (判别器, 生成器, 潜在空间, 模式崩溃, 谱归一化, ...); code, math and names of
functions, variables and files stay as they are in English. ``tests/test_messages.py`` checks that this table
has exactly English's keys and format fields (a key added to EN and missing here is listed by name, and shows in
English until it is translated), and that it uses the glossary's terms and none of the variants it rejects.
"""

from __future__ import annotations

__internal__ = True  # a part of ganedu.messages (its Chinese table), not an entry point

ZH: dict[str, str] = {
    # --- config / setup banner ---
    "banner": "ganedu {version} | torch {torch} | 设备: {device}{extra}",
    "banner_quick": " | 快速模式 (GANEDU_QUICK)：规模极小",
    # --- environment report (ganedu.env) ---
    "env_gpu_none": "无（PyTorch 没有检测到 GPU）",
    "env_missing": "未安装",
    "env_yes": "是",
    "env_no": "否",
    "env_mnist_absent": "没有（获取方法见下文）",
    "env_place_colab": "Google Colab",
    "env_place_binder": "Binder",
    "env_place_local": "你自己的电脑或服务器",
    "env_label_cores": "CPU 核数",
    "env_label_gpu": "GPU",
    "env_label_device": "ganedu 的训练设备",
    "env_label_platform": "运行环境",
    "env_label_mnist_dir": "MNIST 文件夹",
    "env_label_mnist_train": "其中有 MNIST 训练集",
    "env_label_mnist_test": "其中有 MNIST 测试集",
    "env_label_estimate": "MNIST 一课（05）预计用时",
    "env_header": "项目|本机",
    "env_selfcheck_math": "在所选设备上做张量运算：2 + 2 = {value:g}",
    "env_selfcheck_seed": "相同的种子，得到相同的随机数：{same}",
    "env_selfcheck_ok": "你的环境已经准备好了。",
    "env_selfcheck_bad": "有地方不对（见上文）：请对照 README 的“Troubleshooting（故障排除）”一节。",
    # --- data ---
    "data_missing": (
        "找不到 MNIST 的 {split} 数据集，也无法下载（{reason}）。\n"
        "查找过的文件：{files}\n"
        "解决办法：连上网络后重新运行（只需下载一次，约 11 MB）；或者把 torchvision 的 MNIST 文件复制到 {raw}"
        "（也可以让 $GANEDU_DATA 或 data_root= 指向一个含有 MNIST/raw/ 的文件夹）。"
    ),
    "data_corrupt": "{path} 已损坏或不是 MNIST 文件（{reason}）。删除它后重新运行，会重新下载一份。",
    "data_bad_split": "split 只能是 'train' 或 'test'，得到的是 {split!r}",
    "data_downloading": "{raw} 中没有 MNIST 的 {split} 数据集：正在用 torchvision 下载（只下载一次，约 11 MB）……",
    "data_no_torchvision": "没有安装 torchvision（pip install torchvision）",
    "data_download_off": "download=False",
    # --- checkpoints ---
    "ckpt_missing": "{path} 处没有检查点：请检查路径，或者先训练一次（python -m ganedu train --out DIR）",
    "ckpt_corrupt": (
        "{path} 不是可读取的 ganedu 检查点（{reason}）。它可能不完整，或者来自别的程序；请重新训练，或换一个文件。"
    ),
    "ckpt_foreign": "{path} 是 PyTorch 文件，但不是 ganedu 检查点（缺少 '{entry}' 项）",
    # --- trainer knobs ---
    "bad_k": "k（每个生成器步里判别器的更新次数）必须是 >= 1 的整数，得到的是 {value!r}",
    "bad_lr": "{name} 必须是有限的正数，例如 2e-4，得到的是 {value!r}",
    "bad_loss": "未知的生成器损失 {value!r}：请从 {choices} 中选择",
    "bad_model": "未知的模型 {value!r}：请从 {choices} 中选择",
    "bad_seconds": "max_seconds 必须是正的秒数，得到的是 {value!r}",
    "bad_steps": "{name} 必须是正整数，得到的是 {value!r}",
    "nonfinite": (
        "训练在第 {step} 步暂停：{which} 损失变成了 {value}。权重已恢复到第 {restored} 步。"
        "请调小学习率（lr_d / lr_g）或改用非饱和损失，然后继续。"
    ),
    # --- widgets / dashboard (ganedu.widgets) ---
    "dash_k": "k（D 步数）",
    "dash_lr_d": "D 学习率",
    "dash_lr_g": "G 学习率",
    "dash_loss": "G 损失",
    "dash_loss_nonsaturating": "非饱和：-log D(G(z))",
    "dash_loss_minimax": "饱和：log(1 - D(G(z)))",
    "dash_start": "开始",
    "dash_pause": "暂停",
    "dash_step": "单步",
    "dash_reset": "重置",
    "dash_save": "保存",
    "dash_tip_start": "一直训练，直到你按下“暂停”",
    "dash_tip_pause": "当前这一步结束后停止",
    "dash_tip_step": "走一步：先更新判别器 k 次，再更新生成器一次",
    "dash_tip_reset": "回到未训练的网络（训练器最初的权重）；清空历史，保留设置",
    "dash_tip_save": "保存一个检查点，以后可以加载它继续训练",
    "dash_best": "最佳",
    "dash_tip_best": "放回质量计测到的最好的生成器（FD 最低）",
    "dash_best_done": (
        "已放回第 {step} 步的生成器（FD {fd:.2f}，测到的最低值）；“保存”会写下它，训练从第 {now} 步继续。"
    ),
    "dash_best_none": "还没有测量过生成器：质量计每 {every} 步测量一次。",
    "dash_best_no_meter": "“最佳”需要质量计：把 callbacks=[ge.metrics.QualityMeter()] 传给仪表盘。",
    "dash_samples": "生成器的样本（每一帧用同一批噪声 z）",
    "dash_curves": "损失与 D 的平均输出",
    "dash_quality": "样本质量",
    "dash_status": "第 {step} 步 | {rate:.0f} 步/秒 | {device} | 驱动：{driver} | {state}",
    "dash_running": "训练中",
    "dash_paused": "已暂停",
    "dash_play_hint": "按播放器的播放键开始训练，按暂停键暂停。",
    "dash_error": "训练因错误而停止：{error}。完整的回溯信息在仪表盘下方。",
    "dash_bad_knob": "这个设置没有生效：{error}",
    "dash_saved": "已把第 {step} 步保存到 {path}。",
    "dash_reset_done": "已重置：回到第 {step} 步。",
    "dash_quick": "快速模式：同步训练了 {steps} 步。",
    "dash_old_run": "上一次运行没有在 {seconds:.0f} 秒内停下；它会在当前这一步结束后停止。",
    "dash_bad_driver": "未知的驱动 {driver!r}：请选择 'auto'、'thread'、'async' 或 'play'",
    "dash_no_loop": (
        "driver='async' 需要一个正在运行的 asyncio 事件循环，Jupyter 内核里有；在 Jupyter 之外请用 driver='thread'"
    ),
    "dash_bad_panel": "panels 必须是 trainer -> PNG 字节的可调用对象（或以标题为键的字典），得到的是 {value!r}",
    "dash_bad_number": "{name} 必须是正数，得到的是 {value!r}",
    "rec_empty": "记录器还没有任何帧：把它放进 train() 或 Dashboard 的 callbacks=[...]，然后开始训练。",
    "rec_step": "第 {step} 步",
    # 05 exercises (ganedu.exercises, 05-06 section)
    "ex_d_updates_ok": "每个生成器步之前都要先做 k 次判别器更新：300 x 1 + 200 x 5 = 1300。",
    "ex_d_updates_hint": (
        "数的是判别器的更新次数，而不是生成器的步数：每个生成器步之前先做 k 次判别器更新，所以要把所有步的 k 加起来"
        "（你自己的运行：sum(trainer.history['k'])）。"
    ),
    "ex_d_wins_ok": (
        "较小的判别器学习率让 D 学得慢一些，G 得到的梯度就仍然有信息量；增大 k 或 lr_d 只会让 D 更强。"
    ),
    "ex_d_wins_hint": (
        "这些曲线说明 D 占了上风。哪个选项能让 D 学得慢一些？增大 k 或 lr_d 都在帮 D；而当 D(G(z)) 接近 0 时，"
        "饱和损失给 G 的梯度更小。"
    ),
    # --- metrics (ganedu.metrics) ---
    "metrics_clf_stale": "缓存的分类器 {path} 不能使用（{reason}）；将重新训练一个。",
    "metrics_uint8": "{name} 是 uint8 像素（0-255）：评估指标需要 [-1, 1] 内的浮点数。请用 x.float() / 127.5 - 1 转换",
    "metrics_bad_shape": (
        "{name} 必须是 MNIST 大小的图像，形状为 (N, 1, 28, 28)（或 (N, 28, 28)、(N, 784)），得到的形状是 {shape}"
    ),
    "metrics_bad_range": (
        "{name} 的取值范围是 {lo:.3g} 到 {hi:.3g}，但评估指标需要 [-1, 1]（tanh 生成器和 ge.mnist() 给出的范围）。"
        "请缩放：[0, 1] 的图像用 2 * x - 1，[0, 255] 的图像用 x / 127.5 - 1"
    ),
    "metrics_nonfinite": "{name} 含有 NaN 或无穷大：生成器很可能已经发散；请使用更早的状态",
    "metrics_too_few": "{what} 至少需要 {need} 个样本，得到的是 {got} 个",
    "metrics_label_count": "有 {n_images} 张图像，却有 {n_labels} 个标签：请为每张图像提供一个标签",
    "metrics_bad_labels": "标签必须是 0-9 的整数（图中的数字）",
    "metrics_bad_feats": "{name} 必须是二维数组（N 个样本，d 个特征），得到的形状是 {shape}",
    "metrics_dim_mismatch": "两组特征的宽度不同：{a} 和 {b}；请对两者使用同一个分类器",
    "metrics_bad_probs": "需要形状为 (N, classes) 的类别概率，例如 ge.metrics.probs(clf, x)，得到的是 {shape}",
    "metrics_not_probs": "每一行都必须是概率（>= 0，和为 1）：请先对 logits 做 softmax",
    "metrics_bad_k": "k（决定每个球半径的第 k 近邻）对 N = {n} 必须在 1 到 N - 1 之间，得到的是 {k}",
    "metrics_clf_version": (
        "{path} 中分类器的格式版本是 {found}，而这个 ganedu 需要版本 {want}：删除该文件后会重新训练（约一分钟）"
    ),
    "metrics_clf_fallback": (
        "没有 MNIST 的 {split} 数据集，因此评估用的分类器从测试集的一半（{n} 个数字）上学习，"
        "评估指标则与另一半比较（ge.metrics.held_out()）。"
    ),
    "metrics_clf_training": (
        "正在用 {n} 个 {split} 数字训练评估样本质量用的 MNIST 分类器（只训练一次；在两个 CPU 核上约一分钟；"
        "缓存在 {path}）……"
    ),
    "metrics_clf_ready": "分类器在 {seconds} 秒后就绪（在从未见过的数字上的准确率：{accuracy}）。",
    "metrics_no_best": (
        "还没有保存最好的生成器：质量计每 {every} 步测量一次并保留最好的那个；请先至少训练这么多步"
    ),
    "metrics_no_generator": "训练器没有生成器属性 .G：请传入一个 ganedu.train.Trainer",
    "metrics_meter_waiting": "质量：第一次测量在 {every} 步之后",
    "ex_fd_ok": "均值之差给出 25，协方差项比较的是标准差：(1-2)² + (2-1)² = 2。",
    "ex_fd_hint": (
        "把 ||μa - μb||² 加上 Tr(Σa + Σb - 2(Σa Σb)^½)；协方差是对角矩阵时，第二部分是 Σ(√a_i - √b_i)²，"
        "比较的是标准差，而不是方差。"
    ),
    "ex_conf_ok": "五个等可能、且都被自信地识别的类别，得分恰好是 5：这个分数数的是有效类别数。",
    "ex_conf_hint": (
        "每个预测都是 one-hot 的，所以当 p(y) 在抽到的五个类别上均匀分布时，每个 KL(p(y|x) || p(y)) 都等于 "
        "-log p(y) = log 5；得分是平均 KL 的 exp。"
    ),
    "metrics_meter_line": (
        "第 {step} 步的质量：Fréchet 距离 {fd:.1f}（真实数字：{floor:.1f}），覆盖 {coverage}/10 个数字类别；"
        "迄今最好的是第 {best_step} 步的 {best:.1f}"
    ),
    # --- theory and toy notebooks (ganedu.theory, ganedu.toy, ganedu.dirac) ---
    "theory_bad_std": "标准差必须是正数，例如 0.5，得到的是 {value!r}",
    "theory_bad_mixture": (
        "混合分布的每个均值都需要一个标准差（若给出权重，也各需一个）：得到 {means} 个均值、{stds} 个标准差"
    ),
    "theory_negative_density": "密度值必须 >= 0：请传入 p_data(x) 和 p_g(x)，而不是对数密度",
    "theory_shape": "{what} 的形状是 {got}，但网格 x 的形状是 {want}：请在同一个网格上计算它",
    "theory_bad_grid": "x 必须是至少有 2 个点、严格递增的一维网格，例如 ge.theory.grid()",
    "theory_bad_objective": "未知的目标函数 {value!r}：请从 {choices} 中选择",
    "dirac_bad_gamma": "gamma（R1 惩罚的权重）必须是 >= 0 的有限数，例如 0.5，得到的是 {value!r}",
    "dirac_bad_mode": "未知的更新方式 {value!r}：请从 {choices} 中选择",
    "ex_d_star_ok": "D* = 0.3 / (0.3 + 0.1) = 0.75：落在这里的真实质量是生成质量的三倍。",
    "ex_d_star_hint": "D* 是 p_data / (p_data + p_g)：x 处的密度中来自真实数据的那一份。",
    "ex_value_opt_ok": "处处 D* = 1/2 时，V = log(1/2) + log(1/2) = -log 4，约为 -1.386。",
    "ex_value_opt_hint": "当 p_g = p_data 时，处处 D* = 1/2；把它代入 V 的两个 log 项。",
    "ex_d_loss_opt_ok": "L_D = -V = log 4，约为 1.386：在最优点 D 分不清真假，所以它的损失一直很高。",
    "ex_d_loss_opt_hint": "L_D = -V(D, G)。在最优点，D 对每个输入都输出 1/2：-log(1/2) - log(1 - 1/2) 等于多少？",
    "ex_sat_grad_ok": "-sigmoid(l) = -0.01：判别器很自信时，饱和损失几乎不给生成器梯度。",
    "ex_sat_grad_hint": "d/dl log(1 - sigmoid(l)) = -sigmoid(l)，而 sigmoid(l) 就是 D(G(z))。",
    "ex_grad_ratio_ok": "0.99 / 0.01 = 99：恰恰在 G 最差的地方，非饱和损失的推力是饱和损失的 99 倍。",
    "ex_grad_ratio_hint": "两个关于 logit 的梯度分别是 -D(G(z)) 和 D(G(z)) - 1；在 D(G(z)) = 0.01 处比较它们的大小。",
    "ex_collapse_ok": "只有 1 个模式，却有 100 % 的高质量样本：仅看好样本的比例发现不了模式崩溃；要数模式。",
    "ex_collapse_hint": "每个样本都落在某个模式的中心（质量高），但它们一共命中了几个不同的模式？",
    "ex_heatmap_ok": "在 p_g = p_data 处，D* = p_data / (p_data + p_g) = 1/2：热力图是均匀的，G 得不到梯度。",
    "ex_heatmap_hint": "把 p_g = p_data 代入 D* = p_data / (p_data + p_g)。",
    "ex_dirac_eig_ok": "+- i/2：纯虚数，所以线性化后的动力学绕着均衡点旋转。",
    "ex_dirac_eig_hint": (
        "雅可比矩阵是 [[0, f'(0)], [-f'(0), 0]]，其中 f'(0) = 1/2；它的特征值满足 lambda^2 + f'(0)^2 = 0。"
        "请用一对复数作答，例如 (2j, -2j)。"
    ),
    "ex_gamma_ok": "gamma = 2 f'(0) = 1：平方根为零，两个特征值都等于 -1/2。",
    "ex_gamma_hint": "特征值是 -gamma/2 +- sqrt(gamma^2/4 - f'(0)^2)，其中 f'(0) = 1/2：什么时候根号里为 0？",
    "toy_bad_points": "points 必须是 (x, y) 点对的列表，例如 [(0, 0), (1.5, 2)]，至少一个点；得到的是 {value!r}",
    "toy_bad_dataset": "未知的二维数据集 {value!r}：请从 {choices} 中选择",
    "toy_bad_samples": "样本的形状必须是 (N, 2)，N >= 1（二维点），得到的是 {shape}",
    "toy_bad_preset": "未知的预设 {value!r}：请从 {choices} 中选择",
    "toy_no_dataset": "这个训练器不是由 ge.toy.make_trainer 创建的，所以不知道它的模式：请用它来创建",
    "toy_coverage": "命中模式 {hit}/{modes} · 高质量样本 {hq:.0f}%",
    "toy_bad_optimizer": "g_optimizer 只能是 'sgd' 或 'adam'，得到的是 {value!r}",
    "toy_step_d": "D 走一步",
    "toy_step_g": "G 走一步",
    "toy_expect_healthy": "8 个模式全部覆盖，大多数样本落在某个模式上；D 的热力图逐渐褪向 1/2",
    "toy_expect_collapse": "生成样本聚成紧紧的一团，在模式之间跳来跳去：同一时刻最多覆盖一个模式",
    "toy_expect_strong_d": (
        "D 几乎确定地拒绝每个生成样本，D(G(z)) < 1e-5：饱和损失不给 G 梯度，生成样本冻结在中心。"
        "把损失换成非饱和损失，它们就能动起来。"
    ),
    "toy_expect_strong_d_ns": "G 立刻摆脱了强大的 D，但只落到一两个模式上",
    # --- stabilisation, conditional GANs, 07-10 (ganedu.stabilize, ganedu.losses/models additions) ---
    "ema_bad_decay": "EMA 的衰减率必须是 [0, 1) 中的数，例如 0.999，得到的是 {value!r}",
    "ema_bad_warmup": "EMA 的预热必须是 None 或大于 1 的数，例如 10，得到的是 {value!r}",
    "ema_mismatch": "这个 EMA 是从另一个生成器（参数不同）创建的：请用 EMA(trainer.G) 创建",
    "stab_bad_recipe": "未知的方案 {value!r}：请从 {choices} 中选择",
    "stab_bad_problem": "未知的问题 {value!r}：请从 {choices} 中选择",
    "stab_bad_penalty": "未知的惩罚项 {value!r}：请选择 'gp'（WGAN-GP）、'r1' 或 None",
    "stab_bad_d_loss": "未知的判别器损失 {value!r}：请从 {choices} 中选择",
    "ex_copy_ok": "只有最近邻检查能发现复制品：其他所有指标都会给一个死记硬背的生成器打满分。",
    "ex_copy_hint": (
        "训练数字的复制品就是真实的数字：FD、覆盖率、置信度、精确率和召回率看起来都完美无缺。"
        "哪一项检查是拿样本和训练集本身作比较的？"
    ),
    "ex_one_class_pr_ok": "干净的 1 很逼真（精确率高），但只覆盖了数据的十分之一（召回率低）。",
    "ex_one_class_pr_hint": (
        "精确率问的是每个样本是否都靠近真实数字；召回率问的是每一种真实数字附近是否都有样本。"
        "请用一对答案作答，例如 ('high', 'low')。"
    ),
    "ex_gp_ok": "线性评论器的梯度处处是 w，所以 λ(||w|| - 1)² = 10 · 2² = 40。",
    "ex_gp_hint": "对 f(x) = w·x + b，任何 x̂ 处的梯度都是 w：把 ||w|| = 3 代入 λ(||∇f|| - 1)²。",
    "ex_r1_ok": "γ/2 · ||w||² = 5 · 9 = 45：R1 惩罚的是数据处的任何斜率，而不是斜率与 1 的距离。",
    "ex_r1_hint": "R1 是真实 x 上的 γ/2 · E||∇f(x)||²，而线性评论器的梯度是 w。",
    "ex_ema_ok": "第一次更新后是 1.0，第二次后是 0.9 · 1 + 0.1 · 10 = 1.9：平均值滞后于参数本身。",
    "ex_ema_hint": "从 θ̄ = 0、θ = 10 开始，把 θ̄ ← 0.9 θ̄ + 0.1 θ 做两次。",
    "ex_lerp_ok": "√½ ≈ 0.707：直线穿过球面的内部，而训练时 z 很少落在那里。",
    "ex_lerp_hint": "(a + b)/2 的范数平方是 (|a|² + 2a·b + |b|²)/4，而正交向量的 a·b = 0。",
    "stab_no_results": (
        "{path} 处没有记录好的比较结果，也无法下载：请从课程仓库的克隆中打开这个笔记本，"
        "或者用 python benchmarks/stabilise.py 自己记录一份（在 2 个 CPU 核上约 15 分钟）"
    ),
    # --- exercises (ganedu.lessons.exercises) ---
    "check_ok": "正确！{detail}",
    "check_wrong": "还不对：{detail}",
    # --- metrics: classifier cache, config switches ---
    "config_bad_flag": (
        "{name}={value!r} 无法识别，按关闭处理：要打开它，请用 {on} 之一；要关闭，请用 {off} 之一（或不设置）"
    ),
    "metrics_cache_unwritable": (
        "警告：无法写入分类器缓存 {path}（{reason}）；本次使用分类器但不缓存，下次会话会重新训练。"
        "请把 GANEDU_CACHE 设为一个你有写权限的文件夹。"
    ),
    # --- dashboard and environment (ganedu.widgets, ganedu.env) ---
    "dash_loss_wasserstein": "Wasserstein：-f(G(z))（用于评论器）",
    "dash_loss_least_squares": "最小二乘：(f(G(z)) - 1)² / 2",
    "dash_loss_other": "{name}",
    "dash_k_range": "k = {value} 超出了仪表盘接受的范围：请选择 1 到 {k_max} 之间的 k（通常取 1 到 5）",
    "dash_old_run_busy": "之前的一次运行还在一个很长的步骤里：这一步结束后它就会停止，不会再训练。",
    "dash_panel": "面板 {number}",
    "env_seconds": "{seconds:.0f} 秒",
    "env_minutes": "{minutes:.0f} 分钟",
    "env_device_gpu": "{kind} ({gpu})",
    "env_device_cpu": "{kind} ({cores} 核)",
    "env_gpu_cuda": "{name} ({gib:.0f} GiB)",
    "env_gpu_mps": "Apple GPU (MPS)",
    # --- visible checks of the notebooks' claims (ganedu.lessons.check); claim_NN_* keys follow per notebook ---
    "claim_holds": "✓ {claim}",
    "claim_failed": (
        "✗ 本笔记本的正文说：{claim}——但它自己算出的数字并不支持这一点。如果你改过某个设置，这是正常的；"
        "否则请报告这个问题（课程的 CI 会运行每一个这样的检查）。"
    ),
    # --- figures ---
    "fig_bad_images": (
        "需要形状为 (N, 1, H, W) 或 (N, H, W) 的图像，得到的是 {shape}：请传入一批灰度图像，例如 trainer.samples()"
    ),
    "fig_no_frames": "gif_bytes 至少需要一帧：请先记录一段训练",
    "fig_unknown": "ge.plot 中没有图 {name!r}：可用的图见 dir(ge.plot) 和 ge.plot.LESSON_FIGURES",
    "fig_step": "生成器步数",
    "fig_loss": "损失",
    "fig_d_loss": "D 损失",
    "fig_g_loss": "G 损失",
    "fig_d_real": "D(x)，真实",
    "fig_d_fake": "D(G(z))，生成",
    "fig_half": "1/2",
    "fig_mean_d": "D 的平均值",
    "fig_fd": "Fréchet 距离",
    "fig_fd_short": "FD",
    "fig_classes_covered": "覆盖的类别数",
    "fig_p_data": "p_data",
    "fig_p_g": "p_g",
    "fig_density": "密度",
    "fig_d_star": "D* = p_data / (p_data + p_g)",
    "fig_d_of_x": "D(x)",
    "fig_x": "x",
    "fig_minimax_title": "V(D*, G) = {v:.4f}   JSD = {jsd:.4f} nats   -log 4 + 2 JSD = {bound:.4f}",
    "fig_mean_of_p_g": "p_g 的均值",
    "fig_logit": "生成样本的 logit l（D = sigmoid(l)）",
    "fig_grad_logit": "d L_G / d l",
    "fig_d_fake_axis": "D(G(z))",
    "fig_abs_grad_logit": "|d L_G / d l|",
    "fig_race_g_mean": "生成样本的均值",
    "fig_race_d_fake": "D(G(z)) 的均值",
    "fig_race_grad": "|dL_G / db|",
    "fig_field_title": "第 {step} 步 · {loss} · k={k}",
    "fig_named_panel": "{name}\n{text}",
    "fig_theta": "theta（生成器）",
    "fig_psi": "psi（判别器）",
    "fig_distance": "到均衡点的距离",
    "fig_dirac_title": "Dirac-GAN，{loss} 损失（箭头：R1 权重 gamma = {gamma} 时的向量场）",
    "fig_gamma": "gamma",
    "fig_real_part": "实部",
    "fig_imaginary_part": "虚部",
    "fig_eigen_title": "(0, 0) 处雅可比矩阵的特征值",
    "fig_gamma_r1": "gamma（R1 权重）",
    "fig_spectral_radius": "单步的谱半径",
    "fig_one_step_title": "一个训练步，lr = {lr}",
    "fig_speed_up": "x{factor:.0f}",
    "fig_model_batch": "{model} B={batch}",
    "fig_steps_per_second": "步 / 秒",
    "fig_not_available": "无",
    "fig_reference": "参考",
    "fig_digit": "数字",
    "fig_share_of_samples": "样本占比",
    "fig_knn_precision": "精确率：落在真实流形内的生成样本：{share:.0%}",
    "fig_knn_recall": "召回率：落在生成流形内的真实样本：{share:.0%}",
    "fig_digit_read": "分类器读出的数字",
    "fig_digit_asked": "要求生成的数字",
    "fig_share": "占比",
    "fig_percent": "{value:.0f}",
    # --- command line and checkpoints (ganedu.cli, ganedu.checkpoints) ---
    "out_empty": "--out 为空：请给出写入本次运行的文件夹，例如 --out runs/mlp",
    "out_root": "--out {path} 是文件系统的根目录：请给出其中的一个文件夹，例如 --out runs/mlp",
    "out_is_file": "{path} 是文件而不是文件夹：请给 --out 一个新文件夹，或者之前某次运行的文件夹",
    "out_not_run": (
        "{path} 里有不属于 ganedu 运行的文件（{extra}）：一次运行会替换整个文件夹，所以请给 --out "
        "一个新文件夹，或者之前某次运行的文件夹"
    ),
    "out_not_writable": "无法写入 {path}（{reason}）：请给 --out 一个你有写权限的文件夹",
    "ckpt_old_torch": (
        "torch {version} 在加载文件时可能被诱导执行代码（CVE-2025-32434），所以 ganedu 不用它加载检查点："
        "请升级到 torch >= {minimum}（pip install -U torch torchvision）"
    ),
    "ckpt_code": (
        "{path} 不是 ganedu 检查点，或者其中含有代码；ganedu 只加载纯数据。请重新训练，或选一个由 ganedu 写出的检查点。"
    ),
    "ckpt_damaged": (
        "{path} 是 ganedu 检查点，但其内容彼此对不上（{reason}）：它被改动过或已损坏；请重新训练，或换一个文件"
    ),
    "ckpt_not_dict": "'{entry}' 不是字典",
    "ckpt_no_entry": "缺少 {entry} 项",
    "ckpt_unknown_override": "恢复训练时不认识的设置 {names}：请从 {choices} 中选择",
    "ckpt_fixed": (
        "{path} 是用 {name}={saved} 训练的，恢复的运行会沿用它：请去掉 {name}={value}，或者不恢复、重新训练一次"
    ),
    "cli_range": "必须是 {low} 到 {high} 之间的整数，得到的是 {value}",
    "cli_not_int": "需要一个整数，得到的是 {value!r}",
    "cli_not_number": "需要一个数，例如 2e-4，得到的是 {value!r}",
    "cli_not_positive": "必须是正数，得到的是 {value}",
    "cli_minutes": "必须是 0（关闭）到 {high} 之间的分钟数，得到的是 {value}",
    "cli_description": "训练、采样和评估 MNIST GAN。",
    "cli_help_train": "在 MNIST 上训练一个 GAN，写出 generator.pt、samples.png、history.json",
    "cli_help_model": "网络对（默认：mlp；恢复的运行沿用自己的）",
    "cli_help_steps": "生成器步数，最多 {high}（默认 2000，除非给了 --max-seconds）",
    "cli_help_max_seconds": "训练这么多秒后停止",
    "cli_help_batch_size": "小批量大小，{low} 到 {high}（默认 {default}；批归一化至少需要 2；恢复的运行沿用自己的）",
    "cli_help_k": "每个生成器步里判别器的步数，1 到 {high}（默认 {default}）",
    "cli_help_ema": (
        "生成器权重平均值的衰减率：样本和保存的生成器都来自这个平均（默认 {default:g}，大约记住最近 1/(1 - 衰减率) 步；"
        "0：直接用训练中的生成器；恢复的运行沿用自己的）"
    ),
    "cli_bad_decay": "需要一个 [0, 1) 中的衰减率，例如 {default:g}（0 表示不取平均），得到的是 {value!r}",
    "cli_help_lr": "{who} 的学习率（默认 {default:g}；恢复的运行沿用自己的）",
    "cli_help_loss": (
        "生成器损失，各自配有相应的判别器损失：nonsaturating 和 minimax 训练 BCE 判别器，least_squares 训练 "
        "LSGAN 判别器，wasserstein 训练 WGAN-GP 评论器（梯度惩罚权重 {gp:g}）（默认 {default}）"
    ),
    "cli_help_device": "在哪里计算（默认 auto：先 CUDA，再 MPS，最后 CPU）",
    "cli_help_data_root": "存放 MNIST/raw 的文件夹（默认：$GANEDU_DATA 或缓存目录）",
    "cli_help_split_train": "用来训练的 MNIST 数据集划分",
    "cli_help_seed": "随机种子，0 到 {high}（默认 0；恢复的运行沿用自己的）",
    "cli_help_out": "输出文件夹；本次运行会整体替换它，被替换的文件夹保留为 <out>.previous",
    "cli_help_resume": "继续这个检查点里保存的运行（--k、--lr-d、--lr-g、--loss 可以改变它）",
    "cli_help_checkpoint_every": "训练时每隔这么多分钟保存一次（默认 {default:g}；0：关闭）",
    "cli_help_quiet": "不显示进度条",
    "cli_help_sample": "把 N 个生成的数字以 float32 (N, 1, 28, 28)、取值 [-1, 1] 写入一个 .npy 文件",
    "cli_help_checkpoint": "用来采样的检查点（某次运行的 generator.pt）",
    "cli_help_n": "数字个数，1 到 {high}",
    "cli_help_npy_out": "输出的 .npy 文件（缺少 .npy 后缀时自动加上）",
    "cli_help_evaluate": "在 stdout 上输出质量指标，只输出一个 JSON 对象",
    "cli_help_samples": "生成数字的 .npy 文件：浮点数 (N, 1, 28, 28)，取值 [-1, 1]",
    "cli_help_eval_n": "从 --checkpoint 抽取的样本数，1 到 {high}（默认：与真实数字一样多，最多 5000）",
    "cli_help_split_eval": "用来比较的真实数字（默认 held-out：评估分类器从未学过的数字）",
    "cli_resume_model": (
        "{path} 保存的是 {saved} 模型的一次运行，恢复的运行沿用它的网络：请去掉 --model {value}，或者不用 --resume、"
        "重新训练一次"
    ),
    "cli_resume_conditional": (
        "{path} 保存的是条件 {saved} 模型的一次运行，命令行无法训练它：请在笔记本 10 中用 "
        "ganedu.checkpoints.resume(path, images, labels=labels) 继续"
    ),
    "cli_interrupted": (
        "在第 {step} 步被 {signal} 停止；本次运行已保存在 {out}。继续训练：python -m ganedu train "
        "--resume {checkpoint} --out {out}"
    ),
    "cli_interrupted_early": "训练开始前就被 Ctrl-C 停止：没有需要保存的内容",
    "cli_npy_empty": "--out 为空：请给出要写入的 .npy 文件，例如 --out samples.npy",
    "cli_npy_is_folder": "--out {path} 是文件夹：请给出其中的一个文件名，例如 --out {example}",
    "cli_samples_missing": "{path} 处没有文件：请检查 --samples 的路径",
    "cli_samples_npz": (
        "{path} 是 .npz 压缩包，而不是单个数组：请用 numpy.save('digits.npy', array) 保存这些数字，再传入那个文件"
    ),
    "cli_samples_unreadable": (
        "{path} 不是 NumPy 数组文件（{reason}）：请用 numpy.save('digits.npy', array) 写出这些数字"
    ),
    "cli_samples_not_npy": "不是 .npy 格式",
    "cli_samples_dtype": (
        "{path} 中是 {dtype} 类型的值：--samples 需要 [-1, 1] 内的浮点数（float16、float32 或 float64）；"
        "0..255 的图像可以用 array.astype('float32') / 127.5 - 1 转换"
    ),
    "cli_samples_shape": (
        "--samples 必须是形状为 (N, 1, 28, 28) 的数组，得到的是 {shape}：请改变形状，例如 array.reshape(-1, 1, 28, 28)"
    ),
    # --- lessons (losses, models, theory, dirac, toy, stabilise, speed, exercises) ---
    "loss_shape_mismatch": (
        "真实批次和生成批次的形状必须相同，得到的是 {real} 和 {fake}：请抽取与真实样本一样多的生成样本"
    ),
    "toy_coverage_per_mode": "{coverage}（每个模式的高质量样本数：{per_mode}）",
    "stab_col_recipe": "方案",
    "stab_col_seconds": "秒",
    "stab_col_modes": "命中模式（共 8 个）",
    "stab_col_high_quality": "高质量占比",
    "stab_col_coverage": "类别（共 10 个）",
    "stab_col_fd": "Fréchet 距离",
    "stab_col_fd_floor": "真实对真实的下限",
    "stab_col_confidence": "置信度（1-10）",
    "stab_col_precision": "精确率",
    "stab_col_recall": "召回率",
    "stab_not_available": "无",
    "stab_bad_curve": "{problem} 的轨迹包含 {keys}，没有 {value!r}：请从中选一个",
    "speed_rate": "{median:8.1f} 步/秒  [{low:.1f}-{high:.1f}]",
    "ex_d_wins_a": "把 k 增大到 5",
    "ex_d_wins_b": "调小 lr_d（例如从 2e-4 调到 5e-5）",
    "ex_d_wins_c": "换成饱和的生成器损失",
    "ex_d_wins_d": "把 lr_d 增大到 1e-3",
    "ex_function_raised": "你的函数抛出了 {kind}：{error}。对任意两个用时，它都应当返回一个数。",
    "ex_loader_ok": "数据加载要 10 ms 时，即使 GPU 不花时间，每秒最多也只有 {best:.0f} 步。",
    "ex_loader_hint": "加载 10 ms、GPU 0.5 ms 时你给出的是 {got:.1f} 步/秒；这两件事是先后发生的。",
    "ex_sync_unknown": "请从 ge.exercises.SYNC_CHOICES 中选择；{unknown} 不在其中。",
    "ex_sync_ok": "在主机上读取 GPU 上的数（item、格式化输出）要等排队的所有内核都执行完。",
    "ex_sync_hint": "只有 Python 读取一个值时，主机才需要它：哪几行读取了值？",
    "model_bad_labels": "labels 的形状必须是 ({batch},)，每个样本一个类别，得到的是 {shape}",
    "model_needs_labels": (
        "条件判别器需要标签：D(x, y)，其中 y 的形状为 (B,)；请用 Trainer(..., labels=labels) 训练它"
    ),
    "model_bad_path_mode": "mode 只能是 'linear' 或 'spherical'，得到的是 {value!r}",
    "model_bad_endpoints": "z0 和 z1 必须是长度相同的两个向量，得到的形状是 {a} 和 {b}",
    "model_bad_path_steps": "steps 必须是 >= 2 的整数（包括两个端点），得到的是 {value!r}",
    "model_bad_role": "role 只能是 'generator' 或 'discriminator'，得到的是 {value!r}",
    # --- trainer (ganedu.train): inputs, limits, divergence ---
    "train_bad_column": "history 中没有列 {column!r}；现有的列是 {columns}",
    "train_k_too_big": (
        "k（每个生成器步里判别器的步数）最多为 {k_max}，得到的是 {value!r}：那样一步要做 {value} 次 D 更新；"
        "请取 1 到 {k_max} 之间的值"
    ),
    "train_bad_config": "config 必须是 ganedu.train.TrainConfig，例如 TrainConfig(batch_size=64)，得到的是 {value}",
    "train_bad_betas": "betas 必须是 [0, 1) 中的两个数，例如 (0.5, 0.999)，得到的是 {value!r}",
    "train_bad_seed": "seed 必须是 >= 0 的整数（或 None，表示使用新的随机性），得到的是 {value!r}",
    "train_bad_callbacks": (
        "callbacks 必须是由 trainer -> None 函数组成的列表，例如 callbacks=[ge.train.every(10, show)]，"
        "得到的是 {value!r}"
    ),
    "train_bad_data": "data 必须是形状为 (N, ...)、N >= 1 的张量，例如 ge.mnist()[0]",
    "train_bad_dtype": (
        "data 的 dtype 是 {dtype}，但训练器需要 [-1, 1] 内的浮点样本：请先缩放，例如 0..255 的图像用 "
        "x.float() / 127.5 - 1"
    ),
    "train_data_nonfinite": "data 含有 NaN 或无穷大：请在训练前删除或替换它们",
    "train_bad_range": (
        "data 的取值范围是 {lo:.3g} 到 {hi:.3g}，但生成器以 tanh 结尾，只能生成 [-1, 1] 内的值：请缩放，"
        "例如 0..255 的图像用 x / 127.5 - 1，[0, 1] 的图像用 2 * x - 1"
    ),
    "train_shape_mismatch": (
        "生成器生成的样本形状是 {g_shape}，而数据样本的形状是 {d_shape}：请为这份数据构建生成器"
        "（例如 out_shape={d_shape}），或者传入它本来对应的数据"
    ),
    "train_no_latent_dim": (
        "生成器需要一个 >= 1 的整数属性 latent_dim（噪声 z 的维数），得到的是 {value!r}："
        "请使用 ganedu.models 中的生成器，或者在你的生成器里设置 self.latent_dim"
    ),
    "train_batchnorm_batch": (
        "batch_size {batch_size} 太小：{net} 使用了批归一化（BatchNorm），每个批次至少需要 2 个样本；"
        "请使用 batch_size >= 2（通常取 64）"
    ),
    "train_bad_label_dtype": (
        "labels 必须是由整数类别编号（0, 1, 2, ...）组成的张量，得到的是 {dtype}：例如 ge.mnist()[1] 或 "
        "torch.tensor(ids).long()"
    ),
    "train_bad_label_shape": "labels 的形状必须是 ({n},)，与 data 对应（每个样本一个类别编号），得到的是 {shape}",
    "train_negative_label": "labels 必须是 >= 0 的类别编号，却发现了 {value}",
    "train_exploding": (
        "{net} 的损失在第 {step} 步达到 {value:.3g}：学习率太大了（lr_d = {lr_d:g}，lr_g = {lr_g:g}）；"
        "试试调小约 10 倍，例如 trainer.{knob} = {smaller:.1e}"
    ),
    "train_nonfinite_net": (
        "训练在第 {step} 步暂停：{net} 的 {what} 变成了 NaN 或无穷大，说明它的权重发散了。权重已恢复到第 "
        "{restored} 步。请调小学习率（例如 trainer.{knob} = {smaller:.1e}），然后继续。"
    ),
    "train_nonfinite_state": (
        "训练在第 {step} 步暂停：{net} 的 {tensor} 含有 NaN 或无穷大（某个权重或批归一化的统计量）。"
        "权重已恢复到第 {restored} 步。请调小学习率（lr_d / lr_g），然后继续。"
    ),
    "train_load_nonfinite": (
        "这个检查点中 {net} 的 {tensor} 含有 NaN 或无穷大：它是在训练发散之后保存的；请改为加载更早的检查点"
    ),
    # --- devices and seeds (ganedu.config) ---
    "config_bad_device": "未知的设备 {value!r}：请使用 'auto'、'cpu'、'cuda' 或 'mps'",
    "config_no_cuda": "要求使用设备 'cuda'，但 PyTorch 在这里看不到 CUDA GPU：请用 device='auto' 或 'cpu'",
    "config_bad_seed": "seed 必须是 >= 0 的整数，得到的是 {value!r}：请传入例如 seed=0",
    "metrics_epoch": "分类器第 {epoch}/{epochs} 轮：损失 {loss:.3f}",
    # --- notebooks 00-04: the timed estimate, the 00 exercise, Adam's step ratio ---
    "ex_lesson_seconds_ok": "605 秒：每步的时间（2 秒 / 20 = 0.1 秒）乘以这一课的 6050 步。",
    "ex_lesson_seconds_hint": "先算一步的时间（20 步用了 2 秒），再乘以这一课的 6050 步。",
    "env_estimate_timed": (
        "这里约需 {time}，评估分类器缓存之后约需 {cached}（在这里实测：每个 GAN 步 {gan_ms:.1f} ms，"
        "每个分类器步 {clf_ms:.0f} ms，每张图 {fig_ms:.0f} ms）"
    ),
    "toy_adam_no_state": "这个 Adam 优化器还没有走过一步：请在训练之后再调用 adam_step_ratio",
    # --- claims of notebooks 00-04 ---
    "claim_01_no_gaussian_reaches_optimum": (
        "滑块无论放在哪里都达不到 V = −log 4：最好的单个高斯分布 N({mean:.1f}, {std:.1f}²) 仍有 "
        "JSD = {jsd:.3f} > 0，V = {v:.4f}"
    ),
    "claim_02_ns_arrives": "用普通 SGD，非饱和生成器在 {steps} 步后与数据的距离已在 0.5 以内",
    "claim_02_sat_stalls": (
        "饱和生成器停在 {mean:.2f}：D(G(z)) 从 {d_first:.1e} 降到 {d_last:.1e}，它的梯度从 {first:.1e} 降到 {last:.1e}"
    ),
    "claim_02_adam_gradient_ratio": "非饱和损失的梯度在开始时大 {first:.0f} 倍，在结束时大 {last:.0f} 倍",
    "claim_02_adam_same_speed": (
        "用 Adam 时两者每步都移动约 lr：平均而言，饱和损失 {sat:.2f} lr，非饱和损失 {ns:.2f} lr"
    ),
    "claim_02_adam_neither_arrives": "两者都没有到达 4.0 处的数据，而且饱和的那个领先：{sat:.2f} 对 {ns:.2f}",
    "claim_02_sat_frozen": "饱和损失：D(G(z)) = {d_fake:.1e} < 1e-4，生成样本平均只移动了 {moved:.2f}",
    "claim_02_ns_escapes_to_few_modes": "非饱和损失：生成样本平均移动了 {moved:.2f}，落到了 8 个模式中的 {hit} 个上",
    "claim_02_d_grew_certain": "D 变得越来越确定：D(G(z)) 的均值从 {first:.1e} 降到了 {last:.1e}",
    "claim_02_adam_steps_shrink": (
        "Adam 的最后一个生成器步：饱和损失为 {sat:.4f} lr，非饱和损失为 {ns:.3f} lr"
    ),
    "claim_03_losses_hover": (
        "在运行的后半段，L_D 一直高于 {d_min:.2f}（远离 0），L_G 一直在 {g_min:.2f} 和 {g_max:.2f} 之间变动"
    ),
    "claim_03_d_either_side": "平均而言 D(x) = {real:.2f}，D(G(z)) = {fake:.2f}：分别位于 1/2 的两侧",
    "claim_03_switch_frees": "切换之后，生成样本平均移动了 {moved:.2f}；现在 {score}",
    "claim_04_k5_orbits_near": (
        "k = 5、lr = 1.5、从 (0.05, 0.05) 出发时停留在一条轨道上：开始时距离为 {start:.3f}，最大 "
        "{largest:.3f}，3000 步后为 {last:.3f}"
    ),
    "claim_04_k5_thrown_out_far": (
        "同样的 k = 5 从 (0.5, 0.5) 出发就被甩了出去：开始时距离为 {start:.3f}，最大达到 {largest:.2f}"
    ),
    "claim_04_r1_constant_rate": (
        "{mode}，γ = 1：距离每步缩小为原来的 {factor:.4f} 倍（谱半径 {radius:.4f}），1000 步后降到 {last:.1e}"
    ),
    "claim_04_ns_damped": (
        "在 1000 个随机点上 θ·v_θ + ψ·v_ψ = −t·tanh(t/2)（最大偏差 {gap:.1e}）；它的最大值为 {largest:.1e} ≤ 0"
    ),
    # --- claims of notebooks 07-10 (and the metrics and losses they check) ---
    "loss_negative_density": "密度不能为负：请把 p_data(x) 和 p_g(x) 作为 >= 0 的值传入",
    "claim_07_collapse_with_perfect_losses": (
        "环形数据上发生了模式崩溃，平均损失却和完美生成器的一样：L_D {d:.3f}（log 4 = 1.386），L_G {g:.3f}"
        "（log 2 = 0.693），而 8 个模式只覆盖了 {modes} 个"
    ),
    "claim_07_fd_moves_losses_do_not": (
        "Fréchet 距离下降了 {drop:.0%}，超过平均损失最大变化（{moved:.0%}）的三倍"
    ),
    "claim_07_reads_unseen_digits": "分类器对它从未见过的 {n} 个数字，正确读出了 {accuracy:.1%}",
    "claim_07_fd_bias_closed_form": (
        "从 N(0, I_{d}) 中各取 {n} 个点的两个样本：FD 均值 {mean:.4f}，闭式解 d(d + 5)/(2n) = {closed:.4f}"
    ),
    "claim_07_fd_bias_one_over_n": "数字的真实对真实 FD 按 n^{slope:.2f} 下降：大约是 1/n",
    "claim_07_fd_reads_the_cases": (
        "真实数字（{real:.2f}）和复制品（{copies:.2f}）的得分都不超过下限（{floor:.2f}）的 2 倍；每一种崩溃或"
        "退化的情况都超过下限的 10 倍（最接近的：{bad:.1f}）"
    ),
    "claim_07_coverage": (
        "覆盖率：单一类别 {one}，一半类别 {half}，噪声 {noise}；"
        "真实数字、复制品、模糊数字和加噪数字为 10 个中的 {full} 个"
    ),
    "claim_07_confidence": (
        "置信度：单一类别 {one:.2f}（约为 1），一半类别 {half:.2f}（约为 5），噪声 {noise:.2f}，"
        "模糊数字 {blurred:.2f}，低于真实数字的 {real:.2f}"
    ),
    "claim_07_precision_recall": (
        "真实数字：精确率 {p_real:.2f}，召回率 {r_real:.2f}；单一类别和一半类别保持了这一精确率的 90 % 以上，"
        "而召回率在单一类别时降到 {r_one:.2f}，一半类别时降到 {r_half:.2f}，模糊数字时降到 {r_blur:.2f}；"
        "噪声两者皆无，加噪数字两者都有所损失"
    ),
    "claim_07_memorization": (
        "被标记为近似复制品的比例：复制品 {copies:.0%}，新的真实数字 {real:.1%}（约为该规则允许的 1 %），"
        "单一类别 {ones:.1%}"
    ),
    "claim_07_fd_scale": (
        "FD = {once:.3f}；每个特征都加倍后为 {doubled:.3f}：是原来的 {ratio:.6f} 倍，恰好是 4（= 2²）"
    ),
    "claim_07_run_is_unfinished": "FD {fd:.1f} 是下限的 {ratio:.0f} 倍，召回率为 {recall:.3f}（低于 0.05）",
    "claim_09_collapse_without_alarm": (
        "损失没有发出任何警报：L_D {d:.3f}（log 4 = 1.386），L_G {g:.3f}（log 2 = 0.693），"
        "而基线最后只剩 8 个模式中的 {modes} 个"
    ),
    "claim_09_smoothed_optimum": (
        "D* = a·p_data/(p_data + p_g) 正是平滑后损失的平坦点：加权导数至多为 {worst:.1e}"
    ),
    "claim_09_ring_table": (
        "记录的环形数据表：基线、minimax 和谱归一化在任何种子上最多命中 1 个模式；相同学习率在每个种子上都命中 8 个，"
        "TTUR 至少 6 个，k = 5 至少 4 个，R1 至少 5 个；标签平滑在 3 个种子中救回了 {rescued} 个；"
        "高质量样本占比：WGAN-GP {wgan:.0%}，EMA {ema:.1%}"
    ),
    "claim_09_mnist_table": (
        "记录的 MNIST 表：基线覆盖 4 个类别，置信度低于 2，召回率为 0；相同学习率、TTUR 和 k = 5 覆盖 9-10 个；"
        "WGAN-GP 的 FD 最低、召回率最高；R1 覆盖 8 个，谱归一化 6 个，标签平滑和 minimax 4 个，EMA 3 个类别；"
        "每个 FD 都超过下限的 5 倍（最低的是 {floors:.1f} 倍）"
    ),
    "claim_10_midpoint_lengths": (
        "t = 1/2 处，线性路径上的 z 长度为 {linear:.2f}，是端点长度的 {ratio:.2f}（两个相互垂直的抽样为 "
        "1/√2 = 0.71）；球面路径上的为 {spherical:.2f}，介于端点的 {a:.2f} 和 {b:.2f} 之间"
    ),
    # --- speed lesson: recorded results ---
    "speed_recorded_header": "{date} 记录于 {hardware}，torch {torch}，所用命令：\n  {commands}",
    "speed_no_recorded": (
        "{path} 处没有记录好的基准测试结果：它们是课程仓库中的一个文件（benchmarks/speed_recorded.json）；"
        "请从仓库的克隆中打开这个笔记本，或者在 GitHub 上阅读 benchmarks/RESULTS.md"
    ),
    "speed_unknown_run": "没有记录名为 {run!r} 的运行：文件中有 {known}；请从中选一个",
    # --- claims of notebooks 05-06 ---
    "claim_05_k5_d_pulls_ahead": (
        "k = 5 让 D 领先：D(x) 的均值 {real_before:.2f} -> {real_after:.2f}，D(G(z)) 的均值 "
        "{fake_before:.2f} -> {fake_after:.2f}"
    ),
    "claim_05_resume_carries_on": "恢复的运行接着训练：在第 {saved} 步保存，继续到第 {now} 步，历史共 {rows} 行",
    "claim_05_loaded_generator_same": "加载的生成器画出的数字与保存时的训练器相同（像素最大差异 {gap:.1e}）",
    "claim_06_cpu_1_5_to_2x": (
        "在两个 CPU 核上，快速路径是经典循环的 1.5 到 2 倍，还没有达到我们追求的 2 倍（x{low:.1f} 到 x{high:.1f}）"
    ),
    "claim_06_gpu_orders_of_magnitude": (
        "在 H100 上，快速路径比经典循环快一到两个数量级（x{low:.1f} 到 x{high:.1f}）"
    ),
    "claim_06_batch_widens_network_narrows": (
        "更大的批次拉大差距（MLP x{mlp_64:.1f} -> x{mlp_256:.1f}，DCGAN x{dcgan_64:.1f} -> x{dcgan_256:.1f}）；"
        "更大的网络缩小差距（两种批次大小下 DCGAN 都低于 MLP）"
    ),
    # --- notebook build (tools/build_notebooks.py) ---
    "build_widget_placeholder": "（交互控件：运行这个笔记本才能使用）",
    # --- the training animation (ganedu.widgets.Recorder) ---
    "rec_animation": "（一段 {frames} 帧的动画：在 Jupyter 中播放；recorder.figure() 把这些帧排成一行显示）",
    # --- exercise 06: an answer not yet written ---
    "ex_loader_none": "请把 steps_per_second 写成 (loader_ms, gpu_ms) 的函数，返回每秒的步数。",
    # --- languages and fonts (ganedu.messages, ganedu.interface.plot) ---
    "lang_unknown": "未知的语言 {value!r}：请从 {choices} 中选择（ge.setup(lang=...) 或 $GANEDU_LANG）",
    "font_cjk_missing": (
        "没有找到中文字体，图中的中文标签会显示成空白方框。请安装一个中文字体，然后重新运行调用 ge.setup 的那个单元"
        "（或者重启内核）：Colab 上运行 "
        "!apt-get -qq install fonts-noto-cjk；Debian/Ubuntu 上运行 sudo apt-get install fonts-noto-cjk；"
        "Fedora 上运行 sudo dnf install google-noto-sans-cjk-fonts（Windows 和 macOS 自带中文字体）。"
    ),
    # --- memory warning and progress bars (ganedu.interface.env, ganedu.progress) ---
    'env_low_memory': ('⚠ 只剩 {free_mb:.0f} MB 可用内存（{where}）；低于 {need_mb:.0'
        'f} MB 时，在 MNIST 上训练的课程可能耗尽内存，内核随之崩溃。请关闭已经学完的笔记本的内核'
        '（Kernel → Shut Down Kernel，或 JupyterLab 的 Running '
        'Terminals and Kernels 标签页），然后重新运行这个单元。'),
    'env_memory_machine': '本机',
    'env_memory_container': '本会话的内存上限之内',
    'progress_classifier': '分类器',
    'progress_losses': 'D {d_loss:.3f} G {g_loss:.3f}',
    'progress_preset': '预设 {name}',
    'progress_recipe': '{recipe}（种子 {seed}）',
    'progress_recipes': '方案',
    'progress_train': '训练',
    'progress_unit_batch': '批',
    'progress_unit_run': '次',
    'progress_unit_step': '步',
    # --- classroom app, presets, dashboard views (interface.app, lessons.classroom, interface.widgets) ---
    'dash_last_step': '第 {step} 步的设置：k = {k}，D 学习率 = {lr_d:.1e}，G 学习率 = {lr_g:.1e}，G 损失 {loss}',
    'rec_still': '动画的 {frames} 帧并排展示（供无法播放动画的查看器使用）',
    'classroom_bad_preset': '未知的预设 {value!r}：请从 {choices} 中选择',
    'classroom_healthy': '健康：k = 1，两个学习率都是 2e-4，非饱和损失',
    'classroom_strong_d': 'D 过强：k = 5，D 学习率是 G 的 5 倍，饱和损失',
    'classroom_mode_collapse': '模式崩溃：G 学习率是 D 的 25 倍',
    'classroom_expect_healthy': ('噪声先变成笔画，几千步后变成数字；D(x) 和 D(G(z)) 都停在 1/2 '
        '附近，损失上下波动而不会稳定下来。'),
    'classroom_expect_strong_d': ('D 占了上风：D(x) 升向 1，D(G(z)) 降向 0；在饱和损失下，D(G'
        '(z)) 越小，G 的梯度越弱（见笔记本 02），所以生成的样本即使有改进也很慢'
        '。'),
    'classroom_expect_mode_collapse': ('G 总是扑向 D 此刻认可的东西：样本变成一两个数字的复制品，质量表给出的类别覆'
        '盖率随之下降。'),
    'app_preset': '预设',
    'app_apply': '应用',
    'app_restart': '重新开始',
    'app_tip_apply': '立即采用预设的 k、学习率和 G 损失；训练从当前的权重继续',
    'app_tip_restart': '回到未训练的网络，并采用预设的设置',
    'app_loading': '正在加载 MNIST 数字并构建网络……',
    'app_ready': '准备就绪：{n:,} 个数字（{split} 划分），G 有 {g:,} 个参数，D 有 {d:,} 个参数。请按“开始”。',
    'app_failed': '应用无法启动：{error}',
    'app_error': '操作没有成功：{error}',
    'app_no_presets': '应用至少需要一个预设（例如 ge.classroom.PRESETS）',
    'app_meter_preparing': ('正在后台准备质量表（第一次使用时要训练一个小型 MNIST 分类器，在两个 CP'
        'U 核上大约一分钟；训练同时继续进行）……'),
    'app_meter_ready': '质量表已就绪：每 {every} 步给出 Fréchet 距离和数字类别。',
    'app_meter_failed': '没有质量表：{error}',
    'app_applied': '已应用预设：{label}。{expect}',
    'app_restarted': '已用预设 {label} 从未训练的网络重新开始。{expect}',
    # --- divergences and the Wasserstein distance (lessons.divergences, notebook 08) ---
    "theory_no_mass": "有一个密度在这个网格上没有概率质量：请把网格放宽，或者把这个密度移到网格范围内",
    "theory_empty_sample": "有一个样本是空的：计算 W1 要求两边各至少有一个点",
    "wd_bad_direction": "未知的 KL 方向 {value!r}：请从 {choices} 中选择",
    "wd_bad_method": "未知的方法 {value!r}（用来让评论器保持 1-Lipschitz）：请从 {choices} 中选择",
    "fig_wd_fit": "{label} 拟合：N({mean:.2f}, {std:.2f}²)",
    "fig_wd_kl_title": "用一个高斯分布拟合两个模式：正向 KL 全部覆盖，反向 KL 只挑一个",
    "fig_wd_critic_title": "{method}：估计值 {estimate:.3f}，|∇f| 均值 {grad:.3f}",
    "fig_wd_critic_real": "p（数据）",
    "fig_wd_critic_fake": "q（平移后）",
    "fig_wd_steps": "生成器步数",
    "fig_wd_minus_loss": "记录下的 −L_D（含惩罚项，如果有的话）",
    "fig_wd_gap": "E_data f − E_fake f（固定样本）",
    "fig_wd_loss_axis": "D 给出的数值",
    "fig_wd_quality": "与数据之间的切片 W1（越低越好）",
    "claim_wd_forward_is_moment_matching": (
        "正向 KL 拟合就是矩匹配：搜索得到 N({mean:.3f}, {std:.3f}²)，由矩算出 N({m:.3f}, {s:.3f}²)"
    ),
    "claim_wd_forward_covers_reverse_picks": (
        "正向 KL 把 q 的 {fwd:.0%} 概率质量放在 0 的左侧（数据：{data:.0%}）；反向 KL 在那里放了 {rev:.2%}，"
        "全在一个模式上"
    ),
    "claim_wd_minimax_is_jsd": "V(D*, G) = {v:.10f} = 2·JSD − log 4 = {j:.10f}",
    "claim_wd_theorem_2_5": (
        "固定 D* 时，在试过的每个 θ0 处，非饱和损失的梯度都等于 d/dθ [KL(p_g‖p_data) − 2 JSD]（最大差距 {gap:.1e}）"
    ),
    "claim_wd_disjoint": (
        "出现空隙之后（t ≥ 1），JS 散度一直停在 log 2（最大偏差 {dev:.1e}）；对每个 t > 0，KL 散度都是 inf；"
        "W1 在网格间距 0.001 之内等于 t（最大偏差 {w:.1e}）"
    ),
    "claim_wd_w1_checks": "网格上的 W1 与闭式解和分位数积分相符（最大差距 {gap:.1e}）",
    "claim_wd_critics": (
        "裁剪：{clip:.3f}（≪ W1 = {w1:.1f}）；梯度惩罚：{gp:.3f}，|∇f| 均值 {gp_grad:.2f}（软约束，会偏高）；谱归一化："
        "{sn:.3f} ≤ W1，|∇f| 最大值 {sn_max:.3f} ≤ 1"
    ),
    "claim_wd_gp_1d_trap": (
        "在一维中，梯度惩罚评论器停滞不前：它的估计值只有 {est:.2f}（W1 = 2），尽管它的 |f'| 均值为 {grad:.2f}"
    ),
    "claim_wd_critic_tracks": (
        "WGAN-GP 评论器的估计值跟随样本的切片 W1（r = {gap_r:.2f}；它记录下的损失 r = {loss_r:.2f}）；"
        "GAN 的 −L_D 则不然（r = {gan_r:.2f}）"
    ),
    "claim_wd_critic_lags": (
        "训练后期，评论器的差值降到 {low:.2f}，而样本的切片 W1 仍为 {q:.2f}：此时评论器并不处于它的最优点"
    ),
    "claim_wd_gan_ahead": (
        "{steps} 步之后，GAN 的样本离圆环更近（切片 W1 {gan:.3f}），WGAN-GP 的则是 {wgan:.3f}：损失可读，"
        "并不意味着生成器更快"
    ),
    "claim_wd_ls_identity": (
        "2·C(G) 与 Δ = ∫(p_data − p_g)²/(p_data + p_g) 相符：Mao 的目标值 {mao:.10f} = {delta:.10f}；"
        "课程的目标值 {course:.10f} = ½ + Δ/4 = {quarter:.10f}"
    ),
    "claim_wd_best_responses": (
        "在课程自己的损失函数上暴力搜索，得到最小二乘的 D* = p_data/(p_data + p_g)（差距 {ls:.1e}），"
        "以及 hinge 的 sign(p_data − p_g)（差距 {hinge:.1e}）"
    ),
    "claim_wd_hinge_tv": "f* 处的 hinge L_D = {value:.10f} = 2 − 2·TV = {tv:.10f}",
    "claim_wd_ls_hinge_ring": (
        "在圆环上训练 {steps} 步之后：GAN {gan} 个模式，LSGAN {ls} 个模式，"
        "hinge {hinge} 个模式（切片 W1 分别为 {gan_q:.3f}、{ls_q:.3f}、{hinge_q:.3f}）"
    ),
    "ex_wd_w1_ok": "排序后按顺序配对：(|0 − 1| + |1 − 2| + |5 − 3|)/3 = 4/3，尽管两者的均值相等。",
    "ex_wd_w1_hint": "把两个样本都排好序，第 i 小的与第 i 小的配成一对，再对这些距离取平均。",
    "ex_wd_jsd_ok": "log 2 ≈ 0.693：这是 JS 散度的上限，无论空隙多大都是如此；在那里它的梯度为零。",
    "ex_wd_jsd_hint": "在只有一个密度有概率质量的地方，m = p/2：每个 KL(· ‖ m) 都是 log 2；再把两者平均。",
    "ex_wd_hinge_ok": "1：hinge 的 D 只需要 p_data − p_g 的符号，而 BCE 的 D* 是 0.75。",
    "ex_wd_hinge_hint": "对 f 最小化 0.3·max(0, 1 − f) + 0.1·max(0, 1 + f)；试试 f = −1, 0, 1。",
    # --- your own training loop and DCGAN's rules (lessons.own_loop, lessons.dcgan_rules, notebooks 05-06) ---
    "own_loop_missing": "{name} 还是 None：先运行定义它的那个单元格，再运行这一个。",
    "own_loop_not_yet": (
        "{name} 仍然抛出 NotImplementedError：把那一行换成它的更新代码（上方的注释说明了要写些什么），"
        "然后重新运行这个单元格。"
    ),
    "own_loop_raised": "{name} 抛出了 {kind}：{error}。单独运行它，找出出错的那一行。",
    "own_loop_not_a_number": "{name} 应当以数值形式返回它的损失（loss.item()）；它返回的却是一个 {kind}。",
    "own_loop_d_wrong_optimiser": (
        "d_step 改变了 G，D 却原封未动：它让错误的优化器走了一步。在 D 的更新中，只有 opt_d 可以 step。"
    ),
    "own_loop_d_moves_g": (
        "d_step 不仅改变了 D 的权重，也改变了 G 的权重：D 学习时 G 必须保持不动，所以在 d_step 中只有 opt_d 可以 step。"
    ),
    "own_loop_d_unchanged": (
        "d_step 没有改变 D 的权重：在 loss.backward() 之后调用 opt_d.step()，而且要用传进来的 D 和 opt_d"
        "（不要用笔记本里的变量）。"
    ),
    "own_loop_d_detach": (
        "在 d_step 中 G 收到了梯度：D 的损失经由生成样本一路传回了 G 的权重。把 G 的输出从计算图上切断"
        "（detach，或者在 torch.no_grad() 下生成）：D 的更新需要的是 G 的样本，而不是 G 的梯度。"
    ),
    "own_loop_d_sign": (
        "L_D 的符号反了：优化器会降低交给它的损失，所以这样的 D 会越来越分不清真假。"
        "L_D = -mean log D(real) - mean log(1 - D(fake))。"
    ),
    "own_loop_d_swapped": (
        "L_D 的真实项和生成项对调了：这样的 D 学会的是把真实样本判为假。真实样本应当把 D(x) 推高，"
        "生成样本应当把 D(G(z)) 压低。"
    ),
    "own_loop_d_g_loss": (
        "d_step 降低的是生成器的损失：这样 D 会学着去帮 G。D 自己的损失有两项，一项针对真实批量，一项针对生成样本。"
    ),
    "own_loop_d_loss": (
        "d_step 返回的 L_D = {got:.4f}，而训练器从同一状态算出的 L_D 是 {want:.4f}：把你的损失与注释中的公式对照一下。"
    ),
    "own_loop_d_zero_grad": (
        "d_step 的损失是对的，但 D 的更新不对：上一次更新留下的梯度累加到了新梯度上。"
        "在 loss.backward() 之前先把它们清零（opt_d.zero_grad()）。"
    ),
    "own_loop_d_update": (
        "d_step 的损失是对的，但 D 的更新不对：在 loss.backward() 之前清零 D 的旧梯度，对你返回的那个损失做反向传播，"
        "并让 opt_d 恰好走一步。"
    ),
    "own_loop_g_wrong_optimiser": (
        "g_step 改变了 D，G 却原封未动：它让错误的优化器走了一步。在 G 的更新中，只有 opt_g 可以 step。"
    ),
    "own_loop_g_moves_d": (
        "g_step 改变了 D 的权重：D 按生成器的损失走了一步，这等于教 D 去上当。L_G 的 backward 也会填充 D 的梯度；"
        "在 g_step 中只有 opt_g 可以 step。"
    ),
    "own_loop_g_real": (
        "g_step 的结果依赖于真实批量：G 只能通过 D 对 G(z) 的判断来学习，所以它的损失只需要噪声，不需要真实样本。"
    ),
    "own_loop_g_unchanged": (
        "g_step 没有改变 G 的权重：在 loss.backward() 之后调用 opt_g.step()，而且要用传进来的 G 和 opt_g"
        "（不要用笔记本里的变量）。"
    ),
    "own_loop_g_minimax": (
        "g_step 降低的是 log(1 - D(G(z)))，即极小极大损失：当 D 轻易识破生成样本时，它的梯度会消失（见 02 号笔记本）。"
        "本课程和训练器使用的是非饱和损失 -log D(G(z))。"
    ),
    "own_loop_g_sign": (
        "L_G 的符号反了：优化器会降低交给它的损失，所以这样的 G 会让自己的样本更容易被识破。"
        "L_G = -mean log D(G(z))。"
    ),
    "own_loop_g_loss": (
        "g_step 返回的 L_G = {got:.4f}，而训练器从同一状态算出的 L_G 是 {want:.4f}：把你的损失与注释中的公式对照一下。"
    ),
    "own_loop_g_zero_grad": (
        "g_step 的损失是对的，但 G 的更新不对：上一次更新留下的梯度累加到了新梯度上。"
        "在 loss.backward() 之前先把它们清零（opt_g.zero_grad()）。"
    ),
    "own_loop_g_update": (
        "g_step 的损失是对的，但 G 的更新不对：在 loss.backward() 之前清零 G 的旧梯度，对你返回的那个损失做反向传播，"
        "并让 opt_g 恰好走一步。"
    ),
    "own_loop_drift": (
        "每个更新单独看都是对的，但在 {steps} 步中，从第 {step} 步起损失与训练器的不再一致：你的代码是否在两次调用之间"
        "保留了什么东西，或者用了笔记本里的网络或优化器，而不是传进来的那些？"
    ),
    "own_loop_ok": (
        "在 {steps} 步中，d_step 和 g_step 与 ge.Trainer 的 eager 路径一致（同样的网络、优化器、批量和噪声）："
        "损失相差不超过 {loss_gap:.1e}，权重相差不超过 {weight_gap:.1e}。"
    ),
    "own_loop_table_header": "  步    你的 L_D   训练器 L_D    你的 L_G   训练器 L_G",
    "own_loop_table_row": "{step:4d}  {d_yours:10.6f}  {d_trainer:11.6f}  {g_yours:10.6f}  {g_trainer:11.6f}",
    "dcgan_layer_row": "{name:10s} {kind:16s} {detail:6s} -> {shape}",
    "fig_upsampler_k3": "转置卷积，卷积核 3，步幅 2\n内部 max - min = {spread:g}",
    "fig_upsampler_k4": "转置卷积，卷积核 4，步幅 2\n内部 max - min = {spread:g}",
    "fig_upsampler_resize": "最近邻上采样 x2，再接 3x3 卷积\n内部 max - min = {spread:g}",
    "claim_06_init_std": (
        "两个网络中每个卷积、转置卷积和全连接层的权重，标准差都接近 0.02（{low:.4f} 到 {high:.4f}，共 {count} 层）"
    ),
    "claim_06_batchnorm_placement": (
        "D 的输入块是 {d_first}，G 的输出块是 {g_last}：两处都没有批归一化，"
        "而两个网络的其他位置共有 {count} 个批归一化层"
    ),
    "claim_06_checkerboard": (
        "卷积核为 3 时内部不均匀（取值 {values}，max - min = {k3:g}）；卷积核为 4 和 resize-convolution 时内部均匀"
        "（max - min 分别为 {k4:g} 和 {resize:g}）"
    ),
    "claim_06_g_kernels_divisible": "G 的每个转置卷积，其卷积核大小都能被步幅整除（{kernels}）",
    "claim_06_no_pooling": "两个网络都没有池化层：D 用步幅为 2 的卷积把图像逐次减半，{shapes}",
    # --- KID, class means, truncation (metrics, models, lessons.latent; notebooks 07 and 10) ---
    "model_bad_truncation": "截断阈值必须是 > 0 的数（None 表示不截断），得到的是 {value!r}",
    "fig_precision": "精确率",
    "fig_recall": "召回率",
    "fig_no_truncation": "不截断",
    "fig_truncation_threshold": "截断阈值 τ（|z_i| ≤ τ）",
    "claim_10_class_means": (
        "在有可靠样本的 {classes} 个类别中，有 {hits} 个类别的平均 z 缩放到长度 10 后被读成该类别本身"
    ),
    "claim_10_mean_arithmetic": (
        "从 1 的平均值到 7 的平均值的路径上，读数改变了 {changes} 次，从 1 变为 7；"
        "在被读成 1 的 {n} 个样本中，z − mean(1s) + mean(7s) 有 {became:.0%} 被读成 7"
    ),
    "claim_10_truncation_diversity": (
        "从不截断到 τ = 0.25，特征的离散程度每一步都在下降，召回率从 {r_free:.3f} 降到 {r_tight:.3f}"
    ),
    "claim_10_truncation_precision": (
        "不截断时精确率为 {p_free:.3f}，τ = 1 时为 {p_mid:.3f}（相差不到 0.1），"
        "而召回率从 {r_free:.3f} 降到 {r_mid:.3f}（降幅超过三分之一）；τ = 0.25 时精确率为 {p_tight:.3f}"
        "（只在大多数未截断样本都逼真、即精确率至少为 0.5 时检查）"
    ),
    "claim_07_kid_formula": "ge.metrics.kid 给出 {kid:.6f}，逐项写出的求和给出 {loops:.6f}",
    "claim_07_kid_unbiased": (
        "从 n = {n0} 到 {n1}，真实对真实的 FD 下降为原来的 1/{ratio:.1f}，而真实对真实的 KID 在每个 n 下"
        "都落在 0 的 3 个标准误以内（最多 {worst:.1f} 个标准误）；"
        "真实对生成的 KID 在不同 n 之间的变化不超过 {spread:.0%}"
    ),
}
