#!/bin/sh
# Builds a bootable 1.44 MB SYSLINUX floppy at test time, without root, from Debian's
# packages: a FAT12 file system made by mtools' mformat, the files copied in with mcopy,
# and SYSLINUX's boot sector and ldlinux.sys written by the mtools-based `syslinux`.
#   mksyslinux.sh IMAGE CONFIG [FILE=NAME]...     CONFIG becomes syslinux.cfg
set -eu
if [ $# -lt 2 ]; then
    echo "usage: mksyslinux.sh IMAGE CONFIG [FILE=NAME]..." >&2
    exit 2
fi
for tool in mformat mcopy syslinux; do
    command -v "$tool" >/dev/null 2>&1 ||
        { echo "mksyslinux: '$tool' not found (tools/setup installs syslinux and mtools)" >&2; exit 1; }
done
img=$1 cfg=$2
shift 2
rm -f "$img"
# A fixed volume serial number, so that only file dates differ between two builds.
mformat -i "$img" -C -f 1440 -N 676c3836 ::
mcopy -i "$img" "$cfg" ::syslinux.cfg
for pair in "$@"; do
    file=${pair%%=*} name=${pair#*=}
    [ -r "$file" ] || { echo "mksyslinux: cannot read '$file' (is its package installed? tools/setup)" >&2; exit 1; }
    mcopy -i "$img" "$file" "::$name"
done
syslinux --install "$img"
