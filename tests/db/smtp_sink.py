#!/usr/bin/python3
"""A real SMTP server on loopback for the statement delivery tests and benchmark
(Debian's python3-aiosmtpd), storing each message it accepts as a file.

  smtp_sink.py --dir DIR --port-file FILE [--host 127.0.0.1] [--refuse ADDR]...
               [--drop-after-data ADDR]... [--stall-after-data ADDR]... [--tls-cert PEM --tls-key PEM [--require-starttls]]
               [--auth USER:PASSWORD [--auth-exclude MECHANISM]...] [--no-store]

Listens on HOST and a free port (written to FILE once it listens). Each message
accepted is DIR/NNNNNN.eml (the data as received, CRLF line endings) with its
envelope in DIR/NNNNNN.env ("MAIL FROM" line, then one "RCPT TO" line each).
--refuse ADDR answers RCPT TO:<ADDR> with "550 5.1.1 mailbox unavailable".
--drop-after-data ADDR reads the whole message for ADDR, stores it as
DIR/NNNNNN.dropped and closes the connection without a reply.
--stall-after-data ADDR stores the message for ADDR as DIR/NNNNNN.stalled and
waits 60 s before answering (451): time for a test to kill the client.
--tls-cert/--tls-key offer STARTTLS (--require-starttls: refuse mail before it).
--auth USER:PASSWORD requires AUTH (PLAIN or LOGIN) with these credentials;
--auth-exclude PLAIN offers only LOGIN; every AUTH attempt is logged to DIR/auth.log as "MECHANISM ok|refused".
--no-store only counts (the benchmark): the count is DIR/count on exit.
SIGTERM or SIGINT stops it.
"""
import argparse
import asyncio
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, args):
        self.dir = args.dir
        self.refuse = {a.lower() for a in args.refuse}
        self.drop = {a.lower() for a in args.drop_after_data}
        self.stall = {a.lower() for a in args.stall_after_data}
        self.store = not args.no_store
        self.count = 0

    def _write(self, suffix, envelope):
        self.count += 1
        if not self.store:
            return
        base = os.path.join(self.dir, "%06d" % self.count)
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".env", "w") as f:
            f.write("MAIL FROM %s\n" % envelope.mail_from)
            for r in envelope.rcpt_tos:
                f.write("RCPT TO %s\n" % r)
        os.rename(base + ".tmp", base + suffix)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if any(r.lower() in self.drop for r in envelope.rcpt_tos):
            self._write(".dropped", envelope)
            server.transport.abort()
            return "421 dropped"  # never written: the connection is gone
        if any(r.lower() in self.stall for r in envelope.rcpt_tos):
            self._write(".stalled", envelope)
            await asyncio.sleep(60)
            return "451 stalled"
        self._write(".eml", envelope)
        return "250 OK queued as %06d" % self.count


def authenticator_for(user, password, log_path):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user
              and auth_data.password.decode() == password)
        with open(log_path, "a") as f:
            f.write("%s %s\n" % (mechanism, "ok" if ok else "refused"))
        return AuthResult(success=ok)
    return authenticate


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--refuse", action="append", default=[])
    p.add_argument("--drop-after-data", action="append", default=[])
    p.add_argument("--stall-after-data", action="append", default=[])
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--require-starttls", action="store_true")
    p.add_argument("--auth")
    p.add_argument("--auth-exclude", action="append", default=[])
    p.add_argument("--no-store", action="store_true")
    args = p.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    sink = Sink(args)

    tls = None
    if args.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    kwargs = dict(hostname="sink.test", tls_context=tls, require_starttls=args.require_starttls,
                  data_size_limit=64 * 1024 * 1024, timeout=60)
    if args.auth:
        user, _, password = args.auth.partition(":")
        kwargs.update(authenticator=authenticator_for(user, password, os.path.join(args.dir, "auth.log")),
                      auth_required=True, auth_require_tls=tls is not None,
                      auth_exclude_mechanism=args.auth_exclude)

    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(sink, **kwargs), args.host, 0)
    port = server.sockets[0].getsockname()[1]
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(args.port_file + ".tmp", args.port_file)

    stop = asyncio.Event()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    await stop.wait()
    server.close()
    with open(os.path.join(args.dir, "count"), "w") as f:
        f.write("%d\n" % sink.count)


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
