import assert from "node:assert/strict";
import { test } from "node:test";
import { LatestRequest } from "../src/latest";

/** A promise settled from outside, so a test decides the order answers arrive in. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

test("a slow earlier answer arriving after a newer one is dropped; the newer one wins", async () => {
  const request = new LatestRequest();
  const slow = deferred<string>();
  const fast = deferred<string>();
  const first = request.run(() => slow.promise);
  const second = request.run(() => fast.promise);
  fast.resolve("new");
  assert.deepEqual(await second, { latest: true, value: "new" });
  slow.resolve("old");
  assert.deepEqual(await first, { latest: false });
});

test("answers arriving in order: only the last one asked for counts", async () => {
  const request = new LatestRequest();
  const first = request.run(async () => 1);
  const second = request.run(async () => 2);
  assert.deepEqual(await Promise.all([first, second]), [{ latest: false }, { latest: true, value: 2 }]);
});

test("a superseded request's signal is aborted, the latest one's is not", async () => {
  const request = new LatestRequest();
  const signals: AbortSignal[] = [];
  const hold = deferred<void>();
  const first = request.run(async (signal) => (signals.push(signal), hold.promise));
  const second = request.run(async (signal) => (signals.push(signal), hold.promise));
  hold.resolve();
  await Promise.all([first, second]);
  assert.deepEqual(signals.map((s) => s.aborted), [true, false]);
});

test("a superseded request's error is dropped; the latest request's error is thrown", async () => {
  const request = new LatestRequest();
  const old = deferred<number>();
  const first = request.run(() => old.promise);
  const second = request.run(async () => {
    throw new Error("server said no");
  });
  old.reject(new Error("aborted"));
  assert.deepEqual(await first, { latest: false });
  await assert.rejects(second, /server said no/);
});

test("cancel drops the answer in flight without starting another", async () => {
  const request = new LatestRequest();
  const pending = deferred<number>();
  let aborted = false;
  const answer = request.run((signal) => {
    signal.addEventListener("abort", () => (aborted = true));
    return pending.promise;
  });
  request.cancel();
  pending.resolve(1);
  assert.deepEqual(await answer, { latest: false });
  assert.ok(aborted);
  assert.deepEqual(await request.run(async () => 2), { latest: true, value: 2 });
});
