# One image for every omnihub part; docker-compose.yml picks the command.
FROM python:3.11-slim
WORKDIR /app

# Dependencies first, from the lock (versions and hashes CI tested): this layer is rebuilt
# only when requirements.lock changes, not on every change of the code.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock \
 && awk '/^elements-oscrypto==/{p=1} p{print} p&&!/\\$/{exit}' requirements.lock > /tmp/oscrypto.lock \
 && pip install --no-cache-dir --no-deps --force-reinstall --require-hashes -r /tmp/oscrypto.lock \
 && rm /tmp/oscrypto.lock
# (the fixed oscrypto must win over pyas2lib's: see scripts/bootstrap.sh)

# Then the code, installed without touching the dependencies.
COPY pyproject.toml README.md ./
COPY omnihub omnihub
COPY gateway gateway
COPY connectors connectors
COPY transforms transforms
COPY sandbox sandbox
COPY hub hub
RUN pip install --no-cache-dir --no-deps .

# The example configuration and its YAML tests (`omnihub routes test` runs them).
COPY routes.yaml ./
COPY policies policies
# pipeline-tests/fixtures holds the example bodies routes.yaml names (OpenAPI examples).
COPY pipeline-tests pipeline-tests
ENV OMNIHUB_CONFIG=/app
# Each part answers on its own health URL; compose sets it per service (default: the
# gateway's readiness on its operator port: broker and Redis answer).
ENV OMNIHUB_HEALTH_URL=http://127.0.0.1:9180/readyz
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(os.environ['OMNIHUB_HEALTH_URL'], timeout=4)"]
USER nobody
ENTRYPOINT ["omnihub"]
