# syntax=docker/dockerfile:1
# lintgate as the lint stage of a containerized CI build:
#   DOCKER_BUILDKIT=1 docker build --target lint .     (make lint-docker)
# fails exactly when the gate fails, with lintgate's diagnostics in the build log.

# base: lintgate installed from the build context (only the files its package is built from,
# so that editing a test does not reinstall it).
FROM python:3.12-slim AS base
COPY pyproject.toml README.md /tmp/lintgate/
COPY lintgate /tmp/lintgate/lintgate
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install /tmp/lintgate && rm -rf /tmp/lintgate

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
