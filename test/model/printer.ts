/**
 * Prints a program as a TypeScript reproduction a reader can paste into a test: the pool's
 * configuration, then each step as the application code the runner executes for it.
 */
import { CLASSES, classSuffix, slotField, type ClassSlot } from './classes';
import type { Op, Program, Thrown } from './program';

/** Long strings made of one repeated short unit print as unit.repeat(n). */
function stringLiteral(s: string): string {
  for (let unit = 1; unit <= 8 && s.length > 40; unit++) {
    if (s.length % unit === 0 && s === s.slice(0, unit).repeat(s.length / unit)) return `${JSON.stringify(s.slice(0, unit))}.repeat(${s.length / unit})`;
  }
  return JSON.stringify(s);
}

function literal(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return stringLiteral(value);
  if (value instanceof Date) return `new Date(${literal(value.getTime())})`;
  if (value instanceof Uint8Array) return `Uint8Array.of(${[...value].join(', ')})`;
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (value === null || value === undefined || typeof value === 'boolean') return String(value);
  if (typeof value === 'object' && 'ref' in value && Object.keys(value).length === 1) return `<slot ${String((value as { ref: unknown }).ref)}>`;
  return `{ ${Object.entries(value as object).map(([k, v]) => `${k}: ${literal(v)}`).join(', ')} }`;
}

const obj = (at: ClassSlot): string => `root.${slotField(at.cls, at.slot)}`;
const className = (cls: number): string => `Data_${classSuffix(cls)}`;

/** A value as code: refs name the root slot of their target (same class). */
function valueCode(at: ClassSlot, path: string, value: unknown): string {
  if (path === 'peer' && value !== null && typeof value === 'object' && 'ref' in value) return obj({ cls: at.cls, slot: (value as { ref: number }).ref });
  if (path === 'peer') return literal(value);
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array) && !(value instanceof Date) && !Array.isArray(value)) {
    return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${valueCode(at, k === 'peer' ? 'peer' : `${path}.${k}`, v)}`).join(', ')} }`;
  }
  return literal(value);
}

const THROWN: Record<Thrown, string> = {
  Error: "new Error('thrown by the program')", string: "'thrown string'", number: '42', undefined: 'undefined', null: 'null', object: '{ thrown: true }',
};

function lines(op: Op, depth: number, indent: string): string[] {
  /** Creates and frees outside a transaction get one of their own, so the root link commits with them. */
  const own = (statement: string) => [depth === 0 ? `runTransaction(pool, () => { ${statement} });` : `${indent}${statement}`];
  switch (op.op) {
    case 'create': {
      const init = op.init || op.bad ? `, ${valueCode(op.at, '', { ...(op.init ?? {}), ...(op.bad ? { [op.bad.path]: op.bad.value } : {}) })}` : '';
      const stmt = `${obj(op.at)} = pool.create(${className(op.at.cls)}${init});`;
      return own(op.bad ? `try { ${stmt} } catch { /* FieldValueError: the whole transaction must abort */ }` : stmt);
    }
    case 'free':
      return own(`pool.free(${obj(op.at)}); ${obj(op.at)} = null;`);
    case 'store':
      return [`${indent}${obj(op.at)}.${op.path} = ${valueCode(op.at, op.path, op.value)};`];
    case 'storeInvalid':
      return [`${indent}${obj(op.at)}.${op.path} = ${literal(op.value)}; // must throw FieldValueError and change nothing`];
    case 'tx': {
      const inner = op.body.flatMap((o) => {
        const body = lines(o, depth + 1, `${indent}  `);
        return op.catchInner && o.op === 'tx' ? [`${indent}  try {`, ...body.map((l) => `  ${l}`), `${indent}  } catch { /* caught by the outer closure */ }`] : body;
      });
      return [`${indent}runTransaction(pool, () => {`, ...inner, `${indent}});`];
    }
    case 'mutate': case 'mutateInvalid': case 'read': case 'iterate':
      return collectionLines(op, indent);
    case 'add':
      return [`${indent}${obj(op.at)}.${op.path}.add(${literal(op.n)}); // refused (TypeError, RangeError, TX_REQUIRED) when the model says so`];
    case 'space':
      return [`${indent}pool.${op.call}();${op.call === 'collect' ? ' // frees nothing: every kept object is reachable' : ''}`];
    case 'checkpoint':
      return [`${indent}pool.checkpoint(file + '.checkpoint', { overwrite: true }); // the pool's bytes, open flag cleared`];
    case 'throw':
      return [`${indent}throw ${THROWN[op.value]};`];
    case 'flush':
      return [`${indent}pool.flush();`];
    case 'reopen':
      return [`${indent}pool.close(); pool = Pool.open(file, options); root = pool.root(ModelRoot);`];
  }
}

