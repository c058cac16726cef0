"""lintgate: a lint and format gate for Python repositories."""

__version__ = "0.2.0"

# The project's home, where reports link (SARIF's informationUri, the rules' helpUri into
# docs/): one place to change when the project is published. The README's Quick start calls
# it OWNER/lintgate; nothing is on PyPI under the name (README).
HOME = "https://github.com/lintgate/lintgate"
