#!/usr/bin/env python3
"""A fault-injecting proxy for the QEMU guest agent protocol (tests/cli/agent.sh).

Listens on a unix socket, forwards every client connection to the real qemu-ga socket, and
injects faults into qemu-ga's replies.  A reply is one JSON line; a guest-sync-delimited reply
is preceded by a 0xFF byte, which stays part of it.  Requests pass unchanged; the proxy only
reads their "execute" and "id" to name the command a reply answers (qemu-ga copies the id
into its reply; a reply led by 0xFF answers guest-sync-delimited; others are named "?", such
as qemu-ga's parse error for the 0xFF byte that resets its parser).

Faults (KIND[:ARG]):
  delay:MS          hold the reply MS milliseconds (later replies wait behind it)
  drop              swallow the reply
  truncate[:N]      send only its first N bytes (default: half), never the rest
  stale             send an earlier reply of this connection again, then the real one
  garbage[:before]  random non-JSON bytes, then the reply
  garbage:instead   random non-JSON bytes instead of the reply
  close             close the client connection instead of sending the reply

Where (--fault KIND[:ARG]@WHERE, repeatable): N = the Nth reply through the proxy (counted
over all connections, from 1); CMD#N = the Nth reply to command CMD; CMD = CMD#1.
--random SEED --rate P: besides, every reply gets a random fault with probability P
(kinds from --kinds, delays up to --max-delay ms).

Every injected fault is one line in --log:
  conn=C reply=N cmd=CMD#K fault=KIND[:ARG] bytes=LEN head=FIRST-BYTES
Python 3 standard library only.
"""
import argparse
import json
import os
import random
import re
import socket
import sys
import threading
import time

KINDS = ("delay", "drop", "truncate", "stale", "garbage", "close")


def parse_fault(spec):
    """'delay:1500@guest-file-write#2' -> (kind, arg, n or None, cmd or None, k)."""
    m = re.fullmatch(r"([a-z]+)(?::([a-z0-9]+))?@(?:(\d+)|([a-z][a-z0-9-]*)(?:#(\d+))?)", spec)
    if not m or m.group(1) not in KINDS:
        raise argparse.ArgumentTypeError("bad fault spec %r (KIND[:ARG]@N or @CMD#N)" % spec)
    kind, arg, n, cmd, k = m.groups()
    return (kind, arg, int(n) if n else None, cmd, int(k) if k else 1)


