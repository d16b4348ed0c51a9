#!/bin/sh
# The window test: screenshots taken by the window's own Ctrl+Alt+S path under Xvfb,
# compared pixel for pixel with the VGA state glass86 dumped at the same instruction.
#   window_test.sh GLASS86 IMAGE SHOTCMP WORKDIR
# Pass 1 runs the guest headless in the debugger and notes the instruction count at each
# of its magic breakpoints (one per finished picture); pass 2 runs it in a window under
# xvfb-run with --screenshot-at those counts and --screenshot-dump; then shotcmp checks
# each pair, and checks that a screenshot with one wrong pixel is caught.
# Exit status 77 (ctest's SKIP_RETURN_CODE) when xvfb-run is not installed.
set -u
GLASS86=$1 IMAGE=$2 SHOTCMP=$3 WORKDIR=$4
if ! command -v xvfb-run >/dev/null 2>&1; then
    echo "SKIP: xvfb-run is not installed (apt-get install xvfb; tools/setup does it)"
    exit 77
fi
mkdir -p "$WORKDIR" && cd "$WORKDIR" || exit 1
rm -f glass86-screenshot-* pass1.txt pass2.txt magic.txt

# Pass 1: the instruction counts of the guest's five pictures.
{
    echo "magic-break on"
    for k in 1 2 3 4 5; do echo c; echo "calc icount"; done
    echo c
} > magic.txt
"$GLASS86" --fda "$IMAGE" --snapshot --display none --debugcon none \
    --debug-script magic.txt --max-instructions 200M < /dev/null > pass1.txt 2>&1
counts=$(sed -n 's/^0x[0-9a-f]* \([0-9][0-9]*\)$/\1/p' pass1.txt | paste -sd, -)
if [ "$(grep -c '^Magic breakpoint' pass1.txt)" != 5 ] || [ -z "$counts" ]; then
    echo "FAIL: pass 1 did not find the guest's five pictures:"; cat pass1.txt; exit 1
fi
echo "pictures at instructions $counts"

# Pass 2: the window, with the screenshots taken by the hotkey's own code.
xvfb-run -a -s "-screen 0 1024x768x24" "$GLASS86" --fda "$IMAGE" --snapshot --display sdl \
    --clock virtual --debugcon none --screenshot-at "$counts" --screenshot-dump \
    --max-instructions 200M > pass2.txt 2>&1
rc=$?
cat pass2.txt
if [ $rc != 0 ]; then
    echo "FAIL: glass86 in the window exited with status $rc"; exit 1
fi

status=0
k=1
for mode in text text 256 planar16 vbe32; do
    "$SHOTCMP" --expect-mode $mode glass86-screenshot-$k.vga glass86-screenshot-$k.png || status=1
    k=$((k + 1))
done
# The two text pictures are 16 frames apart: blinking characters must differ.
if cmp -s glass86-screenshot-1.png glass86-screenshot-2.png; then
    echo "FAIL: the two text screenshots are identical (blinking not seen)"; status=1
fi
# A wrong pixel is caught, and said where.
"$SHOTCMP" --corrupt 100,50 glass86-screenshot-3.vga glass86-screenshot-3.png > corrupt.txt 2>&1
crc=$?
if [ $crc != 1 ] || ! grep -q '^pixel (100, 50)' corrupt.txt || ! grep -q ' 1 of 64000 pixels differ' corrupt.txt; then
    echo "FAIL: one wrong pixel was not caught (shotcmp exit $crc):"; cat corrupt.txt; status=1
else
    echo "a deliberately wrong pixel is caught: $(head -1 corrupt.txt)"
fi
[ $status = 0 ] && echo "PASS: every screenshot matches the VGA memory it came from"
exit $status
