// The viewer's one state store: the state every panel reads, changed only through `update`, with listeners told of
// each change. Pure (no DOM), so it is unit-tested under Node.

export type Listener<S> = (state: Readonly<S>, previous: Readonly<S>) => void;

export class Store<S extends object> {
  private current: Readonly<S>;
  private readonly listeners = new Set<Listener<S>>();

  constructor(initial: S) {
    this.current = Object.freeze({ ...initial });
  }

  /** The state now: a frozen object, replaced (never changed in place) by each update. */
  get state(): Readonly<S> {
    return this.current;
  }

  /**
   * Merges `patch` into the state and tells every listener, unless no value changed (compared with Object.is), so
   * that a listener runs only for real changes.
   */
  update(patch: Partial<S>): void {
    const previous = this.current;
    const changed = (Object.keys(patch) as (keyof S)[]).some((key) => !Object.is(patch[key], previous[key]));
    if (!changed) return;
    this.current = Object.freeze({ ...previous, ...patch });
    // A copy: a listener may unsubscribe itself while being told.
    for (const listener of [...this.listeners]) listener(this.current, previous);
  }

  /** Calls `listener` after every change; returns the function that stops it. */
  subscribe(listener: Listener<S>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `onChange` with the selected value whenever it changes (Object.is), and once now. */
  watch<T>(select: (state: Readonly<S>) => T, onChange: (value: T) => void): () => void {
    onChange(select(this.current));
    return this.subscribe((state, previous) => {
      const value = select(state);
      if (!Object.is(value, select(previous))) onChange(value);
    });
  }
}
