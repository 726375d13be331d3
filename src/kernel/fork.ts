// A fork of the simulated world: a copy of every object reachable from a
// root (kernels, namespaces, devices, tables, the clock and its pending
// timers), sharing nothing mutable with the original, so a command run on
// the copy sees exactly the state the original was in and changes nothing
// there. Explanations trace a matrix cell's ping on a fork of the world as it
// was before the matrix instead of building the lab again.
//
// What the kernel keeps to call later (a timer's function, an rx_handler, a
// netdevice notifier, a netfilter hook) is a module-level function, declared
// with kernelFn, or such a function bound to the object it serves with
// bound(): a function pointer and its data, as Linux keeps them apart
// (timer_list, rx_handler_data). A fork calls the same function on its copy
// of the data. A closure would keep working on the original's objects, so a
// fork refuses to copy one (NotForkable).
//
// Tables keyed by kernel objects outside them (module-level WeakMaps such as
// the notifier chains) are made with sideTable(), so a fork copies their
// entries too.
//
// A fork is made in two halves: snapshot() walks the world once and records
// every object as data (its prototype, its keys, its values, references as
// indices); copy() builds a new world from that record, as often as asked,
// with no lookups in the original. A matrix's explanations take one
// snapshot and one copy per failed cell.

/** A kernel function stored in state: shared by a fork as it is. */
const KERNEL_FNS = new WeakSet<object>();
/** The function and data behind each bound() callback. */
const BINDINGS = new WeakMap<object, { fn: (data: never, ...args: never[]) => unknown; data: unknown }>();
const SIDE_TABLES: SideTable<object, unknown>[] = [];
/** Every object that is a key in some side table, so a walk asks the tables only about those. */
const SIDE_KEYS = new WeakSet<object>();

export class NotForkable extends Error {
  constructor(what: string) {
    super(`cannot fork the simulated world: ${what}`);
    this.name = "NotForkable";
  }
}

/** Marks a module-level function that the kernel stores (a timer's or a hook's) as safe for a fork to share. */
export function kernelFn<F extends (...args: never[]) => unknown>(fn: F): F {
  KERNEL_FNS.add(fn);
  return fn;
}

/** fn(data, ...args) as a callback the kernel can store: a fork re-binds it to its copy of data. */
export function bound<D, A extends unknown[], R>(fn: (data: D, ...args: A) => R, data: D): (...args: A) => R {
  // Written out for up to three arguments: a rest parameter and its spread would allocate on every call (an rx_handler's, per frame).
  const cb = function (): R {
    const f = fn as (data: D, ...rest: unknown[]) => R;
    // eslint-disable-next-line prefer-rest-params
    const a = arguments;
    switch (a.length) {
      case 0:
        return f(data);
      case 1:
        return f(data, a[0]);
      case 2:
        return f(data, a[0], a[1]);
      case 3:
        return f(data, a[0], a[1], a[2]);
      default:
        return f(data, ...(Array.from(a) as unknown[]));
    }
  } as unknown as (...args: A) => R;
  BINDINGS.set(cb, { fn: fn as unknown as (data: never, ...args: never[]) => unknown, data });
  return cb;
}

/** A weak map from kernel objects to state kept beside them, which a fork copies along with its keys. */
export class SideTable<K extends object, V> {
  private readonly map = new WeakMap<K, V>();

  constructor() {
    SIDE_TABLES.push(this as unknown as SideTable<object, unknown>);
  }

  get(k: K): V | undefined {
    return this.map.get(k);
  }

  has(k: K): boolean {
    return this.map.has(k);
  }

  set(k: K, v: V): this {
    SIDE_KEYS.add(k);
    this.map.set(k, v);
    return this;
  }

  delete(k: K): boolean {
    return this.map.delete(k);
  }
}

export function sideTable<K extends object, V>(): SideTable<K, V> {
  return new SideTable<K, V>();
}

enum Kind {
  Object,
  /** An array with no holes, rebuilt by push. */
  Array,
  /** An array with holes (a table by prefix length), which keep their places. */
  SparseArray,
  Map,
  Set,
  Bytes,
  Bound,
}

