#!/bin/sh
# Runs a command with Node >= 22 (wrangler 4 and vitest 5 need it). When the system's Node is
# older, Node 24 is fetched once from the npm registry into ~/.cache/vigil-node and put first on
# PATH, so `npm run dev` and `npm test` work on a fresh machine as they are.
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 22 ]; then
  dir="$HOME/.cache/vigil-node"
  if [ ! -x "$dir/node_modules/.bin/node" ]; then
    echo "vigil: Node $(node --version 2>/dev/null) is older than 22; fetching Node 24 from npm into $dir" >&2
    npm i --prefix "$dir" node@24 --no-audit --no-fund >/dev/null || exit 1
  fi
  PATH="$dir/node_modules/.bin:$PATH"
  export PATH
fi
exec "$@"
