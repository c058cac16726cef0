import os
import sys


def main() -> int:
    """Print where Python runs from."""
    print(os.getcwd(), sys.executable)
    return 0
