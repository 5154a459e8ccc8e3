#!/usr/bin/env python3
"""A minimal SOCKS5 proxy (RFC 1928 CONNECT, RFC 1929 username/password) for tests.

Listens on 127.0.0.1, prints its port on stdout once listening, and appends one
line per CONNECT ("CONNECT host:port") to the log file. Loopback only."""
import socket
import struct
import sys
import threading


def recv_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def relay(a, b):
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            b.sendall(data)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def handle(client, user, password, log):
    try:
        ver, n = recv_exact(client, 2)
        methods = recv_exact(client, n)
        if ver != 5 or 2 not in methods:
            client.sendall(b"\x05\xff")
            return
        client.sendall(b"\x05\x02")
        _, ulen = recv_exact(client, 2)
        u = recv_exact(client, ulen).decode()
        (plen,) = recv_exact(client, 1)
        p = recv_exact(client, plen).decode()
        if (u, p) != (user, password):
            client.sendall(b"\x01\x01")
            return
        client.sendall(b"\x01\x00")
        ver, cmd, _, atyp = recv_exact(client, 4)
        if atyp == 1:
            host = socket.inet_ntoa(recv_exact(client, 4))
        elif atyp == 3:
            (hlen,) = recv_exact(client, 1)
            host = recv_exact(client, hlen).decode()
        else:
            client.sendall(b"\x05\x08\x00\x01" + b"\x00" * 6)
            return
        (port,) = struct.unpack("!H", recv_exact(client, 2))
        with open(log, "a") as f:
            f.write(f"CONNECT {host}:{port}\n")
        if not host.startswith("127."):
            client.sendall(b"\x05\x02\x00\x01" + b"\x00" * 6)  # loopback only
            return
        try:
            upstream = socket.create_connection((host, port), timeout=5)
        except OSError:
            client.sendall(b"\x05\x05\x00\x01" + b"\x00" * 6)
            return
        client.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("127.0.0.1") + struct.pack("!H", 0))
        threading.Thread(target=relay, args=(upstream, client), daemon=True).start()
        relay(client, upstream)
    except (ConnectionError, OSError):
        pass
    finally:
        client.close()


def main():
    user, password, log = sys.argv[1], sys.argv[2], sys.argv[3]
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    print(srv.getsockname()[1], flush=True)
    while True:
        c, _ = srv.accept()
        threading.Thread(target=handle, args=(c, user, password, log), daemon=True).start()


if __name__ == "__main__":
    main()
