"""``python -m corpusearch``."""

from corpusearch.cli import main

main()