/**
 * The world recorded as data: copy() builds a fresh world from it each
 * time. Object i's contents are the slots start[i] .. start[i] + len[i]:
 * a key (Object, SparseArray), and a value that is either the object
 * recorded at refs[slot] or, where that is -1, vals[slot] itself.
 */
export class Snapshot<T> {
  constructor(
    private readonly kinds: Uint8Array,
    /** Per object: its prototype (Object), its length (SparseArray), its bytes (Bytes), the bound function (Bound). */
    private readonly heads: unknown[],
    private readonly start: Int32Array,
    private readonly len: Int32Array,
    private readonly keys: (string | number)[],
    private readonly vals: unknown[],
    private readonly refs: Int32Array,
    private readonly side: Array<[SideTable<object, unknown>, number, number]>,
  ) {}

  /** The number of objects a copy makes. */
  get size(): number {
    return this.kinds.length;
  }

  copy(): T {
    const { kinds, heads, start, len, keys, vals, refs } = this;
    const n = kinds.length;
    const objs: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      switch (kinds[i]) {
        case Kind.Object:
          objs[i] = Object.create(heads[i] as object | null);
          break;
        case Kind.Array:
          objs[i] = [];
          break;
        case Kind.SparseArray:
          objs[i] = new Array(heads[i] as number);
          break;
        case Kind.Map:
          objs[i] = new Map();
          break;
        case Kind.Set:
          objs[i] = new Set();
          break;
        case Kind.Bytes:
          objs[i] = (heads[i] as Uint8Array).slice();
          break;
      }
    }
    const at = (slot: number): unknown => {
      const r = refs[slot]!;
      return r >= 0 ? objs[r] : vals[slot];
    };
    for (let i = 0; i < n; i++) if (kinds[i] === Kind.Bound) objs[i] = bound(heads[i] as (d: unknown) => unknown, at(start[i]!));
    for (let i = 0; i < n; i++) {
      const from = start[i]!;
      const to = from + len[i]!;
      switch (kinds[i]) {
        case Kind.Object:
        case Kind.SparseArray: {
          const o = objs[i] as Record<string | number, unknown>;
          for (let j = from; j < to; j++) o[keys[j]!] = at(j);
          break;
        }
        case Kind.Array: {
          const a = objs[i] as unknown[];
          for (let j = from; j < to; j++) a.push(at(j));
          break;
        }
        case Kind.Map: {
          const m = objs[i] as Map<unknown, unknown>;
          for (let j = from; j < to; j += 2) m.set(at(j), at(j + 1));
          break;
        }
        case Kind.Set: {
          const set = objs[i] as Set<unknown>;
          for (let j = from; j < to; j++) set.add(at(j));
          break;
        }
      }
    }
    for (const [t, k, slot] of this.side) t.set(objs[k] as object, at(slot));
    return objs[0] as T;
  }
}

/**
 * Records everything reachable from root. Frozen objects and kernel
 * functions are shared (nothing can change them); every other object is
 * recorded once, so each copy has the same shape of shared references as
 * the original. Throws NotForkable at a closure or an object it cannot copy.
 */
