#!/bin/sh
# What the browser tests (tests/browser) need, installed where it can be: Debian's chromium with
# CJK fonts (apt-get, as root) and axe-core (npm ci from package-lock.json). Idempotent and quiet
# when everything is there; where something cannot be installed it prints one line saying why
# and exits 0: the browser tests then skip with the reason and the rest of `make test` runs.
# Run from the repository root (the Makefile's `browser` target does).

CHROMIUM="${LAZOS_CHROMIUM:-/usr/bin/chromium}"

can_apt() {
	[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1
}

apt_install() {
	DEBIAN_FRONTEND=noninteractive apt-get -qq update >/dev/null &&
		DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends "$@" >/dev/null
}

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
elif command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=zh family 2>/dev/null)" ] && can_apt; then
	# Chromium is there but nothing draws Chinese: the zh pages would show boxes.
	echo "browser: installing fonts-noto-cjk with apt-get"
	apt_install fonts-noto-cjk || echo "browser: apt-get could not install fonts-noto-cjk"
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
exit 0
