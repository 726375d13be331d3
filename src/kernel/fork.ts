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
  const cb = (...args: A): R => fn(data, ...args);
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

/** A reference to the object recorded at index i. */
class Ref {
  constructor(readonly i: number) {}
}

enum Kind {
  Object,
  Array,
  Map,
  Set,
  Bytes,
  Bound,
}

/** The world recorded as data: copy() builds a fresh world from it each time. */
export class Snapshot<T> {
  constructor(
    private readonly kinds: Kind[],
    /** Per object: its prototype (Object), its length (Array), its bytes (Bytes), the bound function (Bound). */
    private readonly heads: unknown[],
    /** Per object: its keys (Object), present indices (Array), or null. */
    private readonly keys: (readonly (string | number)[] | null)[],
    /** Per object: its values, in the order of keys (Object, Array), as key/value pairs (Map), members (Set), or the bound data (Bound). */
    private readonly values: unknown[][],
    private readonly side: Array<[SideTable<object, unknown>, number, unknown]>,
  ) {}

  copy(): T {
    const n = this.kinds.length;
    const objs: unknown[] = new Array(n);
    const { kinds, heads, keys, values } = this;
    for (let i = 0; i < n; i++) {
      switch (kinds[i]) {
        case Kind.Object:
          objs[i] = Object.create(heads[i] as object | null);
          break;
        case Kind.Array:
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
    const at = (v: unknown): unknown => (v instanceof Ref ? objs[v.i] : v);
    for (let i = 0; i < n; i++) if (kinds[i] === Kind.Bound) objs[i] = bound(heads[i] as (d: unknown) => unknown, at(values[i]![0]));
    for (let i = 0; i < n; i++) {
      const vs = values[i]!;
      switch (kinds[i]) {
        case Kind.Object:
        case Kind.Array: {
          const o = objs[i] as Record<string | number, unknown>;
          const ks = keys[i]!;
          for (let j = 0; j < ks.length; j++) o[ks[j]!] = at(vs[j]);
          break;
        }
        case Kind.Map: {
          const m = objs[i] as Map<unknown, unknown>;
          for (let j = 0; j < vs.length; j += 2) m.set(at(vs[j]), at(vs[j + 1]));
          break;
        }
        case Kind.Set: {
          const s = objs[i] as Set<unknown>;
          for (const v of vs) s.add(at(v));
          break;
        }
      }
    }
    for (const [t, k, v] of this.side) t.set(objs[k] as object, at(v));
    return objs[0] as T;
  }
}

const NO_VALUES: unknown[] = [];

/**
 * Records everything reachable from root. Frozen objects and kernel
 * functions are shared (nothing can change them); every other object is
 * recorded once, so each copy has the same shape of shared references as
 * the original. Throws NotForkable at a closure or an object it cannot copy.
 */
export function snapshot<T>(root: T): Snapshot<T> {
  const index = new Map<unknown, number>();
  const kinds: Kind[] = [];
  const heads: unknown[] = [];
  const keys: (readonly (string | number)[] | null)[] = [];
  const values: unknown[][] = [];
  const side: Array<[SideTable<object, unknown>, number, unknown]> = [];
  const work: number[] = [];
  const originals: unknown[] = [];
  /** Where a value was found, for NotForkable's message (built only then). */
  const where = (from: unknown, key: string | number): string => (from === undefined ? "the root" : `${(Object.getPrototypeOf(from) as object | null)?.constructor?.name ?? "object"}.${key}`);

  const add = (v: object, kind: Kind, head: unknown): number => {
    const i = kinds.length;
    index.set(v, i);
    kinds.push(kind);
    heads.push(head);
    keys.push(null);
    values.push(NO_VALUES);
    originals.push(v);
    return i;
  };

  /** A value as recorded: itself when it is shared, else a Ref to its record (made, and queued for its contents, on first sight). */
  const ref = (v: unknown, from: unknown, key: string | number): unknown => {
    if (v === null || (typeof v !== "object" && typeof v !== "function")) return v;
    const seen = index.get(v);
    if (seen !== undefined) return new Ref(seen);
    if (typeof v === "function") {
      const b = BINDINGS.get(v);
      if (!b) {
        if (KERNEL_FNS.has(v)) return v;
        throw new NotForkable(`${where(from, key)} holds a closure (${v.name || "anonymous"}): store a kernelFn or a bound() callback instead`);
      }
      if (!KERNEL_FNS.has(b.fn)) throw new NotForkable(`${where(from, key)} binds a function that is not a kernelFn (${b.fn.name || "anonymous"})`);
      const i = add(v, Kind.Bound, b.fn);
      values[i] = [ref(b.data, from, key)];
      return new Ref(i);
    }
    if (Object.isFrozen(v)) return v;
    let i: number;
    if (Array.isArray(v)) i = add(v, Kind.Array, v.length);
    else if (v instanceof Map) i = add(v, Kind.Map, null);
    else if (v instanceof Set) i = add(v, Kind.Set, null);
    else if (v instanceof Uint8Array || v instanceof Uint16Array || v instanceof Uint32Array) i = add(v, Kind.Bytes, v.slice());
    else if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof WeakMap || v instanceof WeakSet || v instanceof Promise) throw new NotForkable(`a ${v.constructor.name} in ${where(from, key)}`);
    else i = add(v, Kind.Object, Object.getPrototypeOf(v));
    work.push(i);
    return new Ref(i);
  };

  const rootRef = ref(root, undefined, "");
  if (!(rootRef instanceof Ref) || rootRef.i !== 0) throw new NotForkable("the root is not an object of its own");
  while (work.length > 0) {
    const i = work.pop()!;
    const v = originals[i]!;
    switch (kinds[i]) {
      case Kind.Object: {
        const ks = Object.keys(v);
        const vs: unknown[] = new Array(ks.length);
        for (let j = 0; j < ks.length; j++) vs[j] = ref((v as Record<string, unknown>)[ks[j]!], v, ks[j]!);
        keys[i] = ks;
        values[i] = vs;
        break;
      }
      case Kind.Array: {
        // A sparse array (a table by prefix length) keeps its holes.
        const a = v as unknown[];
        const ks: number[] = [];
        const vs: unknown[] = [];
        for (let j = 0; j < a.length; j++) {
          if (!(j in a)) continue;
          ks.push(j);
          vs.push(ref(a[j], v, j));
        }
        keys[i] = ks;
        values[i] = vs;
        break;
      }
      case Kind.Map: {
        const vs: unknown[] = [];
        for (const [k, x] of v as Map<unknown, unknown>) vs.push(ref(k, v, "key"), ref(x, v, "value"));
        values[i] = vs;
        break;
      }
      case Kind.Set: {
        const vs: unknown[] = [];
        for (const x of v as Set<unknown>) vs.push(ref(x, v, "member"));
        values[i] = vs;
        break;
      }
    }
    if (SIDE_KEYS.has(v as object)) for (const t of SIDE_TABLES) if (t.has(v as object)) side.push([t, i, ref(t.get(v as object), v, "its side-table entry")]);
  }
  return new Snapshot<T>(kinds, heads, keys, values, side);
}

/** One copy of everything reachable from root (see snapshot). */
export function forkGraph<T>(root: T): T {
  return snapshot(root).copy();
}
