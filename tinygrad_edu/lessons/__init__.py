"""The lessons: each claim of the course notes as a short program that checks it.

Run one with `python -m tinygrad_edu.lessons NAME [--quick] [--out DIR] [--seed K]` (or
`tinygrad-edu lesson NAME`); `--list` names them all. Every lesson is a module here with a
`run(quick=False, out_dir=None, seed=0) -> dict` that returns the numbers it checks, a
`checks` dict {claim: held?} and the paths of the figures it wrote.

    >>> from tinygrad_edu.lessons import LESSONS, load
    >>> "perceptron" in LESSONS and callable(load("perceptron").run)
    True
"""
import argparse
import importlib
import os
import sys

# name -> what it shows (one line); the module tinygrad_edu.lessons.<name> holds the lesson.
LESSONS = {
    "perceptron": "the perceptron stops within R^2/gamma^2 updates (Novikoff) and cycles on XOR",
    "cover": "Cover's count C(s, n) of linear dichotomies equals brute-force enumeration",
    "hopfield": "Hopfield energy never increases; retrieval breaks down near s/n ~ 0.138",
    "ols_vs_gd": "gradient descent with step 1/L converges to the least-squares closed form",
    "logistic_gradient": "the logistic-regression gradient (sigma(w.x) - y) x equals autodiff's",
    "delta_recursion": "backprop's delta recursion, layer by layer, next to the engine's gradients",
    "universal_approximation": "m-1 ReLUs reproduce a piecewise-linear function; error falls with width",
    "linear_regions": "linear regions of ReLU nets grow with depth, vs Zaslavsky and Montufar",
    "smooth_gd": "GD with eta = 1/L on an L-smooth function: sufficient decrease at every step",
    "pl_convergence": "under the PL inequality GD converges geometrically, even without convexity",
    "momentum": "heavy ball, Nesterov, AdaGrad and Adam on an ill-conditioned quadratic",
    "weight_decay": "weight decay shrinks along Hessian eigendirections by lambda_i/(lambda_i+mu)",
    "batchnorm_dropout": "batch norm's statistics and scale invariance; dropout's unbiased mask",
    "weight_sharing": "a shared weight's gradient sums over its uses: BPTT in nn.RNN, conv kernels",
    "rnn_gradients": "RNN gradients vanish or explode with the spectral norm of W",
    "lstm_vs_rnn": "an LSTM remembers across a long gap where a plain RNN does not",
    "linear_autoencoder_pca": "a linear autoencoder learns the PCA subspace",
    "gradient_structure": "<theta, grad f> = (L+1) f for bias-free ReLU nets (Liang et al.), not with biases",
    "softmax_gradient": "the cross-entropy gradient is p(y|x) - onehot(y*); squared error = Gaussian NLL",
    "linear_collapse": "linear layers collapse to one (no XOR); permuting hidden units changes nothing",
    "residual_identity": "a residual layer is the identity at zero weights; residual stacks keep gradients",
    "sgd_convergence": "minibatch gradients are unbiased; decaying steps give O(1/t), convex O(1/sqrt t)",
    "gd_convex_rate": "GD on convex L-smooth functions: R(theta_t) - R* <= 2L/(t+1) ||theta_0 - theta*||^2",
    "l1_soft_threshold": "L1 regularisation is soft thresholding: exact zeros, where L2 only shrinks",
    "adaptive_optimizers": "RMSprop and Adam against the notes' recursions; Adam's bias correction",
    "sigmoid_universality": "sigmoid nets are universal, polynomial ones not; Barron's O(1/m) rate",
    "stochastic_backprop": "grad_mu E f = E grad f and grad_Sigma E f = 1/2 E grad^2 f, by backprop",
    "gan_discriminator": "the optimal GAN discriminator is p/(p + p_theta); its value JS - ln 2",
    "factor_analysis": "factor analysis x = mu + W z + eta is N(mu, W W^T + Sigma)",
}


def load(name: str):
    """The module of lesson `name` (a ValueError naming the lessons if there is none).

    Example:
        >>> load("cover").__name__
        'tinygrad_edu.lessons.cover'
    """
    if name not in LESSONS:
        raise ValueError(f"unknown lesson {name!r}; choose one of: {', '.join(LESSONS)} "
                         f"(or --list)")
    return importlib.import_module(f"{__name__}.{name}")


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise _UsageError(message)


def _parser(prog) -> argparse.ArgumentParser:
    parser = _Parser(prog=prog or "python -m tinygrad_edu.lessons",
                     description="Run a lesson of the course notes: it prints the numbers, "
                                 "checks the claim and writes its figure.")
    parser.add_argument("name", nargs="?", help="the lesson to run (see --list)")
    parser.add_argument("--list", action="store_true", help="list the lessons and exit")
    parser.add_argument("--quick", action="store_true", help="a short run (a few seconds)")
    parser.add_argument("--out", default="lesson_figures", metavar="DIR",
                        help="folder for the figures (default: ./lesson_figures)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    return parser


def main(argv=None, prog=None) -> int:
    """Command line of the lessons; returns the exit status (0 when every claim held).

    Why a return code: a lesson is also a check, and scripts (and `tinygrad-edu lesson`)
    can tell that a claim failed. Errors are one line on stderr, never a traceback; usage
    errors (an unknown lesson or option) exit with 2. `prog` names the command in messages
    (`tinygrad-edu lesson` passes its own).

    Example:
        >>> main(["--list"]) == 0    # doctest: +ELLIPSIS
        perceptron ...
        True
    """
    parser = _parser(prog)
    try:
        args = parser.parse_args(sys.argv[1:] if argv is None else list(argv))
    except _UsageError as error:
        print(f"{parser.prog}: error: {error} (see --help)", file=sys.stderr)
        return 2
    if args.list:
        width = max(len(name) for name in LESSONS)
        for name, summary in LESSONS.items():
            print(f"{name:<{width}}  {summary}")
        return 0
    if args.name is None:
        print(f"{parser.prog}: error: name a lesson (one of: {', '.join(LESSONS)}), or use --list",
              file=sys.stderr)
        return 2
    if args.name not in LESSONS:
        print(f"{parser.prog}: error: unknown lesson {args.name!r}; choose one of: "
              f"{', '.join(LESSONS)}", file=sys.stderr)
        return 2
    try:
        lesson = load(args.name)
        print(f"lesson {args.name}: {LESSONS[args.name]}")
        if getattr(lesson, "SOURCE", None):
            print(f"  (the claim is in {lesson.SOURCE})")
        result = lesson.run(quick=args.quick, out_dir=args.out, seed=args.seed)
    except Exception as error:      # one line for the student, never a traceback
        print(f"{parser.prog}: error: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    for claim, held in result["checks"].items():
        print(f"  [{'ok' if held else 'FAILED'}] {claim}")
    for path in result.get("figures", []):
        print(f"  figure: {os.path.abspath(path)}")
    return 0 if result["ok"] else 1
