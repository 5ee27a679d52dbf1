import assert from "node:assert/strict";
import { test } from "node:test";
import { Store } from "../src/store";

interface State {
  count: number;
  items: readonly number[];
  name: string | null;
}

const initial = (): State => ({ count: 0, items: [], name: null });

test("an update replaces the state and tells each listener the state before and after", () => {
  const store = new Store(initial());
  const seen: [number, number][] = [];
  store.subscribe((state, previous) => seen.push([previous.count, state.count]));
  const before = store.state;
  store.update({ count: 1 });
  store.update({ count: 2, name: "x" });
  assert.deepEqual(seen, [[0, 1], [1, 2]]);
  assert.equal(before.count, 0, "the old state object is left as it was");
  assert.deepEqual(store.state, { count: 2, items: [], name: "x" });
});

test("an update that changes nothing tells no one", () => {
  const store = new Store(initial());
  let calls = 0;
  store.subscribe(() => calls++);
  store.update({ count: 0, name: null });
  store.update({});
  assert.equal(calls, 0);
});

test("the state cannot be changed in place", () => {
  const store = new Store(initial());
  assert.throws(() => {
    (store.state as State).count = 5;
  }, TypeError);
  assert.equal(store.state.count, 0);
});

test("an unsubscribed listener is not called again", () => {
  const store = new Store(initial());
  let calls = 0;
  const stop = store.subscribe(() => calls++);
  store.update({ count: 1 });
  stop();
  store.update({ count: 2 });
  assert.equal(calls, 1);
});

test("watch reports the selected value at once and then only when it changes", () => {
  const store = new Store(initial());
  const seen: (readonly number[])[] = [];
  store.watch((s) => s.items, (items) => seen.push(items));
  store.update({ count: 1 });
  const items = [4, 5];
  store.update({ items });
  store.update({ name: "y" });
  assert.deepEqual(seen, [[], [4, 5]]);
  assert.equal(seen[1], items);
});
