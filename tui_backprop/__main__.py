"""``python -m tui_backprop``: the same as the ``tui-backprop`` command."""

import sys

from tui_backprop.cli import main

sys.exit(main())
