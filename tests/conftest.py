import pathlib
import sys

# Test helpers (tests/imports_pyflakes.py) import as top-level modules.
sys.path.insert(0, str(pathlib.Path(__file__).parent))
