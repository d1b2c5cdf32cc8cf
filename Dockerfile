# casework runtime image: `casework api` (default), `casework worker`, `casework migrate`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --system --uid 10001 --create-home --home-dir /home/casework casework

WORKDIR /app
COPY --chown=casework:casework . /app
RUN pip install --no-cache-dir .

USER casework
EXPOSE 8000
CMD ["casework", "api", "--host", "0.0.0.0"]
