"""MkDocs hooks of the documentation site (`mkdocs build --strict`, configured in mkdocs.yml).

Two jobs, both so that the site never disagrees with the code:

1. The API reference is generated from the docstrings by mkdocstrings. Its static reader looks
   for `tinygrad_edu.nn` inside a `tinygrad_edu/` folder, but the repository keeps `nn/`,
   `optim/` and `viz/` at the top level (setuptools `package_dir` maps them at install time).
   `on_startup` lays out the same mapping as a folder of symbolic links under `build/`.
2. The API pages list every public class and function of each namespace, found by importing
   it, so a name added to the code appears on the site without editing a page.
3. One page per lesson, written at build time from the lesson itself: its one-line claim from
   the registry, its docstring (what it checks, where in the course notes), the output of a
   quick run (the numbers and every [ok]) and the figures that run wrote.
"""
import contextlib
import importlib
import inspect
import io
import os
import re
import shutil
import tempfile

from mkdocs.structure.files import File

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
API_SOURCES = os.path.join(ROOT, "build", "api_src")
MAPPED = {"nn": "nn", "optim": "optim", "viz": "viz"}      # tinygrad_edu.<key> lives in <value>/


def on_startup(**kwargs):
    """Lay out build/api_src/tinygrad_edu as the installed package is laid out."""
    stage = os.path.join(API_SOURCES, "tinygrad_edu")
    shutil.rmtree(API_SOURCES, ignore_errors=True)
    os.makedirs(stage)
    for name in os.listdir(os.path.join(ROOT, "tinygrad_edu")):
        os.symlink(os.path.join(ROOT, "tinygrad_edu", name), os.path.join(stage, name))
    for package, folder in MAPPED.items():
        os.symlink(os.path.join(ROOT, folder), os.path.join(stage, package))


# page -> (title, the namespaces it documents, one sentence for the top of the page)
API_PAGES = {
    "tensor": ("Tensor", ["tinygrad_edu.Tensor"],
               "The class every computation goes through: data, grad, the ops and backward."),
    "functions": ("Functions of tinygrad_edu", ["tinygrad_edu", "tinygrad_edu.linalg"],
                  "Module-level functions with PyTorch's names: factories, random draws, math, "
                  "autograd controls and checks."),
    "nn": ("nn: layers and modules", ["tinygrad_edu.nn"],
           "Modules with PyTorch's names, parameter names and shapes, and the checkpoint files."),
    "functional": ("nn.functional", ["tinygrad_edu.nn.functional"],
                   "The functions behind the layers and the losses, as `torch.nn.functional`."),
    "optim": ("optim", ["tinygrad_edu.optim", "tinygrad_edu.optim.lr_scheduler"],
              "Optimisers, from SGD to Adam and RNGD, learning-rate schedules and clipping."),
    "viz": ("viz", ["tinygrad_edu.viz"],
            "Graphs, the backprop stepper, weight sharing, linear regions and plots."),
    "train": ("train", ["tinygrad_edu.train"],
              "`fit`, `evaluate`, the History they return and the callbacks."),
    "data": ("data and utils.data", ["tinygrad_edu.data", "tinygrad_edu.utils.data"],
             "Seeded toy data sets, the digits and MNIST readers, Dataset and DataLoader."),
}


def public_names(namespace: str) -> list:
    """The classes and functions a namespace offers its users, in a stable order.

    `__all__` when the namespace has one, else every public attribute; only objects defined
    inside tinygrad_edu (not numpy's dtypes or the typing helpers a module imports).
    """
    module = importlib.import_module(namespace)
    declared = getattr(module, "__all__", None)
    names = declared or [n for n in dir(module) if not n.startswith("_")]
    home = namespace if declared else namespace.rpartition(".")[0] or namespace
    found = []
    for name in names:
        obj = getattr(module, name, None)
        if not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        if not getattr(obj, "__module__", "").startswith(home) or obj is _tensor_class():
            continue
        found.append(name)
    return found


def _tensor_class():
    from tinygrad_edu import Tensor
    return Tensor


