#!/bin/sh
# The Debian packages and front-end files Lazos needs beyond Python, installed where they can be.
# Idempotent and quiet when everything is there; where something cannot be installed it prints one
# line saying why and exits 0: what needs it then skips (tests) or says so (commands), and the rest runs.
# Run from the repository root (the Makefile's `system` and `browser` targets do).
#
#   sh scripts/install_system.sh briefs    Pango (WeasyPrint draws PDFs with it), fonts-noto-cjk
#                                          (Chinese in briefs and pages), poppler-utils (the brief
#                                          tests read PDFs with pdftoppm and pdftotext)
#   sh scripts/install_system.sh browser   Debian's chromium and axe-core (npm ci from package-lock.json)
#   sh scripts/install_system.sh           both

CHROMIUM="${LAZOS_CHROMIUM:-/usr/bin/chromium}"
WHAT="${1:-all}"

can_apt() {
	[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1
}

apt_install() {
	DEBIAN_FRONTEND=noninteractive apt-get -qq update >/dev/null &&
		DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends "$@" >/dev/null
}

missing_packages() {
	# The Debian packages among "$@" that are not installed.
	for package in "$@"; do
		dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || printf '%s ' "$package"
	done
}

briefs() {
	command -v dpkg-query >/dev/null 2>&1 || {
		echo "system: no dpkg here; install Pango, a CJK font (Noto Sans CJK) and poppler-utils yourself for briefs"
		return
	}
	missing=$(missing_packages libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk poppler-utils)
	[ -z "$missing" ] && return
	if can_apt; then
		echo "system: installing $missing with apt-get"
		# shellcheck disable=SC2086
		apt_install $missing || echo "system: apt-get could not install $missing; PDF briefs or their tests may not work"
	else
		echo "system: $missing missing and installing needs root (apt-get install $missing); PDF briefs or their tests may not work"
	fi
}

browser() {
	if [ ! -x "$CHROMIUM" ]; then
		if can_apt; then
			echo "browser: installing chromium and fonts-noto-cjk with apt-get"
			apt_install chromium fonts-noto-cjk ||
				echo "browser: apt-get could not install chromium; the browser tests will skip"
		elif [ "$(id -u)" != 0 ]; then
			echo "browser: $CHROMIUM is missing and installing it needs root (apt-get install chromium); the browser tests will skip"
		else
			echo "browser: $CHROMIUM is missing and there is no apt-get to install it; the browser tests will skip"
		fi
	fi
	if [ -f package-lock.json ]; then
		if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
			if command -v npm >/dev/null 2>&1; then
				npm ci --no-audit --no-fund --loglevel=error >/dev/null ||
					echo "browser: npm ci failed; the accessibility scans will skip"
			else
				echo "browser: npm is missing, so axe-core is not installed; the accessibility scans will skip"
			fi
		fi
	else
		echo "browser: no package-lock.json, so axe-core is not installed; the accessibility scans will skip"
	fi
}

case "$WHAT" in
briefs) briefs ;;
browser) browser ;;
*) briefs; browser ;;
esac
exit 0
