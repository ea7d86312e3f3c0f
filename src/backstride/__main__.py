"""`python -m backstride` runs the CLI."""

from backstride.present.cli import main

main()