/** A collection element or key as code: refs (RefTo) name the root slot of their target. */
function elementCode(at: ClassSlot, value: unknown): string {
  return value !== null && typeof value === 'object' && 'ref' in value && Object.keys(value).length === 1 ? obj({ cls: at.cls, slot: (value as { ref: number }).ref }) : literal(value);
}

function collectionLines(op: Extract<Op, { op: 'mutate' | 'mutateInvalid' | 'read' | 'iterate' }>, indent: string): string[] {
  const c = `${obj(op.at)}.${op.path}`;
  const el = (v: unknown) => elementCode(op.at, v);
  const [a, b] = op.args;
  const at = (extra: string) => `${literal(a)} % (${c}.length${extra})`;
  switch (op.op) {
    case 'mutate':
      switch (op.call) {
        case 'set': return (op.args as [unknown, unknown][]).map(([k, v]) => `${indent}${c}.set(${literal(k)}, ${el(v)});`);
        case 'delete': return op.args.map((k) => `${indent}${c}.delete(${literal(k)}); // returns whether it was there`);
        case 'clear': return [`${indent}${c}.clear();`];
        case 'push': return [`${indent}${c}.push(${op.args.map(el).join(', ')});`];
        case 'pop': return [`${indent}for (let i = 0; i < ${literal(a)}; i++) ${c}.pop(); // each returns the last element`];
        case 'vset': return [`${indent}if (${c}.length > 0) ${c}.set(${at('')}, ${el(b)});`];
        case 'insert': return [`${indent}${c}.insert(${at(' + 1')}, ${el(b)});`];
        case 'removeAt': return [`${indent}if (${c}.length > 0) ${c}.removeAt(${at('')});`];
      }
      break;
    case 'mutateInvalid': {
      const call = op.call === 'set' ? `set(${literal(a)}, ${el(b)})` : op.call === 'push' ? `push(${literal(b)})` : `${op.call === 'vset' ? 'set' : 'insert'}(0, ${literal(b)})`;
      return [`${indent}${c}.${call}; // must throw FieldValueError and change nothing`];
    }
    case 'read': {
      const call = op.call === 'vget' ? `get(${at('')})` : op.call === 'range' ? `range(${literal(a)})` : `${op.call}(${op.args.map(literal).join(', ')})`;
      return [`${indent}expect(${op.call === 'range' ? `[...${c}.${call}]` : `${c}.${call}`}).toEqual(/* the model's */);`];
    }
    case 'iterate': {
      const change = op.call === 'set' ? `set(${literal(a)}, ${el(b)})` : op.call === 'push' ? `push(${el(a)})` : `set(${at('')}, ${el(b)})`;
      return [
        `${indent}{ const it = ${c}[Symbol.iterator](); it.next(); ${c}.${change};`,
        `${indent}  it.next(); } // throws COLLECTION_MODIFIED after an insert or push, not after a value change`,
      ];
    }
  }
  return [];
}

export function printProgram(program: Program): string {
  const { config, cacheBytes, heat } = program.pool;
  return [
    `// import { CLASSES, memoryOf } from 'test/model/classes'; Data_pool follows the pool's memory, the others set their own`,
    `const [${CLASSES.data.map((_, cls) => className(cls)).join(', ')}] = CLASSES.data;`,
    `const ModelRoot = CLASSES.root;`,
    `const options = { layout: 'pmemts-model', types: CLASSES.types, memory: memoryOf(${literal(config)}${cacheBytes === undefined ? '' : `, ${cacheBytes}`})${heat === true ? ', heat: true' : ''} };`,
    `let pool = Pool.create(file, { ...options, size: 8 * 1024 * 1024 });`,
    `let root = pool.root(ModelRoot);`,
    ...program.ops.flatMap((op, i) => [`// step ${i}`, ...lines(op, 0, '')]),
    `pool.close();`,
  ].join('\n');
}
