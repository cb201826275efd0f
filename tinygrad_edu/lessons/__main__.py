"""`python -m tinygrad_edu.lessons NAME`: run one lesson (see --help)."""
import sys

from . import main

sys.exit(main())
