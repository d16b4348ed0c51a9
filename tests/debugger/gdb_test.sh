#!/bin/sh
# One GDB stub test: gdb_test.sh GLASS86 GUEST PORT CASE OUT GDB [GLASS86 ARGS...]
# starts `glass86 --gdb PORT` in the background on the bare ROM GUEST, or with GUEST "-"
# on the machine the remaining arguments describe (a PC), runs the real gdb in batch mode
# with the commands in CASE.gdb, then checks that gdb's output matches the extended
# regular expressions of CASE.expect, one per line, in that order, that glass86's stdout
# then stderr match those of CASE.glass86 likewise (when there is such a file), and that
# glass86 exited with the status in CASE.exit (0 when there is no such file). Everything
# is under a timeout.
set -u
glass86=$1 guest=$2 port=$3 case=$4 out=$5 gdb=$6
shift 6
rm -f "$out.log" "$out.gdb"
if [ "$guest" = "-" ]; then
    timeout 60 "$glass86" "$@" --display none --gdb "$port" >"$out.stdout" 2>"$out.log" &
else
    timeout 60 "$glass86" --bios "$guest" --display none --debugcon none --gdb "$port" \
        >"$out.stdout" 2>"$out.log" &
fi
pid=$!
tries=0
until grep -q "waiting for gdb" "$out.log" 2>/dev/null; do
    tries=$((tries + 1))
    if [ $tries -gt 100 ] || ! kill -0 $pid 2>/dev/null; then
        echo "glass86 is not listening on port $port:"
        cat "$out.log"
        kill $pid 2>/dev/null
        exit 1
    fi
    sleep 0.1
done
timeout 60 "$gdb" -nx -batch -ex "set pagination off" -ex "set confirm off" \
    -ex "target remote 127.0.0.1:$port" -x "$case.gdb" >"$out.gdb" 2>&1
wait $pid
rc=$?
want=0
[ -f "$case.exit" ] && want=$(cat "$case.exit")
status=0
# in_order PATTERNS WHAT FILE...: every pattern matches a line, in that order.
in_order() {
    pats=$1 what=$2
    shift 2
    cat "$@" | awk -v pats="$pats" -v what="$what" '
        BEGIN { while ((getline l < pats) > 0) if (l != "") p[n++] = l }
        i < n && $0 ~ p[i] { i++ }
        END { if (i < n) { print what " lacks (in order): " p[i]; exit 1 } }'
}
in_order "$case.expect" "gdb output" "$out.gdb" || status=1
if [ -f "$case.glass86" ]; then
    in_order "$case.glass86" "glass86 output" "$out.stdout" "$out.log" || status=1
fi
if [ "$rc" != "$want" ]; then
    echo "glass86 exited with $rc, expected $want"
    status=1
fi
if [ $status != 0 ]; then
    echo "--- gdb output ---"; cat "$out.gdb"
    echo "--- glass86 stderr ---"; cat "$out.log"
fi
exit $status
