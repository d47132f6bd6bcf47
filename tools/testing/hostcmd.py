#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# hostcmd.py QMP_SOCKET TAP_FILE LOG
# Runs beside QEMU (vm.sh) for scenarios that need the host: a guest line
# "SRIOVH host device_del ID" or "SRIOVH host device_add DRIVER KEY=VALUE..."
# on the results port becomes that QMP command (PCIe hot-unplug and plug
# on a root port). Each command and QEMU's answer go to LOG; the guest
# checks the effect itself. vm.sh stops it when QEMU has exited.
import json
import os
import socket
import sys
import time

sock_path, tap_path, log_path = sys.argv[1:4]
log = open(log_path, "a", buffering=1)


def connect():
    for _ in range(600):
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(sock_path)
            return s
        except OSError:
            time.sleep(0.1)
    log.write("hostcmd: no QMP socket %s\n" % sock_path)
    sys.exit(1)


sock = connect()
reader = sock.makefile("r")


def answer():
    """The reply to the last command; events before it are logged."""
    while True:
        line = reader.readline()
        if not line:
            log.write("hostcmd: QEMU closed the monitor\n")
            sys.exit(0)
        msg = json.loads(line)
        if "return" in msg or "error" in msg:
            return msg
        log.write("event: %s\n" % line.strip())


def wait_deleted(dev_id, timeout=120):
    """QEMU frees a device only when the guest has powered its slot off;
    a device_add with the same id fails before that."""
    sock.settimeout(timeout)
    try:
        while True:
            line = reader.readline()
            if not line:
                sys.exit(0)
            log.write("event: %s\n" % line.strip())
            msg = json.loads(line)
            if (msg.get("event") == "DEVICE_DELETED" and
                    msg.get("data", {}).get("device") == dev_id):
                return
    except socket.timeout:
        log.write("hostcmd: no DEVICE_DELETED for %s in %d s\n" % (dev_id, timeout))
    finally:
        sock.settimeout(None)


def execute(cmd, args=None):
    req = {"execute": cmd}
    if args:
        req["arguments"] = args
    log.write("-> %s\n" % json.dumps(req))
    sock.sendall((json.dumps(req) + "\n").encode())
    log.write("<- %s\n" % json.dumps(answer()))


reader.readline()  # greeting
execute("qmp_capabilities")

pos = 0
partial = ""
while True:
    try:
        with open(tap_path, "r", errors="replace") as f:
            f.seek(pos)
            data = f.read()
            pos = f.tell()
    except FileNotFoundError:
        data = ""
    partial += data
    *lines, partial = partial.split("\n")
    for line in lines:
        line = line.strip("\r")
        if not line.startswith("SRIOVH host "):
            continue
        words = line.split()[2:]
        if words[:1] == ["device_del"] and len(words) == 2:
            execute("device_del", {"id": words[1]})
            wait_deleted(words[1])
        elif words[:1] == ["device_add"] and len(words) >= 2:
            args = {"driver": words[1]}
            args.update(w.split("=", 1) for w in words[2:])
            execute("device_add", args)
        else:
            log.write("hostcmd: unknown request: %s\n" % line)
    time.sleep(0.2)
