#!/usr/bin/env bash
# issue 14 point 8: `certdesk-cli order run issue` as a whole process (module load,
# logins, the flow, the receipt and slip PDFs) against the shell pipeline a hall
# would script for the same first issuance (P-256), side by side in one hyperfine
# run (Debian package hyperfine). Each iteration starts on a fresh blank token:
# hyperfine --prepare restores a copy of the data folder (certdesk) or empties the
# SoftHSM2 store (pipeline); neither is timed.
#   bench/bench_cli.sh [BUILD_DIR=build] [RUNS=20] [BEFORE_BUILD_DIR]
# With BEFORE_BUILD_DIR, that build's certdesk-cli runs in the same hyperfine run too
# (its own copy of the data folder), for a before/after comparison under the same load.
# The PINs and passwords are random per run, kept in files under a private temp
# folder that is removed at exit, and never printed.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
runs=${2:-20}
before=${3:-}
cli=$build/app/certdesk-cli
module=/usr/lib/softhsm/libsofthsm2.so
for tool in hyperfine softhsm2-util pkcs11-tool openssl; do
  command -v "$tool" >/dev/null || { echo "bench_cli: $tool is missing (apt-get install hyperfine softhsm2 opensc openssl libengine-pkcs11-openssl)" >&2; exit 1; }
done
umask 077
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
openssl rand -hex 12 > "$work/admin.pw"
openssl rand -hex 12 > "$work/teller.pw"
openssl rand -hex 4 > "$work/pin"        # the customer's PIN (digits and a–f)
openssl rand -hex 8 > "$work/so.pin"

# --- certdesk: a data folder with an admin and a teller, copied afresh for every run
export CERTDESK_LANG=en
"$cli" --data-dir "$work/template" init --branch BJ01 --branch-name "示例网点" --admin admin --password-file "$work/admin.pw" >/dev/null
"$cli" --data-dir "$work/template" staff add teller1 --role teller --password-file "$work/teller.pw" \
  --as admin --as-password-file "$work/admin.pw" >/dev/null
cat > "$work/req.json" <<'JSON'
{
  "organisation": {"name": "北京示例科技有限公司", "uscc": "91110108MA01C8D24U"},
  "handler": {"name": "张三", "id_number": "11010519491231002X"},
  "documents": {
    "application_form": {"present": true, "stamped": true, "business_type": "issue"},
    "org_code_copy":    {"present": true, "stamped": true},
    "handler_id_copy":  {"present": true, "stamped": true},
    "token":            {"present": true}
  },
  "token_serial": "2100012345",
  "reason": "",
  "payment": {"method": "cash", "amount_fen": 5000}
}
JSON
cat > "$work/prepare-certdesk.sh" <<EOF
set -e
rm -rf "$work/run"; cp -a "$work/template" "$work/run"
"$cli" --data-dir "$work/run" token insert-blank --serial 2100012345 >/dev/null
EOF
before_args=()
if [ -n "$before" ]; then
  cat > "$work/prepare-before.sh" <<EOF
set -e
rm -rf "$work/run-before"; cp -a "$work/template" "$work/run-before"
"$before/app/certdesk-cli" --data-dir "$work/run-before" token insert-blank --serial 2100012345 >/dev/null
EOF
  before_args=(--prepare "bash $work/prepare-before.sh" --command-name "certdesk-cli order run issue (before: $before)"
    "$before/app/certdesk-cli --data-dir $work/run-before order run issue --request $work/req.json --as teller1 --as-password-file $work/teller.pw --new-pin-file $work/pin")
fi
certdesk_cmd="$cli --data-dir $work/run order run issue --request $work/req.json --as teller1 --as-password-file $work/teller.pw --new-pin-file $work/pin"

# --- the pipeline: a file CA (what a script would keep), a SoftHSM2 store of its own
openssl ecparam -name prime256v1 -genkey -noout -out "$work/ca.key" 2>/dev/null
openssl req -new -x509 -key "$work/ca.key" -subj "/CN=Bench Hall CA" -days 3650 -out "$work/ca.pem" 2>/dev/null
mkdir -p "$work/p11/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\n' "$work/p11/tokens" > "$work/p11/softhsm2.conf"
cat > "$work/p11/openssl.cnf" <<EOF
openssl_conf = openssl_init
[openssl_init]
engines = engine_section
[engine_section]
pkcs11 = pkcs11_section
[pkcs11_section]
engine_id = pkcs11
dynamic_path = /usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so
MODULE_PATH = $module
init = 0
[req]
distinguished_name = dn
[dn]
EOF
cat > "$work/pipeline.sh" <<EOF
set -e
export SOFTHSM2_CONF=$work/p11/softhsm2.conf
pin=\$(cat $work/pin); so=\$(cat $work/so.pin); cd $work/p11
softhsm2-util --init-token --free --label 2100012345 --so-pin "\$so" --pin "\$pin" >/dev/null
pkcs11-tool --module $module --token-label 2100012345 --login --pin "\$pin" --keypairgen --key-type EC:prime256v1 --id 01 --label key >/dev/null
OPENSSL_CONF=$work/p11/openssl.cnf openssl req -engine pkcs11 -keyform engine -key "pkcs11:token=2100012345;object=key;type=private;pin-value=\$pin" \
  -new -subj "/CN=北京示例科技有限公司/O=北京示例科技有限公司/C=CN" -utf8 -out csr.pem 2>/dev/null
openssl x509 -req -in csr.pem -CA $work/ca.pem -CAkey $work/ca.key -CAcreateserial -days 365 -outform DER -out cert.der 2>/dev/null
pkcs11-tool --module $module --token-label 2100012345 --login --pin "\$pin" --write-object cert.der --type cert --id 01 --label cert >/dev/null
EOF
prepare_pipeline="rm -rf $work/p11/tokens && mkdir $work/p11/tokens"

# One untimed round of each, so a broken side fails here with its message.
bash "$work/prepare-certdesk.sh" && $certdesk_cmd >/dev/null 2>&1
eval "$prepare_pipeline" && bash "$work/pipeline.sh"
SOFTHSM2_CONF=$work/p11/softhsm2.conf pkcs11-tool --module $module --token-label 2100012345 -O 2>/dev/null | grep -q "Certificate Object" \
  || { echo "bench_cli: the pipeline stored no certificate" >&2; exit 1; }

hyperfine --runs "$runs" --warmup 2 --style basic --export-markdown "$work/result.md" --export-json "$work/result.json" \
  --prepare "bash $work/prepare-certdesk.sh" --command-name "certdesk-cli order run issue" "$certdesk_cmd" \
  --prepare "$prepare_pipeline" --command-name "shell pipeline (softhsm2-util, pkcs11-tool, openssl)" "bash $work/pipeline.sh" \
  "${before_args[@]}"
cat "$work/result.md"
python3 - "$work/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
med = {x["command"]: x["median"] * 1000 for x in r}
user = {x["command"]: x["user"] * 1000 for x in r}
system = {x["command"]: x["system"] * 1000 for x in r}
for c in med:
    print(f"median {med[c]:7.1f} ms  (user CPU {user[c]:6.1f} ms, system {system[c]:6.1f} ms)  {c}")
m = list(med.values())
print(f"ratio certdesk / pipeline (medians): {m[0] / m[1]:.2f}x (target <= 1.0x)")
if len(m) > 2:
    print(f"ratio before / pipeline (medians): {m[2] / m[1]:.2f}x; after / before: {m[0] / m[2]:.2f}x")
PY
