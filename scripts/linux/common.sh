# SPDX-License-Identifier: MIT
# Shared shell helpers for the Linux guest scripts (sourced, not run).

log() { echo "${0##*/}: $*" >&2; }
die() { log "error: $*"; exit 1; }

# Run as root, or through sudo when we are not.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=0
apt_update_once() {
    [ $apt_updated = 1 ] && return 0
    as_root apt-get update -q >&2 || die "apt-get update failed"
    apt_updated=1
}

# need_pkgs PKG...: install the Debian packages that are missing.
need_pkgs() {
    missing=""
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
            grep -q "install ok installed" || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    log "installing$missing"
    apt_update_once
    # shellcheck disable=SC2086 # $missing is a word list on purpose
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q \
        --no-install-recommends $missing >&2 || die "cannot install$missing"
}

# apt_download PKG DIR: fetch PKG's .deb (candidate version) into DIR
# without installing it; refresh the package lists once if that fails. The
# sandbox user _apt cannot write to a private temp dir, so download as
# ourselves.
apt_download_try() {
    (cd "$2" && apt-get -qq -o APT::Sandbox::User="$(id -un)" download "$1" >&2)
}
apt_download() {
    apt_download_try "$1" "$2" 2>/dev/null && return 0
    apt_update_once
    apt_download_try "$1" "$2" || die "apt-get download $1 failed"
}

# apt_candidate PKG: print PKG's candidate version; empty when unknown.
apt_candidate() {
    apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }' |
        grep -v '^(none)$' || true
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }
