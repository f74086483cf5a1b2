#!/bin/bash
# Boots a real systemd as PID 1 in throwaway namespaces, installs drover.service with a given
# binary, and checks the unit's lifecycle: start (READY=1), status, watchdog, reload, stop.
#
# Usage: DROVER_REAL_SYSTEMD=1 systemd/test-in-namespace.sh /path/to/drover [/path/to/drover.yaml]
#
# Needs root (unshare, mounts). Nothing on the host changes: systemd gets new PID, mount, UTS,
# IPC and network namespaces, and tmpfs over every directory it or the unit writes to (/run,
# /usr/local/bin, /var/lib, /var/log, /tmp, /var/tmp, and an overlay over /etc).
# The binary is installed as /usr/local/bin/drover inside; the unit file is used verbatim.
# Exit status 0 when every check passed; the transcript (and the unit's journal) is printed.
set -euo pipefail

if [[ "${1:-}" == "--inside" ]]; then
    # PID 1 of the new PID namespace, before systemd: lay out the filesystem, then exec systemd.
    host_work=$2
    # /run first: it holds the overlay's upper layer and the work directory's new mount point,
    # since /tmp (where the work directory lives on the host) is replaced below.
    mount -t tmpfs -o mode=0755 tmpfs /run
    work=/run/drover-test
    mkdir -p $work /run/drover-test-etc
    mount --bind "$host_work" $work
    # /etc as an overlay: /etc/drover and the units can be created without touching the host's /etc.
    mount -t tmpfs -o mode=0755 tmpfs /run/drover-test-etc
    mkdir /run/drover-test-etc/upper /run/drover-test-etc/work
    mount -t overlay overlay -o lowerdir=/etc,upperdir=/run/drover-test-etc/upper,workdir=/run/drover-test-etc/work /etc
    for dir in /usr/local/bin /var/lib /var/log /tmp /var/tmp; do
        mount -t tmpfs -o mode=0755 tmpfs "$dir"
    done
    chmod 1777 /tmp /var/tmp
    mkdir -p /etc/drover
    install -m 0755 "$work/drover" /usr/local/bin/drover
    install -m 0644 "$work/drover.yaml" /etc/drover/drover.yaml
    install -m 0644 "$work/drover.service" /etc/systemd/system/drover.service
    # The default target would boot the whole distribution; boot only journald and the check.
    cat > /etc/systemd/system/drover-test.target <<UNIT
[Unit]
Description=drover test boot
Wants=systemd-journald.socket systemd-journald.service drover-check.service
UNIT
    cat > /etc/systemd/system/drover-check.service <<UNIT
[Unit]
Description=drover unit checks
After=systemd-journald.service
[Service]
Type=oneshot
ExecStart=/bin/bash $work/check.sh $work
StandardOutput=append:$work/transcript
StandardError=append:$work/transcript
UNIT
    # container= makes systemd behave as a container's init (no hardware setup; poweroff exits).
    exec env container=drover-test /lib/systemd/systemd --system --unit=drover-test.target \
        --log-target=console --log-level=warning --show-status=no
fi

if [[ "${DROVER_REAL_SYSTEMD:-}" != "1" ]]; then
    echo "skipped: set DROVER_REAL_SYSTEMD=1 to boot a real systemd in namespaces (needs root)" >&2
    exit 0
fi
binary=${1:?usage: $0 DROVER_BINARY [CONFIG_YAML]}
config=${2:-}
[[ -x "$binary" ]] || { echo "not an executable: $binary" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "needs root (unshare and mounts)" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)

work=$(mktemp -d /tmp/drover-systemd-XXXXXX)
chmod 0755 "$work"
trap 'rm -rf "$work"' EXIT
cp "$binary" "$work/drover"
if [[ -n "$config" ]]; then cp "$config" "$work/drover.yaml"; else : > "$work/drover.yaml"; fi
cp "$here/drover.service" "$work/drover.service"
: > "$work/transcript"

cat > "$work/check.sh" <<'CHECK'
#!/bin/bash
# Runs inside, as a oneshot unit, once systemd is up. Each check prints "ok:" or "FAIL:".
work=/run/drover-test
failures=0
ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
show() { systemctl show drover.service -p "$1" --value; }

