# graphsvc's image, built by compose.yaml (docs/operations.md, "Running with Docker Compose").
# The install is editable (pip install -e) on purpose: the Neo4j store reads its Cypher statements
# from queries/ and its constraints from schema/, the folders beside the graphsvc package.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

RUN groupadd --gid 10001 graphsvc && useradd --uid 10001 --gid 10001 --create-home graphsvc

WORKDIR /app
COPY pyproject.toml README.md ./
COPY graphsvc/ graphsvc/
COPY queries/ queries/
COPY schema/ schema/
RUN pip install --no-cache-dir -e /app && python -m compileall -q graphsvc

USER 10001:10001
# Listen on every address of the container; the port is published (or not) by whoever runs it.
ENV GRAPHSVC_HOST=0.0.0.0 \
    GRAPHSVC_PORT=8000
EXPOSE 8000
CMD ["graphsvc", "serve"]
