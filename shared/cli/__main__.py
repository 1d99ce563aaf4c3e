"""`python -m shared.cli`: how `birlikte up` starts its child processes."""
from shared.cli import main

main()
