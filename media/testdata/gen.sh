#!/bin/sh
# Remakes the samples of this folder (see README.md). Needs ffmpeg, heif-enc, soffice, python3.
set -eu
cd "$(dirname "$0")"
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }
sine="-f lavfi -i sine=frequency=440:duration=3 -ac 1"
ff $sine -c:a libopus -b:a 12k voice.ogg
ff $sine -c:a libopus -b:a 12k voice.webm
ff $sine -c:a libopus -b:a 12k -live 1 -cluster_time_limit 1000 voice-live.webm
ff $sine -c:a aac -b:a 16k voice.m4a
ff $sine -c:a aac -b:a 16k -movflags frag_keyframe+empty_moov+default_base_moof -frag_duration 500000 -f mp4 voice-frag.mp4
python3 - <<'PY'
import re
d = bytearray(open('voice-live.webm', 'rb').read())
for m in re.finditer(b'\x1f\x43\xb6\x75', bytes(d)):
    p = m.start() + 4
    if d[p] & 0x80:
        d[p] = 0xff  # 1-byte unknown size
    else:
        d[p:p + 2] = b'\x7f\xff'  # 2-byte unknown size
open('voice-recorder.webm', 'wb').write(d)
PY
pat="-f lavfi -i testsrc=size=32x24:duration=1:rate=1 -frames:v 1"
ff $pat image.png
ff $pat image.jpg
ff $pat image.gif
ff $pat -c:v libwebp image.webp
heif-enc -q 30 -o image.heic image.jpg
vid="-f lavfi -i testsrc=size=32x24:duration=1:rate=5 -f lavfi -i sine=duration=1"
ff $vid -c:v libvpx -b:v 20k -c:a libopus -b:a 12k -shortest video.webm
ff $vid -c:v libx264 -c:a aac -b:a 16k -shortest video.mp4

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'طلب رقم ١٢٣\nJihat sample document.\n' > doc.txt
printf 'رقم,الاسم\n1,جهات\n2,test\n' > doc.csv
cat > "$work/slides.fodp" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.presentation">
<office:body><office:presentation><draw:page draw:name="p1"><draw:frame svg:x="1cm" svg:y="1cm" svg:width="10cm" svg:height="2cm"><draw:text-box><text:p>جهات</text:p></draw:text-box></draw:frame></draw:page></office:presentation></office:body></office:document>
XML
so() { HOME="$work" soffice --headless --outdir "$work" "$@" >/dev/null 2>&1; }
for t in docx doc odt pdf; do so --convert-to $t doc.txt; cp "$work/doc.$t" .; done
for t in xlsx xls ods; do so --infilter=CSV:44,34,76,1 --convert-to $t doc.csv; cp "$work/doc.$t" "sheet.$t"; done
for t in pptx ppt odp; do so --convert-to $t "$work/slides.fodp"; done
cp "$work/slides.pptx" "$work/slides.odp" .
gzip -9 -c "$work/slides.ppt" > slides.ppt.gz
