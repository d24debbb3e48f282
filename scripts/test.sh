#!/usr/bin/env bash
# Runs the whole suite: unit, integration (real Chroma, real embeddings), Chroma server mode,
# browser (Debian chromium), and the grounding eval gate. Called by `make test` and CI.
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False ANONYMIZED_TELEMETRY=False OMP_NUM_THREADS=1

# Browser tests need Debian's chromium; install it where we may (root), else they skip locally.
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "could not install chromium; browser tests will skip (or fail in CI)"
fi

# A real Chroma server on loopback for the server-mode tests.
data=$(mktemp -d)
port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
.venv/bin/chroma run --path "$data/chroma" --host 127.0.0.1 --port "$port" >"$data/chroma.log" 2>&1 &
chroma_pid=$!
trap 'kill $chroma_pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 60); do
  if .venv/bin/python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/api/v2/heartbeat', timeout=1)" 2>/dev/null; then
    break
  fi
  sleep 1
done
export ASSISTANT_TEST_CHROMA_URL="http://127.0.0.1:$port"

.venv/bin/pytest "$@"