if systemctl start drover.service; then ok "start returned (READY=1 received)"; else fail "start failed"; fi
state=$(systemctl is-active drover.service || true)
[[ $state == active ]] && ok "is-active: $state" || fail "is-active: $state"
echo "  MainPID=$(show MainPID) StatusText=$(show StatusText) WatchdogUSec=$(show WatchdogUSec)"
[[ -d /run/drover ]] && ok "RuntimeDirectory /run/drover exists: $(ls /run/drover | tr '\n' ' ')" || fail "no /run/drover"
[[ -d /var/lib/drover ]] && ok "StateDirectory /var/lib/drover exists: $(ls /var/lib/drover/ | tr '\n' ' ')" || fail "no /var/lib/drover"

# Outlive two WatchdogSec periods: a watchdog timeout would restart the unit.
restarts=$(show NRestarts)
sleep 22
state=$(systemctl is-active drover.service || true)
[[ $state == active && $(show NRestarts) == "$restarts" ]] && ok "alive after 22 s with WatchdogSec=10 (status: $(show StatusText))" || fail "after 22 s: $state, NRestarts $(show NRestarts) (was $restarts), result $(show Result)"

# The watchdog: a supervisor whose main loop stops (SIGSTOP) stops pinging, and systemd restarts it.
stuck=$(show MainPID)
restarts=$(show NRestarts)
kill -STOP "$stuck"
for _ in $(seq 1 40); do
  sleep 1
  [[ $(show NRestarts) != "$restarts" && $(systemctl is-active drover.service || true) == active ]] && break
done
[[ $(show NRestarts) != "$restarts" && $(show MainPID) != "$stuck" ]] && ok "watchdog restarted a stopped supervisor (NRestarts $(show NRestarts))" || fail "no watchdog restart: NRestarts $(show NRestarts), state $(systemctl is-active drover.service || true)"

if systemctl reload drover.service; then ok "reload returned"; else fail "reload failed"; fi
# The supervisor says RELOADING=1, replaces its workers one by one, then READY=1: wait for that.
for _ in $(seq 1 60); do
  state=$(systemctl is-active drover.service || true)
  [[ $state == reloading ]] || break
  sleep 0.5
done
[[ $state == active ]] && ok "active after reload: $(show StatusText)" || fail "after reload: $state"

# A stop drains: a job running when the stop comes finishes before the supervisor exits.
redis=unix:///run/drover/redis.sock
job=$(/usr/local/bin/drover enqueue noop --redis "$redis" --payload '{"sleepMs": 3000}' | sed -n 's/.*"jobId":"\([^"]*\)".*/\1/p')
sleep 1
pid=$(show MainPID)
if systemctl stop drover.service; then ok "stop returned"; else fail "stop failed"; fi
systemctl start drover.service
after=$(/usr/local/bin/drover job "$job" --redis "$redis" 2>&1 | grep -o '"status":"[a-z]*"')
[[ -n $job && $after == '"status":"completed"' ]] && ok "the job running at stop completed ($job)" || fail "job ${job:-none} after stop: ${after:-unknown}"
pid2=$(show MainPID)
systemctl stop drover.service
result=$(show Result)
[[ $result == success ]] && ok "stopped cleanly: Result=$result" || fail "stop: Result=$result"
[[ ! -e /proc/$pid && ! -e /proc/$pid2 ]] && ok "main processes $pid and $pid2 gone" || fail "a main process is still there"
[[ ! -d /run/drover ]] && ok "RuntimeDirectory removed on stop" || fail "/run/drover left behind"

echo "--- journal of drover.service"
journalctl -u drover.service --no-pager -o short-monotonic 2>&1 | tail -n 60
echo "--- failures: $failures"
echo "$failures" > "$work/failures"
kill -s SIGRTMIN+4 1  # poweroff: systemd as a container init exits; no D-Bus needed
CHECK

# A generous bound: systemd's own stop timeouts are 45 s, the checks sleep 22 s.
status=0
timeout --kill-after=10 180 unshare --fork --pid --mount --uts --ipc --net --mount-proc --propagation private \
    "$here/test-in-namespace.sh" --inside "$work" > "$work/systemd.log" 2>&1 || status=$?
cat "$work/transcript"
if [[ ! -s "$work/failures" ]]; then
    echo "FAIL: the checks did not finish (unshare/systemd exit $status); systemd's console:" >&2
    tail -n 40 "$work/systemd.log" >&2
    exit 1
fi
failures=$(cat "$work/failures")
# 130 (killed by SIGINT) is a clean poweroff: reboot(2) ends a PID namespace's init that way.
if [[ $status != 130 ]]; then
    echo "FAIL: systemd did not power off cleanly (exit $status); its console:" >&2
    tail -n 40 "$work/systemd.log" >&2
    exit 1
fi
echo "systemd powered off; $failures failed checks"
[[ $failures == 0 ]]
