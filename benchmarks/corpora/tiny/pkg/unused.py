import json
import os


def dump(value) -> str:
    return json.dumps(value)
