# Leerkring: one image for web (gunicorn), worker, render worker and beat.
FROM python:3.11-slim-bookworm

# MPLCONFIGDIR: matplotlib's font cache is built into the image (and writable by the app user),
# so no worker builds it again on its first chart.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON_DOWNLOADS=never \
    MPLCONFIGDIR=/opt/matplotlib \
    PATH=/opt/venv/bin:$PATH

# WeasyPrint's system libraries: Pango, and HarfBuzz with libharfbuzz-subset0 (without it
# WeasyPrint falls back to fontTools for font subsetting, many times slower). The PDFs use the
# font shipped in static/; DejaVu and Liberation are the fallbacks.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libjpeg62-turbo libopenjp2-7 \
      fonts-dejavu-core fonts-liberation2 \
 && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir uv==0.13.8

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
RUN pybabel compile --domain django --directory locale \
 && DATA_DIR=/tmp/build SECRET_KEY="build-only-$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    python manage.py collectstatic --no-input --verbosity 0 \
 && rm -rf /tmp/build \
 && python -c "import matplotlib.font_manager" \
 && useradd --system --home-dir /app leerkring \
 && mkdir -p /data/media /data/private \
 && chown -R leerkring /data /opt/matplotlib

USER leerkring
ENV MEDIA_ROOT=/data/media PRIVATE_ROOT=/data/private DATA_DIR=/data
EXPOSE 8000
CMD ["gunicorn", "leerkring.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
