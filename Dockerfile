# dukungan: API (`dukungan serve`), workers (`dukungan worker`) and migrations in one image.
# Bookworm, like the machines the project is developed and tested on (same Tesseract 5 paths).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DUKUNGAN_TESSDATA_DIR=/usr/share/tesseract-ocr/5/tessdata

RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        tesseract-ocr tesseract-ocr-ind tesseract-ocr-eng fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so a code change does not reinstall them: install from the metadata alone.
COPY pyproject.toml README.md ./
RUN mkdir -p dukungan && touch dukungan/__init__.py \
    && pip install . \
    && pip uninstall -y dukungan \
    && rm -rf dukungan build *.egg-info

COPY dukungan ./dukungan
COPY pipelines ./pipelines
COPY workers ./workers
COPY storage ./storage
COPY ingest_api ./ingest_api
COPY synth ./synth
RUN pip install --no-deps . && rm -rf build *.egg-info

RUN useradd --system --create-home --home-dir /home/dukungan dukungan \
    && mkdir -p /app/var && chown dukungan:dukungan /app/var
USER dukungan

EXPOSE 8000
CMD ["dukungan", "serve", "--host", "0.0.0.0", "--port", "8000"]
