#!/bin/sh
# testbed-probe: report this instance, its configuration, and which peers of
# the deployment answer on the private network. Runs under busybox sh.
set -u

conf=${TESTBED_CONF:-/etc/testbed/testbed.conf}
hostfile=/etc/vse/hostfile
me=$(hostname)

timeout=$(sed -n 's/^timeout[ =]*//p' "$conf")
echo "$me: log_level=$(sed -n 's/^log_level[ =]*//p' "$conf") timeout=${timeout:-?}"

if [ ! -r "$hostfile" ]; then
    echo "$me: no hostfile at $hostfile, nothing to probe"
    exit 0
fi

up=0
down=0
# The hostfile lists one host per line, optionally followed by "slots=N".
while read -r host _; do
    case "$host" in ''|'#'*) continue ;; esac
    [ "$host" = "$me" ] && continue
    if ping -c 1 -W "${timeout:-5}" "$host" >/dev/null 2>&1; then
        up=$((up + 1))
    else
        down=$((down + 1))
        echo "$me: $host does not answer"
    fi
done < "$hostfile"

echo "$me: $up peer(s) up, $down down"
[ "$down" -eq 0 ]
