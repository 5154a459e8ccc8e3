#!/usr/bin/python3
"""An independent client of the mediator wire (python3-grpcio, stubs generated
by protoc from the project's .proto): calls every method of a running gateway
and checks bytes and status codes against ../shared/spec/mediator.md.

  wire_client.py STUBS_DIR ADDRESS CHECK [ARGS...]

Each CHECK prints "ok: ..." lines or "FAIL: ..." lines; exit 1 on any failure.
"""
import json
import sys
import threading
import time

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
import mediator_pb2 as m  # noqa: E402
import mediator_pb2_grpc as mg  # noqa: E402
import gateway_stats_pb2 as st  # noqa: E402
import gateway_stats_pb2_grpc as stg  # noqa: E402
import health_pb2 as h  # noqa: E402
import health_pb2_grpc as hg  # noqa: E402

ADDRESS = sys.argv[2]
FAILS = 0


def ok(cond, what):
    global FAILS
    if cond:
        print("ok: " + what)
    else:
        FAILS += 1
        print("FAIL: " + what)


def channel():
    """Insecure, or mTLS when WIRE_CERT, WIRE_KEY and WIRE_CA name PEM files (the
    target name deployed clients verify: cepro-mediators)."""
    import os
    if os.environ.get("WIRE_CA"):
        read = lambda v: open(os.environ[v], "rb").read() if os.environ.get(v) else None
        creds = grpc.ssl_channel_credentials(root_certificates=read("WIRE_CA"), private_key=read("WIRE_KEY"),
                                             certificate_chain=read("WIRE_CERT"))
        return grpc.secure_channel(ADDRESS, creds, options=(("grpc.ssl_target_name_override", "cepro-mediators"),))
    return grpc.insecure_channel(ADDRESS)


def stub():
    return mg.EmliteMediatorServiceStub(channel())


def info():
    return mg.InfoServiceStub(channel())


def status_of(call, *args, **kw):
    """(code, details, reply) of a unary call."""
    try:
        return grpc.StatusCode.OK, "", call(*args, **kw)
    except grpc.RpcError as e:
        return e.code(), e.details(), None


def check_reads(serial):
    s = stub()
    code, _, r = status_of(s.readElement, m.ReadElementRequest(serial=serial, objectId=0x600100), timeout=30)
    ok(code == grpc.StatusCode.OK, f"readElement serial of {serial}: {code}")
    if r is not None:
        ok(r.response.decode("ascii", "replace").strip("\x00 ") == serial,
           f"readElement 0x600100 payload is the serial in ASCII ({r.response!r})")
        payload = r.response
        code, _, raw = status_of(s.sendRawMessage,
                                 m.SendRawMessageRequest(serial=serial, dataField=bytes.fromhex("0160010000")), timeout=30)
        ok(code == grpc.StatusCode.OK, "sendRawMessage read of the serial")
        if raw is not None:
            ok(raw.response == bytes.fromhex("60010000") + payload,
               f"sendRawMessage reply is the data field without its format byte ({raw.response.hex()})")


def check_write(serial):
    """Writes the backlight setting (0xFFE001) the value read from it: the meter is left as it was."""
    s = stub()
    oid = 0xFFE001
    code, _, r = status_of(s.readElement, m.ReadElementRequest(serial=serial, objectId=oid), timeout=30)
    ok(code == grpc.StatusCode.OK, f"readElement 0x{oid:06x} before the write: {code}")
    if r is None:
        return
    code, _, w = status_of(s.writeElement, m.WriteElementRequest(serial=serial, objectId=oid, payload=r.response), timeout=30)
    ok(code == grpc.StatusCode.OK, f"writeElement 0x{oid:06x} of the same value: {code}")
    ok(w is not None and w.ByteSize() == 0, "writeElement's reply has no fields")


