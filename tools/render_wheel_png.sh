#!/bin/sh
# Render an årshjul SVG to a PNG with headless Chromium, so a person can look at it.
# A manual tool: the test suite never needs Chromium.
#
#   tools/render_wheel_png.sh docs/hjul-barnehage.svg [docs/hjul-barnehage.png]
#
# Debian/Ubuntu: apt-get install chromium fonts-dejavu-core
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "Bruk: $0 HJUL.svg [HJUL.png]" >&2
    exit 2
fi
svg=$1
png=${2:-${svg%.svg}.png}
[ -f "$svg" ] || { echo "Finner ikke «$svg»." >&2; exit 2; }

chromium=${CHROMIUM:-}
if [ -z "$chromium" ]; then
    for c in chromium chromium-browser google-chrome; do
        if command -v "$c" >/dev/null 2>&1; then chromium=$c; break; fi
    done
fi
[ -n "$chromium" ] || { echo "Finner ikke Chromium; installer pakken «chromium» eller sett CHROMIUM=/sti." >&2; exit 2; }

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT INT TERM

# The SVG is 1200 x 850 (A4 landscape); the window is the same size, so the
# screenshot is the whole picture at 1:1 with no margins or scroll bars.
"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$profile" \
    --screenshot="$(realpath -m "$png")" --window-size=1200,850 \
    "file://$(realpath "$svg")" >/dev/null 2>&1 || {
    echo "Chromium klarte ikke å lage «$png»." >&2
    exit 1
}
[ -s "$png" ] || { echo "Chromium skrev ingen PNG." >&2; exit 1; }

# The wheel is a flat graphic: 256 colours look the same at a quarter of the size
# (docs/hjul-barnehage.png is committed). Skipped when pngquant is not installed.
if command -v pngquant >/dev/null 2>&1; then
    pngquant --force --skip-if-larger --strip --output "$png" -- "$png" || true
fi
echo "$png"
