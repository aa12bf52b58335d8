#!/bin/sh
# Runs DynamoDB Local (java "$@") and stops it when npm start goes away, however it goes: Node has
# no prctl(PR_SET_PDEATHSIG), so the parent keeps our stdin open as a pipe and the kernel closes it
# when the parent dies, even on SIGKILL. Reading EOF there means "parent gone": stop Java.
# (A background job's stdin is /dev/null unless redirected explicitly, hence fd 3.)
exec 3<&0
java "$@" </dev/null 3<&- &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid"; exit 143' TERM INT HUP
( while read -r _; do :; done; kill "$pid" 2>/dev/null ) <&3 &
watcher=$!
wait "$pid"
status=$?
kill "$watcher" 2>/dev/null
exit "$status"