def check_refusals(serial):
    s, i = stub(), info()
    no_serial = "Target meter serial not specified"
    for name, call, req in [
        ("readElement", s.readElement, m.ReadElementRequest(objectId=0x600100)),
        ("writeElement", s.writeElement, m.WriteElementRequest(objectId=0x600100, payload=b"x")),
        ("sendRawMessage", s.sendRawMessage, m.SendRawMessageRequest(dataField=bytes.fromhex("0160010000"))),
        ("GetInfo", i.GetInfo, m.GetInfoRequest()),
    ]:
        code, details, _ = status_of(call, req, timeout=10)
        ok(code == grpc.StatusCode.INVALID_ARGUMENT and details == no_serial, f"{name} without a serial: {code} {details!r}")
    for name, call, req in [
        ("readElement", s.readElement, m.ReadElementRequest(serial="EMLNOSUCH", objectId=0x600100)),
        ("writeElement", s.writeElement, m.WriteElementRequest(serial="EMLNOSUCH", objectId=0x600100, payload=b"x")),
        ("sendRawMessage", s.sendRawMessage, m.SendRawMessageRequest(serial="EMLNOSUCH", dataField=bytes.fromhex("0160010000"))),
        ("GetInfo", i.GetInfo, m.GetInfoRequest(serial="EMLNOSUCH")),
    ]:
        code, details, _ = status_of(call, req, timeout=10)
        ok(code == grpc.StatusCode.NOT_FOUND and details == "Meter 'EMLNOSUCH' not known",
           f"{name} of an unknown serial: {code} {details!r}")
    code, details, _ = status_of(s.readElement, m.ReadElementRequest(serial=serial, objectId=0x1000000), timeout=10)
    ok(code == grpc.StatusCode.INVALID_ARGUMENT, f"objectId beyond 3 bytes: {code} {details!r}")
    code, details, _ = status_of(s.sendRawMessage, m.SendRawMessageRequest(serial=serial, dataField=b"\x09\x01"), timeout=10)
    ok(code == grpc.StatusCode.INVALID_ARGUMENT, f"a data field of no known format: {code} {details!r}")
    code, details, _ = status_of(s.sendRawMessage, m.SendRawMessageRequest(serial=serial, dataField=b""), timeout=10)
    ok(code == grpc.StatusCode.INVALID_ARGUMENT, f"an empty data field: {code} {details!r}")
    code, details, _ = status_of(s.sendRawMessage,
                                 m.SendRawMessageRequest(serial=serial, dataField=b"\x01" + b"\x00" * (1 << 20)), timeout=10)
    ok(code == grpc.StatusCode.RESOURCE_EXHAUSTED, f"a 1 MiB request: {code}")
    # Bytes that are not a protobuf message at all, through a raw call.
    raw = channel().unary_unary("/simt_emlite.mediator.grpc.EmliteMediatorService/readElement",
                                request_serializer=lambda b: b, response_deserializer=lambda b: b)
    code, details, _ = status_of(raw, b"\xff\xff\xff\xff\x0f", timeout=10)
    ok(code not in (grpc.StatusCode.OK, grpc.StatusCode.UNAVAILABLE), f"a malformed protobuf request: {code}")


def check_info(serials):
    i = info()
    code, _, r = status_of(i.GetMeters, m.GetMetersRequest(esco=""), timeout=10)
    ok(code == grpc.StatusCode.OK, "GetMeters")
    rows = json.loads(r.json_meters) if r else []
    ok(sorted(x["serial"] for x in rows) == sorted(serials), f"GetMeters lists the served meters ({len(rows)})")
    keys = ["id", "ip_address", "serial", "name", "single_meter_app", "esco", "csq", "health", "hardware", "feeder"]
    ok(all(list(x.keys()) == keys for x in rows), "GetMeters rows have get_meters_for_cli's columns")
    code, _, r = status_of(i.GetInfo, m.GetInfoRequest(serial=serials[0]), timeout=10)
    j = json.loads(r.json_data) if r else {}
    ok(code == grpc.StatusCode.OK and j.get("registry", {}).get("serial") == serials[0] and "shadow" in j,
       f"GetInfo gives registry and shadow ({sorted(j)})")
    hc = hg.HealthStub(channel())
    code, _, r = status_of(hc.Check, h.HealthCheckRequest(service=""), timeout=10)
    ok(code == grpc.StatusCode.OK and r.status == h.HealthCheckResponse.SERVING, f"grpc.health.v1 Check: {code}")
    code, _, r = status_of(stg.GatewayStatsStub(channel()).GetStats, st.GetStatsRequest(), timeout=10)
    ok(code == grpc.StatusCode.OK and r.meters_served == len(serials), f"GetStats meters_served={r.meters_served if r else None}")


def check_failure(serial, expect_prefix, expect_part):
    code, details, _ = status_of(stub().readElement, m.ReadElementRequest(serial=serial, objectId=0x600100), timeout=60)
    ok(code == grpc.StatusCode.INTERNAL and details.startswith(expect_prefix) and expect_part in details,
       f"{serial}: {code} {details!r} starts {expect_prefix!r} and holds {expect_part!r}")


