#!/usr/bin/env bash
# Fetch the browser assets the web app serves itself (htmx, Swagger UI) from the npm registry,
# pinned by scripts/web-assets/package-lock.json, and copy the files it serves into
# src/gongkai/web/static/vendor/ (git-ignored: nothing third-party is committed).
# No CDN is ever used at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=src/gongkai/web/static/vendor
if ! command -v npm >/dev/null; then
  echo "npm 未安装：scripts/setup.sh 会安装 Debian 的 npm 包" >&2
  exit 1
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp scripts/web-assets/package.json scripts/web-assets/package-lock.json "$WORK/"
# --ignore-scripts: no install script of a dependency runs (swagger-ui-dist pulls in an analytics hook)
(cd "$WORK" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
NM="$WORK/node_modules"
rm -rf "$OUT"
mkdir -p "$OUT/htmx" "$OUT/swagger-ui"
cp "$NM/htmx.org/dist/htmx.min.js" "$NM/htmx.org/LICENSE" "$OUT/htmx/"
for f in swagger-ui-bundle.js swagger-ui.css LICENSE NOTICE; do cp "$NM/swagger-ui-dist/$f" "$OUT/swagger-ui/"; done
node -e 'const p=require(process.argv[1]);const o={};for(const n of ["htmx.org","swagger-ui-dist"])o[n]=require(process.argv[2]+"/"+n+"/package.json").version;console.log(JSON.stringify(o))' \
  "$PWD/scripts/web-assets/package.json" "$NM" > "$OUT/versions.json"
echo "== 网页资源已就绪：$OUT（$(cat "$OUT/versions.json")）"
