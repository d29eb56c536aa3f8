# kill-after.sh SECONDS COMMAND...: runs COMMAND (an MPI rank: it inherits
# the launcher's environment) and kills it with SIGKILL after SECONDS, as a
# crashed or lost rank.
seconds=$1
shift
"$@" &
pid=$!
sleep "$seconds"
kill -9 "$pid"
wait "$pid"
