#!/bin/sh
# A debugger test checked on key lines rather than a whole transcript: runs
#   GLASS86 --display none --trace-ring 0 --debug-script SCRIPT ARGS...
# in WORKDIR and looks for each pattern of PATTERNS (one extended regular expression a
# line; blank lines and lines starting with '#' are skipped) in its output, in order;
# one output line may match several patterns in a row. Fails naming the first pattern
# not found, with the output, or when glass86 does not exit with status 0.
#   keylines_test.sh GLASS86 WORKDIR SCRIPT PATTERNS [ARGS...]
set -u
if [ $# -lt 4 ]; then
    echo "usage: keylines_test.sh GLASS86 WORKDIR SCRIPT PATTERNS [ARGS...]" >&2
    exit 2
fi
glass86=$1 workdir=$2 script=$3 patterns=$4
shift 4
name=$(basename "$patterns" .keylines)
out=$workdir/$name.actual
cd "$workdir" || exit 1
"$glass86" --display none --trace-ring 0 --debug-script "$script" "$@" </dev/null >"$out" 2>"$out.stderr"
rc=$?
# grep -E rather than awk: mawk, Debian's awk, lacks interval expressions such as {2}.
status=0 line=1 n=0
while IFS= read -r pat || [ -n "$pat" ]; do
    case $pat in ''|'#'*) continue ;; esac
    n=$((n + 1))
    hit=$(tail -n +"$line" "$out" | grep -n -E -m 1 -e "$pat" | cut -d: -f1)
    if [ -z "$hit" ]; then
        echo "keylines: not found after output line $line (pattern $n): $pat"
        status=1
        break
    fi
    line=$((line + hit - 1))
done <"$patterns"
[ $status -eq 0 ] && echo "keylines: all $n patterns found"
if [ $status -ne 0 ]; then
    echo "---- output ($out) ----"
    cat "$out"
    echo "---- stderr ----"
    cat "$out.stderr"
fi
if [ $rc -ne 0 ]; then
    echo "keylines: glass86 exited with status $rc, expected 0"
    cat "$out.stderr"
    status=1
fi
exit $status
