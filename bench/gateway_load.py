#!/usr/bin/python3
"""Load for bench/gateway_bench.sh: CLIENTS threads, each with its own channel,
read the serial object of every meter in SERIALS_FILE (the meters shared out
among them) through the gateway at ADDRESS; prints reads, seconds, reads/s,
p50 and p99 latency in ms, and the number of wrong answers.

  gateway_load.py STUBS_DIR ADDRESS CLIENTS SERIALS_FILE
"""
import sys
import threading
import time

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
import mediator_pb2 as m  # noqa: E402
import mediator_pb2_grpc as mg  # noqa: E402

address, clients, serials = sys.argv[2], int(sys.argv[3]), [s.strip() for s in open(sys.argv[4]) if s.strip()]
latencies, wrong = [], []
lock = threading.Lock()


def client(k):
    stub = mg.EmliteMediatorServiceStub(grpc.insecure_channel(address))
    mine = []
    bad = 0
    for serial in serials[k::clients]:
        t0 = time.monotonic()
        try:
            r = stub.readElement(m.ReadElementRequest(serial=serial, objectId=0xFFFD1D), timeout=120)
            ok = len(r.response) >= 1
        except grpc.RpcError:
            ok = False
        mine.append(time.monotonic() - t0)
        bad += 0 if ok else 1
    with lock:
        latencies.extend(mine)
        wrong.append(bad)


threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
t0 = time.monotonic()
for t in threads:
    t.start()
for t in threads:
    t.join()
took = time.monotonic() - t0
latencies.sort()
pct = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000
print(f"{len(latencies)} {took:.3f} {len(latencies) / took:.1f} {pct(0.50):.1f} {pct(0.99):.1f} {sum(wrong)}")
