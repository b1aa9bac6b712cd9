#!/usr/bin/env bash
# Verify throughput of tanba-wss vs python-xmlsec (libxmlsec1) on the same signed 4 KB
# SmartBridge SendMessage envelopes (RSA-2048, exclusive C14N, KeyIdentifier profile),
# both on one core, measured in the same run as envelopes per CPU-second of the verifying
# thread (so that other processes on a shared machine do not distort the ratio), in
# interleaved rounds. Prints both rates and their ratio.
#
# The peer does the same work as tanba-wss: it takes the signer's key from the envelope
# (the certificate in wsse:KeyIdentifier, as a SmartBridge receiver must), locates the Body
# by its wsu:Id and verifies. A second peer figure, with the key loaded once out of band
# (`preloaded`: no certificate is read per message), is printed for reference; tanba-wss
# has no such shortcut, so the target ratio is taken against the same-work flow.
#
#   crates/wss/benches/compare_python_xmlsec.sh [SECONDS] [ENVELOPES]
set -euo pipefail
SECONDS_PER_RUN="${1:-5}"
COUNT="${2:-64}"
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"

# The peer: python3-xmlsec (Debian package; pip `xmlsec` as a fallback), system python.
PY=/usr/bin/python3
if ! "$PY" -c 'import xmlsec, lxml' 2>/dev/null; then
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
        apt-get install -y --no-install-recommends python3-xmlsec python3-lxml >/dev/null
    else
        "$PY" -m pip install --user xmlsec lxml
    fi
fi
"$PY" -c 'import xmlsec, lxml' || { echo "python-xmlsec is not available" >&2; exit 2; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cargo build --release -q -p tanba-wss --example peer_compare
BIN="$ROOT/target/release/examples/peer_compare"
"$BIN" gen "$WORK/env" "$COUNT"
echo "envelopes: $COUNT × $(stat -c %s "$WORK/env/env0000.xml") bytes (signed), ${SECONDS_PER_RUN}s per side"

cat > "$WORK/peer.py" <<'PY'
import base64, glob, sys, time
import xmlsec
from lxml import etree
d, secs, mode = sys.argv[1], float(sys.argv[2]), sys.argv[3]
envs = [open(f, "rb").read() for f in sorted(glob.glob(d + "/*.xml"))]
key = xmlsec.Key.from_file(d + "/cert.pem", xmlsec.constants.KeyDataFormatCertPem)
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
def check(data, preloaded):
    root = etree.fromstring(data)
    body = root.find("{%s}Body" % SOAP)
    ctx = xmlsec.SignatureContext()
    ctx.register_id(body, "Id", WSU)
    sig = xmlsec.tree.find_node(root, xmlsec.constants.NodeSignature)
    if preloaded:
        ctx.key = key
    else:
        ki = sig.find(".//{%s}KeyIdentifier" % WSSE)
        ctx.key = xmlsec.Key.from_memory(base64.b64decode(ki.text),
                                         xmlsec.constants.KeyDataFormatCertDer)
    ctx.verify(sig)   # raises on failure
for e in envs:        # sanity: every envelope verifies, a tampered one does not
    check(e, False)
    check(e, True)
for pre in (False, True):
    try:
        check(envs[0].replace(b"123456789000", b"123456789999"), pre)
        sys.exit("python-xmlsec accepted a tampered envelope")
    except xmlsec.Error:
        pass
n, t0 = 0, time.thread_time()
while time.thread_time() - t0 < secs:
    for e in envs:
        check(e, mode == "preloaded")
        n += 1
print("python-xmlsec %.0f" % (n / (time.thread_time() - t0)))
PY

PIN=""
command -v taskset >/dev/null && PIN="taskset -c 0"
# Alternate short runs of the two so that load from other processes hits both alike.
ROUNDS="${ROUNDS:-5}"
SLICE=$(awk -v s="$SECONDS_PER_RUN" -v r="$ROUNDS" 'BEGIN { printf "%.3f", s / r }')
PEER_SUM=0; PRE_SUM=0; OURS_SUM=0
for _ in $(seq "$ROUNDS"); do
    P=$($PIN "$PY" "$WORK/peer.py" "$WORK/env" "$SLICE" same-work | awk '{print $2}')
    Q=$($PIN "$PY" "$WORK/peer.py" "$WORK/env" "$SLICE" preloaded | awk '{print $2}')
    O=$($PIN "$BIN" verify "$WORK/env" "$SLICE" | awk '{print $2}')
    PEER_SUM=$((PEER_SUM + P)); PRE_SUM=$((PRE_SUM + Q)); OURS_SUM=$((OURS_SUM + O))
done
PEER=$((PEER_SUM / ROUNDS)); PRE=$((PRE_SUM / ROUNDS)); OURS=$((OURS_SUM / ROUNDS))
echo "python-xmlsec verify: $PEER envelopes per CPU-second, key from the envelope (same work as tanba-wss)"
echo "python-xmlsec verify: $PRE envelopes per CPU-second, key preloaded out of band (reference)"
echo "tanba-wss verify:     $OURS envelopes per CPU-second (each a mean of $ROUNDS interleaved runs)"
awk -v a="$OURS" -v b="$PEER" 'BEGIN { printf "ratio tanba-wss / python-xmlsec (same work): %.2fx (target >= 8x)\n", a / b }'
awk -v a="$OURS" -v b="$PRE" 'BEGIN { printf "ratio tanba-wss / python-xmlsec (preloaded key): %.2fx\n", a / b }'
