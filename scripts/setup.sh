#!/usr/bin/env bash
# One command: install everything gongkai needs on a fresh Debian/Python 3.11 machine,
# then run the main job (gongkai check) on the sample reports shipped with the package.
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium + chromium-driver: the web app's end-to-end tests drive Debian's browser
DEBS=(libreoffice-writer-nogui fonts-noto-cjk poppler-utils postgresql chromium chromium-driver)
missing=()
for p in "${DEBS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm fetches the web app's browser assets (htmx, Swagger UI) at set-up time; a Node.js that
# brings its own npm (NodeSource) is kept, Debian's npm is installed only when there is none
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  echo "== 安装系统组件: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "== 创建虚拟环境 .venv"
  "$PY" -m venv .venv
fi
echo "== 安装 gongkai 及其依赖"
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[dev]'
echo "== 获取网页资源（npm，固定版本）"
bash scripts/web_assets.sh
# bytecode written once: a command starts fast even where PYTHONDONTWRITEBYTECODE is set
.venv/bin/python -m compileall -q src >/dev/null

if [ "${GONGKAI_SETUP_ONLY:-}" = 1 ]; then exit 0; fi
echo "== gongkai check（随包附带的样例报告）"
set +e
.venv/bin/gongkai check src/gongkai/samples/*
status=$?
set -e
# exit 1 means the samples have error findings (some are made with planted defects on purpose)
if [ $status -ge 2 ]; then exit $status; fi
echo "== 完成。下一步: .venv/bin/gongkai check 你的报告.pdf"