class Proxy:
    def __init__(self, opts):
        self.opts = opts
        self.lock = threading.Lock()
        self.replies = 0  # over all connections
        self.per_cmd = {}
        self.conns = 0
        self.rng = random.Random(opts.random)
        self.log = open(opts.log, "a", buffering=1) if opts.log else None

    def note(self, line):
        if self.log:
            self.log.write(line + "\n")

    def choose(self, cmd):
        """Numbers this reply and picks its fault: (n, k, kind, arg) or a None kind."""
        with self.lock:
            self.replies += 1
            n = self.replies
            k = self.per_cmd[cmd] = self.per_cmd.get(cmd, 0) + 1
            for kind, arg, fn, fcmd, fk in self.opts.fault:
                if (fn is not None and fn == n) or (fcmd == cmd and fk == k):
                    return n, k, kind, arg
            if self.opts.random is not None and self.rng.random() < self.opts.rate:
                kind = self.rng.choice(self.opts.kinds)
                arg = None
                if kind == "delay":
                    arg = str(self.rng.randint(1, self.opts.max_delay))
                elif kind == "garbage":
                    arg = self.rng.choice(("before", "instead"))
                elif kind == "truncate":
                    arg = "r"  # a random cut, chosen below when the length is known
                return n, k, kind, arg
            return n, k, None, None

    def garbage(self):
        with self.lock:
            size = self.rng.randint(1, 64)
            # bytes that cannot start or continue JSON: no braces, quotes, 0xFF or newlines
            return bytes(self.rng.choice(b"#%&*;<>?@^`|~\x01\x02\x7f\x80\xfe") for _ in range(size))

    def serve(self):
        try:
            os.unlink(self.opts.listen)
        except FileNotFoundError:
            pass
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(self.opts.listen)
        srv.listen(8)
        while True:
            client, _ = srv.accept()
            self.conns += 1
            threading.Thread(target=self.connection, args=(client, self.conns), daemon=True).start()

    def connection(self, client, cid):
        up = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            up.connect(self.opts.upstream)
        except OSError as e:
            self.note("conn=%d upstream connect failed: %s" % (cid, e))
            client.close()
            return
        sent = {}  # request id -> command
        threading.Thread(target=self.requests, args=(client, up, sent), daemon=True).start()
        self.replies_of(client, up, sent, cid)

    def requests(self, client, up, sent):
        """Client to qemu-ga, unchanged; notes each request's id and command."""
        buf = b""
        try:
            while True:
                data = client.recv(65536)
                if not data:
                    break
                buf += data
                *lines, buf = buf.split(b"\n")
                for line in lines:
                    try:
                        req = json.loads(line.replace(b"\xff", b""))
                        sent[req["id"]] = str(req["execute"])
                    except (ValueError, TypeError, KeyError):
                        pass
                up.sendall(data)
        except OSError:
            pass
        # the client is gone: let qemu-ga see the end, so it accepts the next client
        for s in (up, client):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    @staticmethod
    def command_of(reply, sent):
        if reply.startswith(b"\xff"):
            return "guest-sync-delimited"
        try:
            return sent.get(json.loads(reply)["id"], "?")
        except (ValueError, TypeError, KeyError):
            return "?"

    def replies_of(self, client, up, sent, cid):
        """qemu-ga to the client, one reply line at a time, faults injected."""
        buf = b""
        earlier = []
        try:
            while True:
                data = up.recv(1 << 20)
                if not data:
                    break
                buf += data
                while b"\n" in buf:
                    reply, buf = buf.split(b"\n", 1)
                    reply += b"\n"
                    cmd = self.command_of(reply, sent)
                    if not self.forward(client, cid, cmd, reply, earlier):
                        return
                    earlier.append(reply)
        except OSError:
            pass
        finally:
            for s in (client, up):
                try:
                    s.close()
                except OSError:
                    pass

    def forward(self, client, cid, cmd, reply, earlier):
        """Sends one reply with its fault; False once the connection is closed."""
        n, k, kind, arg = self.choose(cmd)
        if kind is None:
            client.sendall(reply)
            return True
        out = reply
        if kind == "drop":
            out = b""
        elif kind == "truncate":
            if arg == "r":
                with self.lock:
                    cut = self.rng.randint(1, len(reply) - 1)
            else:
                cut = int(arg) if arg else len(reply) // 2
            out = reply[:max(1, min(cut, len(reply) - 1))]
            arg = str(len(out))
        elif kind == "stale":
            if earlier:
                with self.lock:
                    out = self.rng.choice(earlier) + reply
            else:
                arg = "none-earlier"
        elif kind == "garbage":
            out = self.garbage() + (b"" if arg == "instead" else reply)
        head = reply[:60].decode("utf-8", "replace").replace("\xff", "\\xff").strip()
        self.note("conn=%d reply=%d cmd=%s#%d fault=%s%s bytes=%d head=%s"
                  % (cid, n, cmd, k, kind, ":" + arg if arg else "", len(reply), head))
        if kind == "delay":  # noted first: the proxy may be stopped while it waits
            time.sleep(int(arg or 1000) / 1000)
        if kind == "close":
            client.shutdown(socket.SHUT_RDWR)
            return False
        if out:
            client.sendall(out)
        return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--listen", required=True, help="unix socket to listen on")
    ap.add_argument("--upstream", required=True, help="qemu-ga's unix socket")
    ap.add_argument("--log", help="file to append one line per injected fault to")
    ap.add_argument("--fault", action="append", default=[], type=parse_fault,
                    help="KIND[:ARG]@N or KIND[:ARG]@CMD#N (repeatable)")
    ap.add_argument("--random", type=int, metavar="SEED", help="random faults with this seed")
    ap.add_argument("--rate", type=float, default=0.05, help="random fault probability per reply")
    ap.add_argument("--kinds", default=",".join(KINDS), help="random fault kinds (comma list)")
    ap.add_argument("--max-delay", type=int, default=1000, help="longest random delay, ms")
    opts = ap.parse_args()
    opts.kinds = [k for k in opts.kinds.split(",") if k]
    if any(k not in KINDS for k in opts.kinds):
        ap.error("--kinds: one of " + ",".join(KINDS))
    try:
        Proxy(opts).serve()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
