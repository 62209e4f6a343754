# The council's checking service (`ap-sheets serve`), see the README's "The checking service".
#   docker build -t ap-sheets-service .
#   docker run -d --read-only --tmpfs /tmp:mode=1777,size=200m -p 127.0.0.1:8000:8000 \
#       -v /etc/ap-sheets:/etc/ap-sheets ap-sheets-service
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    XLWINGS_LICENSE_KEY=noncommercial FORWARDED_ALLOW_IPS=127.0.0.1

COPY . /tmp/ap-sheets-src
RUN pip install "/tmp/ap-sheets-src[service]" && rm -rf /tmp/ap-sheets-src \
    && useradd --system --no-create-home --shell /usr/sbin/nologin apsheets

USER apsheets
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
    CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).read() != b'ok')"
CMD ["ap-sheets", "serve", "--config", "/etc/ap-sheets/council.toml", "--host", "0.0.0.0", "--port", "8000"]
