#!/bin/bash
# term_on_marker.sh LOG MARKER COMMAND...: run COMMAND and send it SIGTERM once the file LOG
# holds MARKER, as a person would stop glass86 after seeing the guest's output; exit with
# COMMAND's status. The guest itself is bounded by COMMAND's --max-instructions: this only
# watches, it never decides how long the guest runs.
log=$1 marker=$2
shift 2
"$@" &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
    if grep -qF -- "$marker" "$log" 2>/dev/null; then
        kill -TERM "$pid"
        break
    fi
    sleep 0.2
done
wait "$pid"
