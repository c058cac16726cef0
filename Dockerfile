# lintgate as the lint stage of a containerized CI build:
#   DOCKER_BUILDKIT=1 docker build --target lint .     (make lint-docker)
# fails exactly when the gate fails, with lintgate's diagnostics in the build log.
# No `# syntax=` line: RUN --mount (bind, cache) is stable in the Dockerfile frontend built into
# BuildKit (Docker 23 and later; 20.10 with DOCKER_BUILDKIT=1), so a build pulls no frontend image.

# base: lintgate installed from the build context (only the files its package is built from,
# so that editing a test does not reinstall it), with the isort, black and libcst versions of
# constraints.txt: the verdicts are those the tests were run with, whatever PyPI serves today.
# The base image is pinned to a Python patch release and Debian release. To update it: pick
# the new tag (https://hub.docker.com/_/python), and to pin its bytes too, append the digest
# that `docker buildx imagetools inspect python:TAG` prints (`FROM python:TAG@sha256:...`).
FROM python:3.12.12-slim-bookworm AS base
COPY pyproject.toml README.md constraints.txt /tmp/lintgate/
COPY lintgate /tmp/lintgate/lintgate
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install -c /tmp/lintgate/constraints.txt /tmp/lintgate && rm -rf /tmp/lintgate

# lint: the gate over the source, bind-mounted read-only (bind mounts are read-only unless `rw`
# is given; lintgate writes nothing into the tree it checks), with lintgate's result cache on a
# cache mount that outlives the build. The command is the Makefile's LINT_CMD, as `make gate`
# runs it. The image has no git: lintgate then walks the tree honouring .gitignore files.
FROM base AS lint
ENV LINTGATE_CACHE_DIR=/cache
WORKDIR /src
RUN --mount=type=bind,target=/src \
    --mount=type=cache,target=/cache \
    lintgate
