"""`python -m ferrotok ...`: the same as the `ferrotok` command."""

from ferrotok.cli import main

raise SystemExit(main())
