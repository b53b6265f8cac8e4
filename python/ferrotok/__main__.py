"""`python -m ferrotok ...`: the same as the `ferrotok` command."""

import gc
import sys

gc.disable()  # start-up makes no garbage cycles; resumed by `cli.startup_over` (see `cli.GC_PAUSED`)

from ferrotok import _early_load  # noqa: E402

_early_load.start_early(sys.argv[1:])  # the tokenizer loads while the command's modules are imported

from ferrotok import cli  # noqa: E402

cli.GC_PAUSED = True
raise SystemExit(cli.main())
