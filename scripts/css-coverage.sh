#!/usr/bin/env bash
# Lists the stylesheet rules no page used, by Chromium's CSS rule usage, over the
# demo office's pages as each role sees them, at 360 px and desktop width, light
# and dark (internal/web TestCSSCoverage). A report, not a check: a rule listed
# may belong to a state the walk does not reach (an error, a hover, print, an
# empty list), so look each one up in the templates and Go code before dropping it.
set -euo pipefail
cd "$(dirname "$0")/.."
SMARTSERVICE_CSS_COVERAGE=1 go test -count=1 -run '^TestCSSCoverage$' -v ./internal/web/ 2>&1 |
	grep -E '^\s+(css_coverage|app\.css|reports\.css)' | sed 's/^ *//'