def _tensor_families():
    """The Tensor methods by op family: one section per mixin of the class (ops/special.py's
    SpecialMethods, ...), headed by its module's file and first docstring sentence, so the page
    reads as the code is laid out."""
    lines = ["## Methods by family", ""]
    for mixin in _tensor_class().__bases__:
        module = importlib.import_module(mixin.__module__)
        path = mixin.__module__.removeprefix("tinygrad_edu.").replace(".", "/") + ".py"
        summary = (module.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
        lines += [f"### `{path}`", "", _plain_text(summary), "",
                  f"::: {mixin.__module__}.{mixin.__name__}", "    options:",
                  "      show_root_heading: false", "      heading_level: 4", ""]
    return lines


def _api_page(title, namespaces, sentence):
    lines = [f"# {title}", "", sentence, ""]
    for namespace in namespaces:
        if namespace == "tinygrad_edu.Tensor":
            lines += ["::: tinygrad_edu.Tensor", "    options:", "      heading_level: 2", ""]
            lines += _tensor_families()
            continue
        # a name re-exported from another namespace of this page is documented there, once
        others = set(namespaces) - {namespace}
        module = importlib.import_module(namespace)
        names = [n for n in public_names(namespace)
                 if getattr(getattr(module, n), "__module__", "") not in others]
        if len(namespaces) > 1:
            lines += [f"## `{namespace}`", ""]
        lines += [f"::: {namespace}.{name}\n    options:\n      heading_level: "
                  f"{3 if len(namespaces) > 1 else 2}\n" for name in names]
    return "\n".join(lines) + "\n"


def _run_lesson(module, figures_dir):
    """Run a lesson quickly; return (printed text, figure paths, did every claim hold)."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        result = module.run(quick=True, out_dir=figures_dir, seed=0)
    paths = [path for path in result.get("figures", []) if path and os.path.exists(path)]
    return printed.getvalue(), paths, all(result.get("checks", {}).values())


def _plain_text(text):
    """Docstring prose as Markdown that shows it as written: `F[W, b](x)` is no link and
    `a*b*c` no emphasis (code spans in backticks are kept as they are)."""
    pieces = text.split("`")
    for k in range(0, len(pieces), 2):                # outside backticks
        for char in "\\[]*_<":
            pieces[k] = pieces[k].replace(char, "\\" + char)
    # a "* " that starts a line is a bullet of the docstring's own list: keep it one
    return re.sub(r"^(\s*)\\\* ", r"\1* ", "`".join(pieces), flags=re.M)


def _lesson_page(name, summary, module, output, figures, held):
    doc = _plain_text((module.__doc__ or "").strip())
    title, _, body = doc.partition("\n")
    title = title.removeprefix("Lesson:").strip() or summary
    verdict = "every claim held" if held else "**a claim FAILED in this build**"
    lines = [f"# {name}", "", f"*{_plain_text(summary)}*", "", f"**{title}**", "", body.strip(), "",
             "## Run it", "", "```bash", f"tinygrad-edu lesson {name} --quick", "```", "",
             f"(or `python -m tinygrad_edu.lessons {name}` without `--quick` for the full run; "
             f"`--seed K` and `--out DIR` as for every lesson)", "",
             f"## What the quick run printed when this site was built ({verdict})", "",
             "```text", output.rstrip(), "```", ""]
    if figures:
        lines += ["## Figure", ""]
        lines += [f"![{name}: {os.path.basename(path)}]({name}/{os.path.basename(path)})"
                  for path in figures]
    return "\n".join(lines) + "\n"


def on_files(files, config):
    """Add the API pages, and lessons/NAME.md with its figures for every lesson."""
    from tinygrad_edu.lessons import LESSONS, load
    for page, (title, namespaces, sentence) in API_PAGES.items():
        files.append(File.generated(config, f"api/{page}.md",
                                    content=_api_page(title, namespaces, sentence)))
    workdir = tempfile.mkdtemp(prefix="tinygrad-edu-lessons-")
    for name, summary in LESSONS.items():
        module = load(name)
        figures_dir = os.path.join(workdir, name)
        output, figures, held = _run_lesson(module, figures_dir)
        page = _lesson_page(name, summary, module, output, figures, held)
        files.append(File.generated(config, f"lessons/{name}.md", content=page))
        for path in figures:
            files.append(File.generated(config, f"lessons/{name}/{os.path.basename(path)}",
                                        abs_src_path=path))
    return files


def on_config(config):
    """List a page per lesson under the nav's "Lessons" section, in the registry's order."""
    from tinygrad_edu.lessons import LESSONS
    for entry in config["nav"] or []:
        if isinstance(entry, dict) and "Lessons" in entry:
            entry["Lessons"] = list(entry["Lessons"]) + [{name: f"lessons/{name}.md"}
                                                         for name in LESSONS]
    return config
