import { classesFromCatalog, FieldValueError, openForInspection, readLayoutName, readPoolCatalog, resolveLayouts, runTransaction, type PMap, type PVector, type TypeLayout } from '@pmemts/core';
import * as fs from 'node:fs';
import type { Inspected } from '../open';
import { ImportDataError } from '../errors';
import { selectLayouts } from '../options';
import { counted, type Progress } from '../progress';
import { decodeObject, encodeObject, isPlainObject, type DecodedObject, type DecodedValue } from '../values';

export interface ExportFile {
  format: 'pmemts-export';
  version: 1;
  /** Flat objects; field values in the encoding of values.ts (refs as `Class@offset` naming another exported object). */
  objects: { ref: string; type: string; data: Record<string, unknown> }[];
}

export function exportObjects({ pool }: Inspected, options: { type?: string }, progress: Progress): ExportFile {
  const objects: ExportFile['objects'] = [];
  for (const layout of selectLayouts(pool, options.type)) {
    progress.stage(`export: ${layout.name}`, 'objects');
    for (const obj of counted(pool.objects(layout.ctor as never), progress)) {
      const offset = pool.locate(obj as object).offset;
      objects.push({ ref: `${layout.name}@${offset}`, type: layout.name, data: encodeObject(pool, obj as object, layout) });
    }
  }
  return { format: 'pmemts-export', version: 1, objects };
}

interface Entry {
  readonly ref: string;
  readonly where: string;
  readonly object: DecodedObject;
}

/**
 * Creates every exported object inside one transaction, then links the refs between them. The whole
 * file is decoded and its refs checked before the pool is opened for writing, and a value a field
 * refuses aborts the transaction: either everything is imported or nothing is.
 * @throws {ImportDataError} naming the entry and field, for any value, ref or entry that cannot be imported as it is.
 */
export function importObjects(file: string, jsonFile: string, layout: string | undefined, progress: Progress): { imported: number } {
  progress.stage(`import: reading ${jsonFile}`);
  const data = readExport(jsonFile);
  const name = layout ?? readLayoutName(file);
  progress.stage(`import: reading the catalog of ${file}`);
  const layouts = resolveLayouts(classesFromCatalog(readPoolCatalog(file, name)));
  const entries = decodeEntries(jsonFile, data, new Map(layouts.map((l) => [l.name, l])), progress);
  progress.stage(`import: opening ${file}`);
  const { pool } = openForInspection(file, { layout: name, writable: true });
  try {
    const ctors = new Map(pool.layouts().map((l) => [l.name, l.ctor]));
    runTransaction(pool, () => {
      progress.stage('import: creating', 'objects', entries.length);
      const created = new Map(Array.from(counted(entries, progress), (e): [string, object] => [e.ref, pool.create(ctors.get(e.object.layout.name) as never) as object]));
      progress.stage('import: linking and filling', 'objects', entries.length);
      for (const e of counted(entries, progress)) {
        try {
          assign(created.get(e.ref)!, e.object, created);
        } catch (error) {
          if (error instanceof FieldValueError) throw new ImportDataError(`${jsonFile}: ${e.where}: ${error.message}; nothing was imported`);
          throw error;
        }
      }
      progress.stage('import: committing');
    });
    return { imported: entries.length };
  } finally {
    pool.close();
  }
}

function readExport(jsonFile: string): unknown {
  let text: string;
  try {
    // O_NONBLOCK and fstat: a FIFO would block the read until a writer came, if one ever does.
    const fd = fs.openSync(jsonFile, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    try {
      if (!fs.fstatSync(fd).isFile()) throw new Error('not a regular file');
      text = fs.readFileSync(fd, 'utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    throw new ImportDataError(`cannot read ${jsonFile}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ImportDataError(`${jsonFile} is not JSON: ${(error as Error).message}`);
  }
}

/** Every entry decoded against the pool's classes, every ref naming an exported object of the field's class. */
function decodeEntries(jsonFile: string, data: unknown, layouts: Map<string, TypeLayout>, progress: Progress): Entry[] {
  const fail = (message: string): never => {
    throw new ImportDataError(`${jsonFile}: ${message}; nothing was imported`);
  };
  if (!isPlainObject(data) || data.format !== 'pmemts-export' || data.version !== 1 || !Array.isArray(data.objects)) {
    return fail('not a pmemts export (expected { "format": "pmemts-export", "version": 1, "objects": [...] })');
  }
  const entries: Entry[] = [];
  const typeOfRef = new Map<string, string>();
  progress.stage('import: checking', 'entries', (data.objects as unknown[]).length);
  for (const [i, entry] of counted((data.objects as unknown[]).entries(), progress)) {
    const where = `objects[${i}]`;
    if (!isPlainObject(entry)) return fail(`${where} is not an object`);
    const { ref, type, data: values } = entry;
    if (typeof ref !== 'string' || ref === '') return fail(`${where}.ref must be a non-empty string`);
    if (typeOfRef.has(ref)) return fail(`${where}.ref ${ref} names two objects`);
    if (typeof type !== 'string') return fail(`${where}.type must be a class name`);
    const layout = layouts.get(type) ?? fail(`${where} is of class ${type}, which this pool's catalog lacks`);
    if (!isPlainObject(values)) return fail(`${where}.data must be an object of ${type}'s fields`);
    try {
      entries.push({ ref, where: `${where} (${ref})`, object: decodeObject(layout, values) });
    } catch (error) {
      if (error instanceof FieldValueError) return fail(`${where} (${ref}): ${error.message}`);
      throw error;
    }
    typeOfRef.set(ref, type);
  }
  for (const e of entries) checkRefs(e.object, e.where, typeOfRef, fail);
  return entries;
}

function checkRefs(object: DecodedObject, where: string, typeOfRef: Map<string, string>, fail: (message: string) => never): void {
  const check = (v: DecodedValue): void => {
    if (v.kind === 'struct') checkRefs(v.object, where, typeOfRef, fail);
    else if (v.kind === 'vector') v.elements.forEach(check);
    else if (v.kind === 'map') v.entries.forEach(([, value]) => check(value));
    if (v.kind !== 'ref' || v.ref === null) return;
    const type = typeOfRef.get(v.ref);
    if (type === undefined) fail(`${where}: ${v.path} refers to ${v.ref}, which is not in the export`);
    if (type !== v.target) fail(`${where}: ${v.path} refers to ${v.ref}, a ${type}, where a ${v.target} belongs`);
  };
  object.values.forEach(check);
}

/** Assigns decoded values; refs link to the objects created for their export names; collections are filled in order. */
function assign(target: object, object: DecodedObject, created: Map<string, object>): void {
  const fields = target as Record<string, unknown>;
  const resolve = (v: DecodedValue): unknown => (v.kind === 'ref' ? (v.ref === null ? null : created.get(v.ref)) : (v as { value: unknown }).value);
  for (const [name, v] of object.values) {
    if (v.kind === 'struct') assign(fields[name] as object, v.object, created);
    else if (v.kind === 'vector') for (const element of v.elements) (fields[name] as PVector).push(resolve(element));
    else if (v.kind === 'map') for (const [key, value] of v.entries) (fields[name] as PMap).set(key, resolve(value));
    else fields[name] = resolve(v);
  }
}
