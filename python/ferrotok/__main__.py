"""`python -m ferrotok ...`, and the `ferrotok` command (`main`)."""

import gc
import sys


def main() -> int:
    """The command line: the tokenizer of an `encode --format bin` run starts loading before the command's
    modules are imported (see `_early_load`).

    Decision: the `ferrotok` command runs this rather than `cli.main`: its script would import `cli` (argparse,
    json, pathlib, typing: 45 M instructions) before the load could start, and `python -m` adds `runpy`'s
    imports (17 M) in front of the load that the command does without."""
    gc.disable()  # start-up makes no garbage cycles; resumed by `cli.startup_over` (see `cli.GC_PAUSED`)

    from ferrotok import _early_load

    _early_load.start_early(sys.argv[1:])  # the tokenizer loads while the command's modules are imported

    from ferrotok import cli

    cli.GC_PAUSED = True
    return cli.main()


if __name__ == "__main__":
    raise SystemExit(main())
