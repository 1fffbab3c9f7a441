# One image for every omnihub part; docker-compose.yml picks the command.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY omnihub omnihub
COPY gateway gateway
COPY connectors connectors
COPY transforms transforms
COPY sandbox sandbox
RUN pip install --no-cache-dir . \
 && pip install --no-cache-dir --no-deps --force-reinstall 'elements-oscrypto>=1.4.0b1'
# (the second line: see scripts/bootstrap.sh — the fixed oscrypto must win over pyas2lib's)
COPY routes.yaml ./
COPY policies policies
# pipeline-tests/fixtures holds the example bodies routes.yaml names (OpenAPI examples).
COPY pipeline-tests pipeline-tests
ENV OMNIHUB_CONFIG=/app
USER nobody
ENTRYPOINT ["omnihub"]
