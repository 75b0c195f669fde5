#!/usr/bin/env bash
# Builds the DEB from an already built tree, unpacks it into a scratch root and checks it: metadata and dependencies,
# every installed file, the desktop file and AppStream metainfo (validated when the tools are there), the man pages,
# and the installed binaries themselves: `mailpulse-cli --version` and `mailpulse --screenshot` run from the root.
# Usage: test-deb.sh BUILD_DIR VERSION. Needs cpack and dpkg-deb (dpkg-shlibdeps from dpkg-dev for the package).
set -euo pipefail

build=$(cd "${1:?build dir}" && pwd)
version=${2:?version}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/mailpulse-deb.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
step() { echo "== $*"; }

step "cpack -G DEB"
# -B keeps the package and CPack's staging tree out of the build directory.
if ! cpack --config "$build/CPackConfig.cmake" -G DEB -B "$scratch/pkg" >"$scratch/cpack.log" 2>&1; then
    cat "$scratch/cpack.log" >&2
    echo "FAIL: cpack" >&2
    exit 1
fi
shopt -s nullglob
debs=("$scratch"/pkg/*.deb)
[ ${#debs[@]} -eq 1 ] || { ls -la "$scratch/pkg" >&2; echo "FAIL: expected one .deb, got ${#debs[@]}" >&2; exit 1; }
deb=${debs[0]}
arch=$(dpkg --print-architecture)
[ "$(basename "$deb")" = "mailpulse_${version}_${arch}.deb" ] || fail "package file name $(basename "$deb")"
echo "$(basename "$deb"): $(du -h "$deb" | cut -f1)"

step "control fields"
dpkg-deb --field "$deb"
field() { dpkg-deb --field "$deb" "$1"; }
[ "$(field Package)" = mailpulse ] || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)', want $version"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture is '$(field Architecture)'"
[ "$(field Section)" = mail ] || fail "Section is '$(field Section)'"
[ -n "$(field Maintainer)" ] || fail "no Maintainer"
[ -n "$(field Description)" ] || fail "no Description"
long=$(field Description | awk 'length > 80' || true)
[ -z "$long" ] || fail "Description lines over 80 columns: $long"
depends=$(field Depends)
# The plugins Qt loads at run time (listed by hand) and libraries that only dpkg-shlibdeps finds (proof it ran).
for pkg in libqt6sql6-sqlite qt6-qpa-plugins libqt6svg6 libqt6widgets6 libqt6network6 libqt6sql6 libc6 libmimalloc2.0; do
    grep -Eq "(^|, )$pkg( |,|$)" <<<"$depends" || fail "Depends lacks $pkg: $depends"
done
# Every dependency must be a real package: the binaries run on this machine, so each one is installed here.
# (Alternatives "a | b" are fine if one of them is.)
IFS=',' read -ra deps <<<"$depends"
for dep in "${deps[@]}"; do
    ok=0
    IFS='|' read -ra alternatives <<<"$dep"
    for alt in "${alternatives[@]}"; do
        name=$(sed -E 's/^ *([^ (]+).*/\1/' <<<"$alt")
        dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q "install ok installed" && ok=1
    done
    [ $ok = 1 ] || fail "dependency not installed here (misspelt?): $dep"
done
apt_lists=(/var/lib/apt/lists/*_Packages*)
if command -v apt-cache >/dev/null && [ ${#apt_lists[@]} -gt 0 ]; then
    IFS=',' read -ra recommends <<<"$(field Recommends)"
    for rec in "${recommends[@]}"; do
        name=$(sed -E 's/^ *([^ (]+).*/\1/' <<<"$rec")
        apt-cache show "$name" >/dev/null 2>&1 || fail "Recommends an unknown package: $name"
    done
fi
dpkg-deb --ctrl-tarfile "$deb" | tar -t | grep -Eq '(^|/)(pre|post)(inst|rm)$' && fail "unexpected maintainer scripts"

step "unpack"
root=$scratch/root
dpkg-deb -x "$deb" "$root"
(cd "$root" && find . ! -type d | sort)

step "files"
expect=(
    usr/bin/mailpulse
    usr/bin/mailpulse-cli
    usr/share/applications/mailpulse.desktop
    usr/share/metainfo/io.mailpulse.Mailpulse.metainfo.xml
    usr/share/icons/hicolor/scalable/apps/mailpulse.svg
    usr/share/man/man1/mailpulse.1.gz
    usr/share/man/man1/mailpulse-cli.1.gz
)
for size in 16 32 48 64 128 256; do expect+=("usr/share/icons/hicolor/${size}x${size}/apps/mailpulse.png"); done
for f in "${expect[@]}"; do
    [ -s "$root/$f" ] || fail "missing or empty: /$f"
done
for f in usr/bin/mailpulse usr/bin/mailpulse-cli; do
    [ -x "$root/$f" ] || fail "not executable: /$f"
done
# Nothing outside /usr/bin and /usr/share: no headers, static libraries, test or bench binaries, /usr/local.
stray=$(cd "$root" && { find . ! -type d | grep -Ev '^\./usr/(bin/mailpulse(-cli)?|share/.*)$' || true; })
[ -z "$stray" ] || fail "unexpected files: $stray"
for size in 16 32 48 64 128 256; do
    png="$root/usr/share/icons/hicolor/${size}x${size}/apps/mailpulse.png"
    [ -s "$png" ] || continue
    # PNG signature, then the IHDR width and height (big-endian 32-bit at offsets 16 and 20).
    [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "not a PNG: $png"
    dims=$(od -An -tu1 -j16 -N8 "$png" | awk '{print $1*16777216+$2*65536+$3*256+$4 "x" $5*16777216+$6*65536+$7*256+$8}')
    [ "$dims" = "${size}x${size}" ] || fail "${size}x${size} icon is $dims"
done
grep -q '<svg' "$root/usr/share/icons/hicolor/scalable/apps/mailpulse.svg" || fail "scalable icon is not SVG"
if command -v readelf >/dev/null; then
    for f in usr/bin/mailpulse usr/bin/mailpulse-cli; do
        # The build tree's RPATH must not leak into the package.
        readelf -d "$root/$f" | grep -Eq 'R(UN)?PATH' && fail "/$f has an RPATH: $(readelf -d "$root/$f" | grep -E 'R(UN)?PATH')"
    done
fi
for f in usr/bin/mailpulse usr/bin/mailpulse-cli; do
    missing_libs=$(ldd "$root/$f" | grep 'not found' || true)
    [ -z "$missing_libs" ] || fail "/$f: $missing_libs"
done

step "desktop file"
desktop=$root/usr/share/applications/mailpulse.desktop
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$desktop" || fail "desktop-file-validate"
else
    echo "(desktop-file-validate not installed: package desktop-file-utils; skipped)"
fi
exec_cmd=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$desktop")
icon=$(sed -n 's/^Icon=//p' "$desktop")
[ -x "$root/usr/bin/$exec_cmd" ] || fail "Exec=$exec_cmd is not an installed binary"
[ -s "$root/usr/share/icons/hicolor/scalable/apps/$icon.svg" ] || fail "Icon=$icon has no installed icon"

step "AppStream metainfo"
metainfo=$root/usr/share/metainfo/io.mailpulse.Mailpulse.metainfo.xml
if command -v appstreamcli >/dev/null; then
    appstreamcli validate --no-net "$metainfo" || fail "appstreamcli validate"
else
    echo "(appstreamcli not installed: package appstream; skipped)"
fi
grep -q '<id>io.mailpulse.Mailpulse</id>' "$metainfo" || fail "metainfo id"
grep -q '<launchable type="desktop-id">mailpulse.desktop</launchable>' "$metainfo" || fail "metainfo launchable"
grep -q "<release version=\"$version\"" "$metainfo" || fail "metainfo has no release $version"

step "man pages"
for page in mailpulse mailpulse-cli; do
    gz=$root/usr/share/man/man1/$page.1.gz
    [ -s "$gz" ] || continue
    gzip -t "$gz" || fail "$page.1.gz is not valid gzip"
    title=$(echo "$page" | tr '[:lower:]' '[:upper:]')
    zcat "$gz" | grep -Eq "^\.TH $title 1 .*\"Mailpulse $version\"" || fail "$page.1 .TH is not for $title 1, version $version"
    if command -v man >/dev/null; then
        warnings=$(MANWIDTH=80 man --warnings -l "$gz" 2>&1 >/dev/null || true)
        [ -z "$warnings" ] || fail "$page.1 renders with warnings: $warnings"
    fi
done
# Every command the installed CLI lists in its help has a section in its man page.
cli_page=$(zcat "$root/usr/share/man/man1/mailpulse-cli.1.gz")
for command in probe lab classify import queue stats contacts report; do
    grep -q "^\.SS \"$command" <<<"$cli_page" || fail "mailpulse-cli.1 has no section for $command"
done

step "run the installed binaries"
export QT_QPA_PLATFORM=offscreen HOME=$scratch/home XDG_RUNTIME_DIR=$scratch/runtime
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
out=$("$root/usr/bin/mailpulse-cli" --version) || fail "mailpulse-cli --version exited with $?"
echo "$out"
[ "$out" = "mailpulse-cli $version" ] || fail "mailpulse-cli --version printed '$out'"
"$root/usr/bin/mailpulse-cli" --help | grep -q '^  probe ' || fail "mailpulse-cli --help lists no probe command"

# The man page keeps up with the CLI: every long option a command's --help lists is documented.
for command in probe lab classify import queue stats contacts report; do
    options=$("$root/usr/bin/mailpulse-cli" "$command" --help 2>/dev/null | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u || true)
    [ -n "$options" ] || { echo "($command --help lists no options)"; continue; }
    for option in $options; do
        case $option in --help | --help-all) continue ;; esac
        grep -qF -- "${option//-/\\-}" <<<"$cli_page" || fail "mailpulse-cli.1 does not document $command $option"
    done
done

rc=0
timeout 120 "$root/usr/bin/mailpulse" --db "$scratch/x.sqlite" --screenshot "$scratch/shots" || rc=$?
[ $rc = 0 ] || fail "mailpulse --screenshot exited with $rc"
[ -s "$scratch/x.sqlite" ] || fail "mailpulse did not create its store"
shots=("$scratch"/shots/*.png)
[ ${#shots[@]} -ge 1 ] || fail "no screenshots in $scratch/shots"
for png in "${shots[@]}"; do
    [ -s "$png" ] || fail "empty screenshot $(basename "$png")"
    [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "not a PNG: $(basename "$png")"
    echo "$(basename "$png"): $(stat -c %s "$png") bytes"
done
[ -s "$scratch/shots/probe.png" ] || fail "no probe.png"

if [ $failures -ne 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "OK: $(basename "$deb")"
