#!/bin/sh
# --save-state / --load-state against a straight run:
#   state_cli_test.sh GLASS86 OUT N T|end GLASS86-ARGS...
# runs the PC the arguments describe N instructions with --save-state, then from that
# state on, and compares with one run without the break. With a count T both stop after
# T instructions in all: their saved states must be the same bytes, and their screen
# text, debug-port output (the two halves joined) and stopping place the same. With
# `end` both run to the guest's exit: the same exit status, debug-port output, screen
# text, and instruction count (the halves' sum). Then a state is loaded into a PC of
# another shape, saved to a place that cannot be written, and a run that ends before
# the bound says no state was saved: each with one clear line.
set -u
glass86=$1 out=$2 n=$3 t=$4
shift 4
mkdir -p "$out"
rm -f "$out"/*
fail() { echo "FAIL: $*"; for f in "$out"/*.err; do echo "--- $f"; cat "$f"; done; exit 1; }
run() { # run NAME ARGS...: glass86 with the PC's arguments; $rc is its exit status
    name=$1
    shift
    "$glass86" "$@" --display none --debugcon "$out/$name.dc" --screen-dump "$out/$name.txt" \
        --stats >"$out/$name.out" 2>"$out/$name.err"
    rc=$?
}
said() { grep -q "$2" "$out/$1.err" || fail "$1: glass86 did not say '$2'"; }
count() { sed -n 's/^glass86: \([0-9]*\) instructions in .*/\1/p' "$out/$1.err"; }
where() { sed -n 's/^glass86: stopped after [0-9]* instructions at //p' "$out/$1.err"; }

run first "$@" --max-instructions "$n" --save-state "$out/first.state"
[ $rc = 2 ] || fail "first: exit status $rc, expected 2 (instruction limit)"
said first "^glass86: state saved to $out/first.state at instruction $n\$"
if [ "$t" = end ]; then
    run straight "$@"
    run second "$@" --load-state "$out/first.state"
    [ $rc != 2 ] && [ $rc != 1 ] || fail "second: exit status $rc"
    cat "$out/straight.err" | grep -q "^glass86: guest exited with status $rc\$" ||
        fail "the straight run did not exit with status $rc"
    [ $(( $(count first) + $(count second) )) = "$(count straight)" ] ||
        fail "instructions: $(count first) + $(count second) != $(count straight)"
else
    run straight "$@" --max-instructions "$t" --save-state "$out/straight.state"
    run second "$@" --load-state "$out/first.state" --max-instructions $((t - n)) \
        --save-state "$out/second.state"
    [ $rc = 2 ] || fail "second: exit status $rc, expected 2"
    said second "^glass86: state saved to $out/second.state at instruction $t\$"
    cmp "$out/straight.state" "$out/second.state" || fail "the saved states differ"
    [ -n "$(where second)" ] && [ "$(where second)" = "$(where straight)" ] ||
        fail "stopped at '$(where second)', the straight run at '$(where straight)'"
fi
said second "^glass86: state loaded from $out/first.state (instruction $n)\$"
cat "$out/first.dc" "$out/second.dc" | cmp - "$out/straight.dc" || fail "the debug port differs"
cmp "$out/second.txt" "$out/straight.txt" || fail "the screen differs"
grep -q '[A-Za-z]' "$out/straight.txt" || fail "the screen is empty"

# A PC of another shape (more RAM): refused with one line, nothing run.
"$glass86" "$@" -m 64 --display none --load-state "$out/first.state" >/dev/null 2>"$out/shape.err"
rc=$?
[ $rc = 1 ] && [ "$(wc -l <"$out/shape.err")" = 1 ] &&
    grep -q "^glass86: error: --load-state .*: saved state is of another machine .*; start glass86 with the options the state was saved with\$" "$out/shape.err" ||
    fail "another machine: status $rc"
# A place that cannot be written: the run's own report, then the error, status 1.
"$glass86" "$@" --display none --max-instructions 1000 --save-state "$out/no/such/dir/x.state" \
    >/dev/null 2>"$out/unwritable.err"
rc=$?
[ $rc = 1 ] && grep -q "^glass86: error: --save-state: cannot write saved state '$out/no/such/dir/x.state': " "$out/unwritable.err" ||
    fail "unwritable: status $rc"
echo "saved at $n, compared at $t: same"
