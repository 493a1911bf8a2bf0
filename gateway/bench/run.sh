#!/usr/bin/env bash
# Benchmark: nginx with the CORS configuration ingress-nginx renders for its
# CORS annotations, against cors-gateway with the equivalent policy; the
# same upstream (nginx answering from memory), the same load (wrk), on
# loopback. Prints a correctness table and a performance table (markdown).
#
#   gateway/bench/run.sh                 # 10 s per run, 64 connections
#   gateway/bench/run.sh --smoke         # 1 s per run, 4 connections: checks the harness
#   DURATION=30 CONNECTIONS=128 gateway/bench/run.sh
#
# Needs (Debian): nginx-light (or nginx), libnginx-mod-http-headers-more-filter,
# wrk, python3. Both proxies get the same number of workers (WORKERS,
# default: the number of cores); wrk runs one thread on the same machine,
# so every number is for a machine shared by load generator, proxy and
# upstream. Bounded: 2 scenarios x 2 proxies x (1 s warm-up + DURATION).
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
WORKERS=${WORKERS:-$(nproc)}
if [ "${1:-}" = "--smoke" ]; then
  DURATION=1
  CONNECTIONS=4
fi

missing=()
command -v nginx >/dev/null 2>&1 || missing+=("nginx-light")
[ -f /usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so ] ||
  missing+=("libnginx-mod-http-headers-more-filter")
command -v wrk >/dev/null 2>&1 || missing+=("wrk")
command -v python3 >/dev/null 2>&1 || missing+=("python3")
if [ "${#missing[@]}" -gt 0 ]; then
  echo "bench: missing ${missing[*]} (Debian: apt-get install ${missing[*]})" >&2
  exit 1
fi

cargo build --release -p cors-gateway >&2
gateway_bin=target/release/cors-gateway

dir=$(mktemp -d /tmp/cors-gateway-bench.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT

# Three free loopback ports (nginx cannot be given port 0). The window
# between closing these and nginx binding them is the usual small race.
read -r up_port nginx_port gw_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')

render() {
  sed -e "s#@DIR@#$dir#g" -e "s#@PORT@#$nginx_port#g" \
      -e "s#@UPSTREAM_PORT@#$up_port#g" -e "s#@WORKERS@#$WORKERS#g" "$1" > "$2"
}
render gateway/bench/nginx-upstream.conf.in "$dir/upstream.conf"
render gateway/bench/nginx-ingress.conf.in "$dir/ingress.conf"

wait_port() {
  for _ in $(seq 100); do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $1), 0.2)" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "bench: nothing listens on port $1" >&2
  exit 1
}

nginx -e "$dir/startup-upstream.log" -p "$dir" -c "$dir/upstream.conf" &
pids+=($!)
nginx -e "$dir/startup-ingress.log" -p "$dir" -c "$dir/ingress.conf" &
nginx_pid=$!
pids+=($nginx_pid)
"$gateway_bin" --upstream "http://127.0.0.1:$up_port" --policy gateway/bench/policy.toml \
  --listen "127.0.0.1:$gw_port" --threads "$WORKERS" >"$dir/gateway.out" 2>"$dir/gateway.log" &
gw_pid=$!
pids+=($gw_pid)
wait_port "$up_port"
wait_port "$nginx_port"
wait_port "$gw_port"

# Resident memory in KiB of a process and its children (nginx's workers).
rss_kib() {
  local total=0 pid
  for pid in "$1" $(pgrep -P "$1" || true); do
    total=$((total + $(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

echo "### Correctness: the same requests to both"
echo
PYTHONDONTWRITEBYTECODE=1 python3 gateway/bench/compare.py "127.0.0.1:$nginx_port" "127.0.0.1:$gw_port"
echo

results="$dir/results.tsv"
for scenario in actual preflight; do
  for impl in ingress-nginx cors-gateway; do
    if [ "$impl" = ingress-nginx ]; then port=$nginx_port; pid=$nginx_pid; else port=$gw_port; pid=$gw_pid; fi
    url="http://127.0.0.1:$port/api/items"
    wrk -t1 -c"$CONNECTIONS" -d1s -s "gateway/bench/$scenario.lua" "$url" >/dev/null
    out=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "gateway/bench/$scenario.lua" "$url")
    rss=$(rss_kib "$pid")
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '/^ +50%/ {print $2}' <<<"$out")
    p99=$(awk '/^ +99%/ {print $2}' <<<"$out")
    errors=$(awk '/Non-2xx or 3xx responses|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "$impl" "$rps" "$p50" "$p99" "$rss" "${errors:-none}" >>"$results"
  done
done

echo "### Throughput and latency (wrk -t1 -c$CONNECTIONS -d${DURATION}s, $WORKERS workers each)"
echo
echo "| scenario | implementation | requests/s | p50 | p99 | RSS after run | errors |"
echo "|---|---|---:|---:|---:|---:|---|"
while IFS=$'\t' read -r scenario impl rps p50 p99 rss errors; do
  printf '| %s | %s | %s | %s | %s | %s MiB | %s |\n' "$scenario" "$impl" "$rps" "$p50" "$p99" \
    "$(awk -v k="$rss" 'BEGIN {printf "%.1f", k / 1024}')" "$errors"
done <"$results"
echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), \
$(awk -F: '/model name/ {gsub(/^ +/, "", $2); print $2; exit}' /proc/cpuinfo); \
$(nginx -v 2>&1 | sed 's/.*: //'); cors-gateway $(git rev-parse --short HEAD)"