def check_hung(hung, other):
    """A hung meter delays nobody else; a second caller of it waits --busy-wait, then
    RESOURCE_EXHAUSTED; a client that gives up mid-call leaves the gateway serving."""
    results = {}

    def call_hung(key, timeout):
        results[key] = status_of(stub().readElement, m.ReadElementRequest(serial=hung, objectId=0x600100), timeout=timeout)

    t1 = threading.Thread(target=call_hung, args=("first", 60))
    t1.start()
    time.sleep(0.3)
    t2 = threading.Thread(target=call_hung, args=("second", 60))
    t0 = time.monotonic()
    t2.start()
    started = time.monotonic()
    code, _, _ = status_of(stub().readElement, m.ReadElementRequest(serial=other, objectId=0x600100), timeout=10)
    took = time.monotonic() - started
    ok(code == grpc.StatusCode.OK and took < 2.0, f"another meter answers while one hangs ({took:.2f} s)")
    t2.join()
    waited = time.monotonic() - t0
    code, details, _ = results["second"]
    ok(code == grpc.StatusCode.RESOURCE_EXHAUSTED and details == f"Meter {hung} is busy (timeout)",
       f"second caller of a hung meter: {code} {details!r} after {waited:.1f} s")
    ok(0.8 <= waited < 5, f"it waited about --busy-wait (1 s): {waited:.1f} s")
    # A client that disconnects mid-call (its deadline passes).
    code, _, _ = status_of(stub().readElement, m.ReadElementRequest(serial=other, objectId=0x600100), timeout=10)
    call_hung("gone", 0.5)
    ok(results["gone"][0] == grpc.StatusCode.DEADLINE_EXCEEDED, f"a client giving up mid-call sees {results['gone'][0]}")
    code, _, _ = status_of(stub().readElement, m.ReadElementRequest(serial=other, objectId=0x600100), timeout=10)
    ok(code == grpc.StatusCode.OK, "the gateway serves on after a client left mid-call")
    t1.join()
    code, details, _ = results["first"]
    ok(code == grpc.StatusCode.INTERNAL and details.startswith("Meter communication failed"),
       f"the hung meter's own call ends as a meter failure: {code} {details!r}")


def check_concurrent(meters, clients):
    """`clients` threads, each reading every meter's serial (SERIAL:HARDWARE; a
    three-phase meter's from its own object): every answer right."""
    serials = [x.split(":")[0] for x in meters]
    object_of = {x.split(":")[0]: (0xD7FF10 if x.split(":")[1].startswith("P1") else 0x600100) for x in meters}
    bad = []
    lock = threading.Lock()

    def run(k):
        s = stub()
        for i in range(len(serials)):
            serial = serials[(i + k) % len(serials)]
            code, details, r = status_of(s.readElement, m.ReadElementRequest(serial=serial, objectId=object_of[serial]), timeout=120)
            if code != grpc.StatusCode.OK or r.response.decode("ascii", "replace").strip("\x00 ") != serial:
                with lock:
                    bad.append((serial, code, details))

    threads = [threading.Thread(target=run, args=(k,)) for k in range(clients)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - t0
    ok(not bad, f"{clients} clients x {len(serials)} meters: {clients * len(serials) - len(bad)} right answers, "
                f"{len(bad)} wrong ({bad[:3]}) in {took:.1f} s")


def check_methods(serial, expected):
    """Each method's status code for this caller, against EXPECTED
    ("readElement=OK,writeElement=PERMISSION_DENIED,…"; UNAVAILABLE: refused at the handshake)."""
    s, i = stub(), info()
    calls = {
        "sendRawMessage": lambda: s.sendRawMessage(m.SendRawMessageRequest(serial=serial, dataField=bytes.fromhex("0160010000")), timeout=20),
        "readElement": lambda: s.readElement(m.ReadElementRequest(serial=serial, objectId=0x600100), timeout=20),
        "writeElement": lambda: s.writeElement(m.WriteElementRequest(serial=serial, objectId=0xFFE001, payload=b"\x00"), timeout=20),
        "GetInfo": lambda: i.GetInfo(m.GetInfoRequest(serial=serial), timeout=20),
        "GetMeters": lambda: i.GetMeters(m.GetMetersRequest(esco=""), timeout=20),
    }
    for pair in expected.split(","):
        name, want = pair.split("=")
        code, details, _ = status_of(calls[name])
        ok(code.name == want, f"{name}: {code.name} (expected {want}) {details!r}")
        if code.name in ("PERMISSION_DENIED", "UNAUTHENTICATED"):
            ok(serial not in details and "127." not in details, f"{name}: the refusal is generic ({details!r})")


def main():
    check = sys.argv[3]
    args = sys.argv[4:]
    if check == "reads":
        check_reads(args[0])
    elif check == "write":
        check_write(args[0])
    elif check == "refusals":
        check_refusals(args[0])
    elif check == "info":
        check_info(args)
    elif check == "failure":
        check_failure(*args)
    elif check == "hung":
        check_hung(*args)
    elif check == "methods":
        check_methods(*args)
    elif check == "concurrent":
        check_concurrent(args[1:], int(args[0]))
    else:
        print("FAIL: unknown check " + check)
        sys.exit(2)
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
