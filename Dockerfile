# One image for every omnihub part; docker-compose.yml picks the command.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY omnihub omnihub
COPY gateway gateway
COPY connectors connectors
COPY transforms transforms
COPY sandbox sandbox
RUN pip install --no-cache-dir .
COPY routes.yaml ./
COPY policies policies
ENV OMNIHUB_CONFIG=/app
USER nobody
ENTRYPOINT ["omnihub"]
