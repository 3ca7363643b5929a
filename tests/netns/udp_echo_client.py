#!/usr/bin/env python3
"""A kernel UDP client for the echo tests: sends COUNT datagrams of different sizes to
HOST:PORT, round-robin over SOCKETS sockets (so over as many source ports, i.e. flows), waits
up to 2 s for each echo and counts those that come back unchanged from HOST:PORT.  With
--silent-port P it then sends one datagram to port P, where nothing may answer.

Prints "echoed N", and "answered on port P" if port P answered."""
import argparse
import socket

ap = argparse.ArgumentParser()
ap.add_argument("host")
ap.add_argument("port", type=int)
ap.add_argument("--count", type=int, default=20)
ap.add_argument("--sockets", type=int, default=1)
ap.add_argument("--silent-port", type=int)
a = ap.parse_args()

socks = []
for _ in range(a.sockets):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    socks.append(s)
got = 0
for i in range(a.count):
    s = socks[i % a.sockets]
    msg = b"vnfdp-echo-%d-" % i + bytes(range(i * 7 % 250))
    s.sendto(msg, (a.host, a.port))
    try:
        data, peer = s.recvfrom(2048)
    except socket.timeout:
        continue
    got += data == msg and peer == (a.host, a.port)
if a.silent_port:
    socks[0].sendto(b"nobody listens here", (a.host, a.silent_port))
    try:
        socks[0].recvfrom(2048)
        print("answered on port", a.silent_port)
    except socket.timeout:
        pass
print("echoed", got)
