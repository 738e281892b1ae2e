"""Where the seed files are, for tests."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
INSS = SEEDS / "000_8bf490cc8fc391d2.txt"
FRANCE24 = SEEDS / "003_f505fbb7fe865b80.txt"
