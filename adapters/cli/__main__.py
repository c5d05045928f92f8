"""`python -m adapters.cli`: the `candidate-assistant` command."""

from adapters.cli.main import main

raise SystemExit(main())
