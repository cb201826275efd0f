"""`tinygrad-edu tour [--quick]`: train four models, draw what they learned, write index.html.

The first five minutes of the library: an MLP, a CNN, an LSTM and an autoencoder trained on
built-in data, the graph and the step-by-step backprop of a small network, the linear and
decision regions of the trained MLP, the CNN's filters and feature maps, the LSTM unrolled
(backprop through time) and its cell state, the autoencoder's reconstructions next to PCA's,
the learning curves; a summary table in the terminal and a page showing everything.
"""
import os
import sys
import time

from .common import add_common, prepare_out, print_files
from . import tour_models, tour_pictures, tour_runs
from .tour_page import text_table, write_index


def add_parser(commands):
    """Register `tour`."""
    parser = commands.add_parser(
        "tour", help="train four models on built-in data and draw what they learned (start here)",
        description="Train an MLP on two moons, a CNN on small images, an LSTM on a sequence "
                    "task and an autoencoder; draw a network's graph, backprop step by step, "
                    "linear and decision regions and the learning curves; print a summary and "
                    "write index.html showing all of it.")
    parser.add_argument("--quick", action="store_true",
                        help="smaller data and fewer epochs (well under a minute)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    add_common(parser, "tinygrad-edu-tour")
    parser.set_defaults(run=run)


def _steps(bar_enabled):
    """An outer tqdm bar over the tour's steps (quiet when stderr is not a terminal)."""
    if not bar_enabled or not sys.stderr.isatty():
        return None
    from tqdm import tqdm
    return tqdm(total=len(tour_runs.RUNS) + 6, desc="tour", unit="step", file=sys.stderr,
                position=0, leave=True, dynamic_ncols=True)


def run(args) -> int:
    """Run the tour; print the table, the files, and where to look."""
    out = prepare_out(args.out)
    progress = not args.no_progress
    start = time.perf_counter()
    bar = _steps(progress)

    def advance(what):
        if bar is not None:
            bar.set_postfix_str(what)
            bar.update(1)
        else:
            print(f"tour: {what}", file=sys.stderr)

    print(f"tinygrad-edu tour{' --quick' if args.quick else ''}: training four models on "
          f"built-in data, pictures into {out}", file=sys.stderr)
    results = []
    try:
        for train in tour_runs.RUNS:
            result = train(args.seed, args.quick, progress)
            if result.history.interrupted:      # Ctrl-C stopped fit: stop the tour too
                raise KeyboardInterrupt
            results.append(result)
            advance(f"{result.short} trained in {result.seconds:.1f} s")
        pictures = tour_pictures.small_network(out, args.seed)
        advance("graph and backprop page of a small network")
        pictures += tour_pictures.moons_pictures(out, results[0])
        advance("linear and decision regions")
        pictures += tour_models.cnn_pictures(out, results[1])
        advance("CNN filters and feature maps")
        pictures += tour_models.lstm_pictures(out, results[2])
        advance("LSTM unrolled and its cell state")
        pictures += tour_models.autoencoder_pictures(out, results[3])
        advance("autoencoder reconstructions")
        pictures += tour_pictures.learning_curves(out, results)
        advance("learning curves")
    finally:
        if bar is not None:
            bar.close()
    seconds = time.perf_counter() - start
    index = write_index(out, results, pictures, seconds, args.quick, args.seed)
    print()
    print(text_table(results))
    print()
    for result in results:
        print(f"{result.short}: {result.note}")
    print()
    print_files([os.path.join(out, name) for name, _ in pictures] + [index])
    print(f"\ndone in {seconds:.1f} s. Open {index} in a browser to see everything.")
    return 0
