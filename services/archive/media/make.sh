#!/bin/sh
# Makes the demo's recording (services/archive/demo.py plays it for every past online session):
# ten seconds of video — the community's name, what it is, a running clock so that seeking shows —
# over a quiet tone, as WebM (VP9 and Opus), which every current browser plays. ~100 KB, so the
# repository stays small. Needs ffmpeg (Debian's package `ffmpeg`); run it from anywhere:
#   services/archive/media/make.sh
set -eu
cd "$(dirname "$0")"
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
BOLD=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
TEXT="fontcolor=white:x=(w-text_w)/2"
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "color=c=0x0b5cad:s=480x270:r=24:d=10" \
  -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=10,volume=0.15" \
  -vf "drawtext=fontfile=$BOLD:text=BİRLİKTE:fontsize=44:$TEXT:y=60,\
drawtext=fontfile=$FONT:text=Çevrimiçi bilgilendirme oturumu:fontsize=20:$TEXT:y=128,\
drawtext=fontfile=$FONT:text=Online information session:fontsize=20:$TEXT:y=156,\
drawtext=fontfile=$FONT:text='%{pts\\:hms}':fontsize=18:$TEXT:y=214" \
  -c:v libvpx-vp9 -crf 45 -b:v 0 -row-mt 1 -c:a libopus -b:a 24k -ac 1 \
  -metadata title="BİRLİKTE — online information session (demo)" \
  information_session.webm
