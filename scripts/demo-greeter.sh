#!/usr/bin/env bash
# The newcomer's first run: build gen-svc, generate the greeter service from its contract into a
# fresh folder, implement SayHello (copied from the checked-in sample), start it on a free port,
# call it with `buf curl` (through server reflection), then with the generated client finding it
# by service name in the local registry (no registry server), and stop it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

[ -d node_modules ] || npm install --no-audit --no-fund
npm run -s build

OUT=$(mktemp -d)/greeter
trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT
SERVER_PID=

echo "== gen-svc generate proto-examples/greeter -o $OUT"
npx gen-svc generate proto-examples/greeter -o "$OUT" --runtime "file:$ROOT"
cp generated-samples/greeter/src/handlers/greeter.ts "$OUT/src/handlers/greeter.ts"

echo "== npm install && npm run build (in $OUT)"
(cd "$OUT" && npm install --no-audit --no-fund --silent && npm run -s build)

echo "== node dist/src/main.js (what npm start runs), on a free port"
(cd "$OUT" && PATH="$ROOT/node_modules/.bin:$PATH" GRPC_PORT=0 ADMIN_PORT=0 HTTP_PORT=0 HOST=127.0.0.1 exec node dist/src/main.js) >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do grep -q '"registered"' "$OUT/server.log" 2>/dev/null && break; sleep 0.1; done
cat "$OUT/server.log"
PORT=$(sed -n 's/.*"grpc_port":\([0-9]*\).*/\1/p' "$OUT/server.log" | head -1)

echo "== buf curl greeter.v1.Greeter/SayHello (no schema: the server serves reflection)"
npx buf curl --protocol grpc --http2-prior-knowledge \
  -d '{"name":"Ada"}' "http://127.0.0.1:$PORT/greeter.v1.Greeter/SayHello"

echo "== the generated client, finding the service by name in the local registry"
(cd "$OUT" && PATH="$ROOT/node_modules/.bin:$PATH" node --input-type=module -e '
import { BalancedConnection, openRegistry } from "gen-svc/runtime";
import { GreeterClient } from "./dist/src/gen/greeter/grpc-client.js";
const registry = await openRegistry("local://");
const connection = new BalancedConnection("greeter.v1.Greeter", registry);
console.log(await new GreeterClient(connection).sayHello({ name: "Grace" }));
connection.close();
await registry.close();
')

kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true
echo "== stopped; the generated package is in $OUT"
