#!/usr/bin/env bash
# The whole mesh on this machine without Docker, checked the way scripts/test-docker checks the containers:
# `skymesh up` with admin, echo, three crypto replicas, chain and wallet (CurveZMQ keys, the admin registry);
# queries with meshctl and through admin's HTTP port; calls through registry+tcp:// spread over the replicas and
# all answered while one replica is killed; coins sent between two wallets (the wallet finds the chain through
# the registry too); the chain killed (the supervisor
# restarts it) and the whole mesh taken down and up again, with the blocks and balances intact; `skymesh down`.
# Last line `N passed, N failed`.
#   tests/e2e/local_mesh_test.sh BIN_DIR     (ctest runs it as local_mesh_test with BIN_DIR = build/bin)
set -uo pipefail
bin=$(cd "${1:?usage: local_mesh_test.sh BIN_DIR}" && pwd)
for tool in curl "$bin/skymesh" "$bin/meshctl"; do
  command -v "$tool" >/dev/null || { echo "local_mesh_test: $tool is missing"; echo "0 passed, 1 failed"; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/skymesh-local-mesh.XXXXXX")
var=$work/var
# Ten ports from here (admin, http, echo, crypto x3, chain, wallet), below Linux's ephemeral range (32768-):
# a killed serverlet's port must not be taken meanwhile as the source port of some connection.
base=$((20000 + RANDOM % 1200 * 10))
admin_port=$base http_port=$((base + 1)) echo_port=$((base + 2)) chain_port=$((base + 6)) wallet_port=$((base + 7))

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "  ok   $*"; }
fail() { failed=$((failed + 1)); echo "  FAIL $*"; }
check() {
  local what=$1 out
  shift
  if out=$("$@" 2>&1); then pass "$what"; else
    fail "$what"
    printf '%s\n' "$out" | tail -n 15 | sed 's/^/       /'
  fi
}
check_output() {
  local what=$1 pattern=$2 out
  shift 2
  if out=$("$@" 2>&1) && grep -qF -- "$pattern" <<<"$out"; then pass "$what"; else
    fail "$what"
    printf '%s\n' "$out" | tail -n 15 | sed 's/^/       /'
  fi
}
skymesh() { "$bin/skymesh" "$@" --var "$var"; }
cleanup() {
  local code=$?
  "$bin/skymesh" down --var "$var" >/dev/null 2>&1
  rm -rf "$work"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

api() { curl -sS --fail-with-body --max-time 20 -XPOST "http://127.0.0.1:$http_port/api/$1" -d "$2"; }
api_until() {  # METHOD BODY PATTERN: until the reply holds PATTERN (at most 60 s); prints the last reply
  local out
  for _ in $(seq 120); do
    out=$(api "$1" "$2" 2>&1) && grep -qF -- "$3" <<<"$out" && { printf '%s\n' "$out"; return 0; }
    sleep 0.5
  done
  printf '%s\n' "$out"
  return 1
}
json_field() { grep -o "\"$2\":\"[^\"]*\"" <<<"$1" | head -n 1 | cut -d'"' -f4; }
keys=$var/keys
via_registry() {
  "$bin/meshctl" --connect "registry+tcp://127.0.0.1:$admin_port/crypto" --key "$keys/client.key" \
    --server-key "$keys/admin.pub" --timeout 15000 "$@"
}
replica_calls() {  # crypto.hash calls served by the replica on port $1 (its sys.stats)
  "$bin/meshctl" --connect "tcp://127.0.0.1:$1" --key "$keys/client.key" --server-key "$keys/$2.pub" stats |
    grep -o '"name":"crypto.hash","calls":"[0-9]*"' | grep -o '[0-9]*"$' | tr -d '"'
}
pid_of() { skymesh status 2>/dev/null | awk -v n="$1" '$1 == n {print $3}'; }

cat >"$work/mesh.toml" <<EOF
[mesh]
registry = "tcp://127.0.0.1:$admin_port"
curve = true

[supervisor]
backoff_initial_ms = 200
start_timeout_ms = 60000
log_max_bytes = 1024   # the smallest allowed: the logs rotate during the test
log_keep = 2

[[serverlet]]
name = "admin"
listen = "tcp://127.0.0.1:$admin_port"
flags = ["--http", "127.0.0.1:$http_port", "--lease-ms", "2000"]

[[serverlet]]
name = "echo"
listen = "tcp://127.0.0.1:$echo_port"

[[serverlet]]
name = "crypto-a"
program = "crypto"
listen = "tcp://127.0.0.1:$((base + 3))"

[[serverlet]]
name = "crypto-b"
program = "crypto"
listen = "tcp://127.0.0.1:$((base + 4))"

[[serverlet]]
name = "crypto-c"
program = "crypto"
listen = "tcp://127.0.0.1:$((base + 5))"

[[serverlet]]
name = "chain"
listen = "tcp://127.0.0.1:$chain_port"
genesis = true
block_maker = true
flags = ["--block-interval", "1"]

[[serverlet]]
name = "wallet"
listen = "tcp://127.0.0.1:$wallet_port"
# The chain found through the registry, as in docker-compose: the key given is the registry's.
flags = ["--chain", "registry+tcp://127.0.0.1:$admin_port/chain", "--chain-key", "{var}/keys/admin.pub"]

[genesis]
generate = true
EOF

echo "== skymesh up (admin, echo, crypto x3, chain, wallet)"
check_output "skymesh up" "wallet     listening on" skymesh up --config "$work/mesh.toml"
check "skymesh status: every serverlet healthy" skymesh status
check "public keys only for clients: keys/crypto-a.pub holds no secret" \
  bash -c "grep -q '^public = ' '$keys/crypto-a.pub' && ! grep -q secret '$keys/crypto-a.pub'"

echo "== admin: registry and HTTP port"
check_output "GET /healthz" "ok" curl -sS --fail --max-time 10 "http://127.0.0.1:$http_port/healthz"
check_output "admin.list: three live crypto instances" "3" \
  bash -c "for i in \$(seq 60); do n=\$(curl -sS -XPOST http://127.0.0.1:$http_port/api/admin/admin.list \
    -d '{\"name\":\"crypto\"}' | grep -o '\"health\":\"live\"' | wc -l); [ \$n = 3 ] && break; sleep 0.5; done; echo \$n"
hash_reply="{\"digest\":\"$(printf hello | sha256sum | cut -d' ' -f1)\"}"
check_output "HTTP: crypto.hash through the bridge" "$hash_reply" api crypto/crypto.hash '{"data":"68656c6c6f"}'
check_output "HTTP: echo.echo through the bridge" '"text":"local"' api echo/echo.echo '{"text":"local"}'
check_output "GET /metrics" "# TYPE" curl -sS --fail --max-time 10 "http://127.0.0.1:$http_port/metrics"

echo "== registry+tcp://: calls spread over the three replicas"
replicas=(crypto-a crypto-b crypto-c)  # on ports base+3, base+4, base+5
before=()
for i in 0 1 2; do before+=("$(replica_calls $((base + 3 + i)) "${replicas[$i]}")"); done
answered=0
for _ in $(seq 45); do
  [ "$(via_registry call crypto.hash '{"data":"68656c6c6f"}' 2>&1)" = "$hash_reply" ] && answered=$((answered + 1))
done
check "45 calls through registry+tcp all answered ($answered)" test "$answered" = 45
served=0
spread=()
for i in 0 1 2; do
  delta=$(($(replica_calls $((base + 3 + i)) "${replicas[$i]}") - ${before[$i]:-0}))
  spread+=("$delta")
  [ "$delta" -gt 0 ] && served=$((served + 1))
done
check "every replica served some of the calls (${spread[*]})" test "$served" = 3

echo "== one replica killed under load"
answered=0
victim=$(pid_of crypto-b)
for i in $(seq 60); do
  [ "$i" = 15 ] && check "kill -9 crypto-b (pid $victim)" kill -9 "$victim"
  [ "$(via_registry call crypto.hash '{"data":"68656c6c6f"}' 2>&1)" = "$hash_reply" ] && answered=$((answered + 1))
done
check "every call answered while a replica died ($answered of 60)" test "$answered" = 60
check_output "the supervisor restarted crypto-b" "running" \
  bash -c "for i in \$(seq 60); do p=\$('$bin/skymesh' status --var '$var' | awk '\$1 == \"crypto-b\" {print \$2, \$3}');
    case \$p in running*) [ \"\${p#running }\" != '$victim' ] && { echo \$p; exit 0; } ;; esac; sleep 0.5; done; exit 1"

echo "== chain and wallet: send coins, kill the chain, restart the mesh; the data stays"
seed=$(cat "$keys/genesis.seed")
created=$(api wallet/wallet.create "{\"label\":\"genesis\",\"seed\":\"$seed\"}" 2>&1)
genesis_wallet=$(json_field "$created" id)
check "wallet.create from the genesis seed ($genesis_wallet)" test -n "$genesis_wallet"
created=$(api wallet/wallet.create '{"label":"receiver"}' 2>&1)
receiver=$(json_field "$created" id)
receiver_address=$(grep -o '"addresses":\["[^"]*"' <<<"$created" | cut -d'"' -f4)
check "a second wallet ($receiver_address)" test -n "$receiver_address"
sent=$(api_until wallet/wallet.send \
  "{\"id\":\"$genesis_wallet\",\"to\":[{\"address\":\"$receiver_address\",\"coins\":\"12.5\"}]}" '"transaction"')
txid=$(json_field "$sent" transaction)
check "wallet.send 12.5 SKY ($txid)" test -n "$txid"
check_output "a block confirms it: the receiver holds 12.5 SKY" '"coins":"12.5"' \
  api_until wallet/wallet.balance "{\"id\":\"$receiver\"}" '"coins":"12.5"'
head=$(json_field "$(api chain/chain.status '{}' 2>&1)" headHash)
check "the chain's head (${head:0:16}...)" test -n "$head"
chain_pid=$(pid_of chain)
check "kill -9 the chain (pid $chain_pid)" kill -9 "$chain_pid"
check_output "restarted by the supervisor: the same head" "\"headHash\":\"$head\"" \
  api_until chain/chain.status '{}' "\"headHash\":\"$head\""
check "logs rotated: log/skymesh.log.1 exists, no copy past log_keep" \
  bash -c "test -s '$var/log/skymesh.log.1' && ! ls '$var/log/'*.log.3 >/dev/null 2>&1"
check "skymesh down" skymesh down
no_serverlet_left() { ! pgrep -f -- "skymesh-[a-z]+ .*$var/" >/dev/null; }
check "no serverlet left running" no_serverlet_left
check_output "skymesh up again" "wallet     listening on" skymesh up --config "$work/mesh.toml"
check_output "after the restart: the same head" "\"headHash\":\"$head\"" \
  api_until chain/chain.status '{}' "\"headHash\":\"$head\""
check_output "after the restart: the transaction is in the chain" "$txid" api chain/chain.transaction "{\"id\":\"$txid\"}"
check_output "after the restart: the receiver still holds 12.5 SKY" '"coins":"12.5"' \
  api_until wallet/wallet.balance "{\"id\":\"$receiver\"}" '"coins":"12.5"'
check "skymesh down" skymesh down

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
