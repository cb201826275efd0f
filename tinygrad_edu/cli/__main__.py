"""`python -m tinygrad_edu.cli`: the same as the `tinygrad-edu` command."""
import sys

from . import main

sys.exit(main())
