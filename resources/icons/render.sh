#!/usr/bin/env bash
# Renders the committed icon files from mailpulse.svg. Run it after editing the SVG and commit the results; the build
# itself needs none of these tools. Needs rsvg-convert (Debian: librsvg2-bin) and python3.
#   <size>/mailpulse.png  hicolor PNGs (16-256), installed by installer/CMakeLists.txt and embedded in the app
#   mailpulse.ico         Windows executable and NSIS/WiX installer icon (PNG-compressed entries, Vista and later)
#   mailpulse.icns        macOS bundle and disk image icon (PNG entries)
set -euo pipefail
cd "$(dirname "$0")"
for size in 16 32 48 64 128 256 512; do
    mkdir -p "$size"
    rsvg-convert --width "$size" --height "$size" mailpulse.svg --output "$size/mailpulse.png"
done
python3 - <<'PY'
import struct
def png(size):
    with open(f"{size}/mailpulse.png", "rb") as f:
        return f.read()
# ICO: ICONDIR, one ICONDIRENTRY per image, then the PNG data; width/height 0 means 256.
sizes = [16, 32, 48, 64, 128, 256]
images = [png(s) for s in sizes]
offset = 6 + 16 * len(sizes)
header = struct.pack("<HHH", 0, 1, len(sizes))
entries = b""
for s, data in zip(sizes, images):
    entries += struct.pack("<BBBBHHII", s % 256, s % 256, 0, 0, 1, 32, len(data), offset)
    offset += len(data)
with open("mailpulse.ico", "wb") as f:
    f.write(header + entries + b"".join(images))
# ICNS: 'icns' + total length, then (type, length incl. 8-byte header, PNG data) per image.
types = [(b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256), (b"ic09", 512)]
body = b"".join(t + struct.pack(">I", 8 + len(png(s))) + png(s) for t, s in types)
with open("mailpulse.icns", "wb") as f:
    f.write(b"icns" + struct.pack(">I", 8 + len(body)) + body)
PY
# 512 is only an ICNS source; hicolor gets 16-256 and the SVG.
rm -r 512
