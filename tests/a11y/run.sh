#!/usr/bin/env bash
# Accessibility test of the published website: `aarshjul publiser` on the
# shipped plan, then axe-core (WCAG 2.1 A + AA), reflow at 320/640 px and the skip
# link in headless Chromium on every page (tests/a11y/axe.mjs).
#
#   tests/a11y/run.sh [PYTHON]          (PYTHON: the venv's python, default .venv/bin/python)
#   tests/a11y/run.sh --screenshots     also refresh docs/nettside-*.png
#
# Skipped, with a message and exit 0, where Chromium, node or npm is missing (CI
# machines may have none of them); npm installs the pinned packages only then.
set -euo pipefail
cd "$(dirname "$0")/../.."
python=.venv/bin/python
shots=
for arg in "$@"; do
    case $arg in
        --screenshots) shots=docs ;;
        *) python=$arg ;;
    esac
done
chromium=${CHROMIUM:-}
if [ -z "$chromium" ]; then
    for c in chromium chromium-browser google-chrome; do
        if command -v "$c" >/dev/null 2>&1; then chromium=$(command -v "$c"); break; fi
    done
fi
if [ -z "$chromium" ]; then
    echo "a11y: hoppet over, Chromium ikke installert"
    exit 0
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "a11y: hoppet over, node/npm ikke installert"
    exit 0
fi
if [ ! -d tests/a11y/node_modules/axe-core ] || [ ! -d tests/a11y/node_modules/playwright-core ]; then
    (cd tests/a11y && npm ci --no-audit --no-fund --silent)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
# A fixed day, so the pages (and screenshots) are the same on every run; with the
# server's address, so the sign-off paragraph is checked too.
"$python" -m aarshjul --today 01.12.2026 publiser -o "$work/nett" \
    --url https://intranett.example.no/aarshjul \
    --kvittering-url https://intranett.example.no/aarshjul-kvitter >/dev/null
# The pages only `aarshjul serve` shows (Mine oppgaver, the report, ...), beside them.
"$python" tests/a11y/serve_pages.py "$work/nett"
# Another kommune's site: skolerute ferier under the months, vinduer, a weekly meeting
# summed up in one line, none of which the shipped plan has.
"$python" -m aarshjul --plan tests/plans/fjordvik/plan.yaml --today 01.12.2026 publiser \
    -o "$work/fjordvik" --url https://intranett.example.no/oppvekst >/dev/null
export CHROMIUM=$chromium
if [ -n "$shots" ]; then
    node tests/a11y/axe.mjs "$work/nett" --screenshots "$shots"
    if command -v pngquant >/dev/null 2>&1; then
        for png in "$shots"/nettside-*.png; do
            pngquant --force --skip-if-larger --strip --output "$png" -- "$png" || true
        done
    fi
else
    node tests/a11y/axe.mjs "$work/nett"
fi
node tests/a11y/axe.mjs "$work/fjordvik"
