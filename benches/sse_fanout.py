"""Times single programme edits (each checked for clashes against the whole event) and the fan-out
of one change to many open programme pages over server-sent events.

Usage: sse_fanout.py BASE_URL EVENT HOST_TOKEN CLIENTS   (standard library only)
"""
import asyncio
import json
import statistics
import sys
import time
import urllib.request
from urllib.parse import urlparse

base, event, token, clients = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
api = f"{base}/api/v1/events/{event}/programme"


def call(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    if data:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req) as response:
        return json.loads(response.read())


def edit(item):
    """Writes an item back unchanged: validation, the clash check against every item, the write."""
    body = {k: item[k] for k in ("kind", "title", "venue", "room", "meeting", "attendees", "press", "visibility")}
    body.update(version=item["version"], starts=item["starts_local"], ends=item["ends_local"])
    return call("PUT", f"{api}/{item['id']}", body)["item"]


item = next(i for i in call("GET", api)["items"] if i["kind"] == "bilateral")
times = []
for _ in range(20):
    started = time.perf_counter()
    item = edit(item)
    times.append((time.perf_counter() - started) * 1000)
times.sort()
print(f"single edit with clash check: median {statistics.median(times):.1f} ms, "
      f"p95 {times[int(len(times) * 0.95) - 1]:.1f} ms (20 edits, whole request)")


async def listen(host, port, path, ready, changed, arrivals):
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    await reader.readuntil(b"\r\n\r\n")
    ready.release()
    buffer = b""
    while b"event: changed" not in buffer:
        buffer += await reader.read(4096)
    arrivals.append(time.perf_counter())
    changed.release()
    writer.close()


async def fan_out():
    target = urlparse(base)
    ready, changed = asyncio.Semaphore(0), asyncio.Semaphore(0)
    arrivals = []
    path = f"/events/{event}/programme/live"
    tasks = [asyncio.create_task(listen(target.hostname, target.port, path, ready, changed, arrivals)) for _ in range(clients)]
    for _ in range(clients):
        await ready.acquire()
    await asyncio.sleep(0.5)
    started = time.perf_counter()
    await asyncio.get_running_loop().run_in_executor(None, edit, item)
    for _ in range(clients):
        await asyncio.wait_for(changed.acquire(), timeout=30)
    last = max(arrivals) - started
    median = statistics.median(arrivals) - started
    print(f"fan-out to {clients} open pages: all reached in {last * 1000:.0f} ms (median {median * 1000:.0f} ms), "
          "from the edit's request to the last page")
    await asyncio.gather(*tasks)


asyncio.run(fan_out())
