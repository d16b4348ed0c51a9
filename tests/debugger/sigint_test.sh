#!/bin/sh
# Ctrl-C in the debugger: sigint_test.sh GLASS86 SPIN_ROM OUT
# runs `c` on a guest that spins forever, sends SIGINT after a moment, and checks that
# the debugger stopped the guest (and went on with the script) instead of dying.
set -u
glass86=$1 rom=$2 out=$3
printf 'c\necho after the interrupt\nquit\n' > "$out.script"
timeout 30 "$glass86" --cpu 386 --bios "$rom" --display none --debug-script "$out.script" \
    </dev/null >"$out.stdout" 2>"$out.stderr" &
pid=$!
sleep 1
kill -INT $pid
wait $pid
rc=$?
if [ $rc = 0 ] && grep -q "^Interrupted, icount [0-9]*$" "$out.stdout" &&
   grep -q "^after the interrupt$" "$out.stdout"; then
    exit 0
fi
echo "exit status $rc"; cat "$out.stdout" "$out.stderr"
exit 1
