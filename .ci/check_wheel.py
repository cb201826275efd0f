"""Build the wheel and check what it installs: `tinygrad_edu` alone at the top level, every subpackage in it.

Usage: python .ci/check_wheel.py OUT_DIR   (exit 1 with the reason when the wheel is wrong)
"""
import pathlib
import subprocess
import sys
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
MAPPED = {"tinygrad_edu": "tinygrad_edu", "nn": "tinygrad_edu/nn", "optim": "tinygrad_edu/optim",
          "viz": "tinygrad_edu/viz", "bench": "tinygrad_edu/bench"}


def packages_in_tree() -> list:
    """Every package of the source tree, under the name it must have inside the wheel."""
    found = []
    for folder, installed_as in MAPPED.items():
        for init in sorted((ROOT / folder).rglob("__init__.py")):
            relative = init.parent.relative_to(ROOT / folder).as_posix()
            found.append(installed_as if relative == "." else f"{installed_as}/{relative}")
    return found


def main(out_dir: str) -> int:
    out = pathlib.Path(out_dir)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
                   check=True)
    wheel = next(out.glob("tinygrad_edu-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith((".dist-info", ".data"))}
    packages = {name.rsplit("/", 1)[0] for name in names if name.endswith("/__init__.py")}
    problems = [f"top-level entry other than tinygrad_edu: {name}" for name in sorted(top - {"tinygrad_edu"})]
    problems += [f"missing subpackage: {name}" for name in packages_in_tree() if name not in packages]
    for problem in problems:
        print(f"check_wheel: {wheel.name}: {problem}")
    if not problems:
        print(f"check_wheel: {wheel.name}: top level {sorted(top)}, {len(packages)} packages, OK")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