export function snapshot<T>(root: T): Snapshot<T> {
  const index = new Map<unknown, number>();
  const kinds: number[] = [];
  const heads: unknown[] = [];
  const start: number[] = [];
  const len: number[] = [];
  const keys: (string | number)[] = [];
  const vals: unknown[] = [];
  const refs: number[] = [];
  const side: Array<[SideTable<object, unknown>, number, number]> = [];
  const work: number[] = [];
  const originals: unknown[] = [];
  /** Where a value was found, for NotForkable's message (built only then). */
  const where = (from: unknown, key: string | number): string => (from === undefined ? "the root" : `${(Object.getPrototypeOf(from) as object | null)?.constructor?.name ?? "object"}.${key}`);

  const add = (v: object, kind: Kind, head: unknown): number => {
    const i = kinds.length;
    index.set(v, i);
    kinds.push(kind);
    heads.push(head);
    start.push(0);
    len.push(0);
    originals.push(v);
    return i;
  };

  /** The object recorded for v (made, and queued for its contents, on first sight), or -1 when v is shared as it is. */
  const record = (v: unknown, from: unknown, key: string | number): number => {
    if (v === null || (typeof v !== "object" && typeof v !== "function")) return -1;
    const seen = index.get(v);
    if (seen !== undefined) return seen;
    if (typeof v === "function") {
      const b = BINDINGS.get(v);
      if (!b) {
        if (KERNEL_FNS.has(v)) return -1;
        throw new NotForkable(`${where(from, key)} holds a closure (${v.name || "anonymous"}): store a kernelFn or a bound() callback instead`);
      }
      if (!KERNEL_FNS.has(b.fn)) throw new NotForkable(`${where(from, key)} binds a function that is not a kernelFn (${b.fn.name || "anonymous"})`);
      const i = add(v, Kind.Bound, b.fn);
      // Its one slot, the data, is filled when it comes off the work list.
      work.push(i);
      return i;
    }
    if (Object.isFrozen(v)) return -1;
    let i: number;
    if (Array.isArray(v)) {
      let dense = true;
      for (let j = 0; j < v.length && dense; j++) dense = j in v;
      i = dense ? add(v, Kind.Array, null) : add(v, Kind.SparseArray, v.length);
    } else if (v instanceof Map) i = add(v, Kind.Map, null);
    else if (v instanceof Set) i = add(v, Kind.Set, null);
    else if (v instanceof Uint8Array || v instanceof Uint16Array || v instanceof Uint32Array) i = add(v, Kind.Bytes, v.slice());
    else if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof WeakMap || v instanceof WeakSet || v instanceof Promise) throw new NotForkable(`a ${v.constructor.name} in ${where(from, key)}`);
    else i = add(v, Kind.Object, Object.getPrototypeOf(v));
    work.push(i);
    return i;
  };

  const slot = (v: unknown, from: unknown, key: string | number): void => {
    const r = record(v, from, key);
    refs.push(r);
    vals.push(r >= 0 ? undefined : v);
  };

  if (record(root, undefined, "") !== 0) throw new NotForkable("the root is not an object of its own");
  while (work.length > 0) {
    const i = work.pop()!;
    const v = originals[i]!;
    const first = vals.length;
    // Every slot of object i is pushed below before any other object's: record() only queues.
    start[i] = first;
    switch (kinds[i]) {
      case Kind.Object: {
        const o = v as Record<string, unknown>;
        for (const k of Object.keys(o)) {
          keys.push(k);
          slot(o[k], v, k);
        }
        break;
      }
      case Kind.Array:
        for (let j = 0; j < (v as unknown[]).length; j++) {
          keys.push(j);
          slot((v as unknown[])[j], v, j);
        }
        break;
      case Kind.SparseArray:
        for (let j = 0; j < (v as unknown[]).length; j++) {
          if (!(j in (v as unknown[]))) continue;
          keys.push(j);
          slot((v as unknown[])[j], v, j);
        }
        break;
      case Kind.Map:
        for (const [k, x] of v as Map<unknown, unknown>) {
          keys.push("key", "value");
          slot(k, v, "key");
          slot(x, v, "value");
        }
        break;
      case Kind.Set:
        for (const x of v as Set<unknown>) {
          keys.push("member");
          slot(x, v, "member");
        }
        break;
      case Kind.Bound:
        keys.push("data");
        slot(BINDINGS.get(v as object)!.data, v, "data");
        break;
    }
    len[i] = vals.length - first;
    if (kinds[i] !== Kind.Bound && SIDE_KEYS.has(v as object)) {
      for (const t of SIDE_TABLES) {
        if (!t.has(v as object)) continue;
        side.push([t, i, vals.length]);
        keys.push("its side-table entry");
        slot(t.get(v as object), v, "its side-table entry");
      }
    }
  }
  return new Snapshot<T>(Uint8Array.from(kinds), heads, Int32Array.from(start), Int32Array.from(len), keys, vals, Int32Array.from(refs), side);
}

/** One copy of everything reachable from root (see snapshot). */
export function forkGraph<T>(root: T): T {
  return snapshot(root).copy();
}
