import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { isUuid } from "~/ui/ids";

// Where uploaded files live. Local disk under STORAGE_DIR by default; the interface is small so an
// object store can take its place. Keys are made here (tenant id / uuid), never from user input.

export interface StoredFile {
  size: number;
  stream: () => ReadableStream<Uint8Array>;
}

export interface Storage {
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The file, or null when there is none under this key. */
  get(key: string): Promise<StoredFile | null>;
  /** Removes the file; a missing file is not an error. */
  delete(key: string): Promise<void>;
}

/** A new key for a file of `tenantId`. */
export function newStorageKey(tenantId: string) {
  if (!isUuid(tenantId)) throw new Error("storage keys belong to a tenant id");
  return `${tenantId}/${randomUUID()}`;
}

const keyPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Files on the local disk, one directory per tenant. */
export function localDiskStorage(root: string): Storage {
  const base = path.resolve(root);
  // Keys come from newStorageKey; anything else (a path that could climb out of the root) is a bug.
  const fileOf = (key: string) => {
    const file = path.resolve(base, key);
    if (!keyPattern.test(key) || !file.startsWith(base + path.sep)) throw new Error(`invalid storage key: ${JSON.stringify(key)}`);
    return file;
  };
  return {
    async put(key, bytes) {
      const file = fileOf(key);
      await mkdir(path.dirname(file), { recursive: true });
      // Written aside and renamed: a reader never sees half a file.
      const partial = `${file}.${randomUUID()}.part`;
      try {
        await writeFile(partial, bytes, { flag: "wx" });
        await rename(partial, file);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
    },
    async get(key) {
      const file = fileOf(key);
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) return null;
      return { size: info.size, stream: () => Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array> };
    },
    async delete(key) {
      await rm(fileOf(key), { force: true });
    },
  };
}

export function storageDir() {
  return process.env.STORAGE_DIR || path.join(process.cwd(), ".data", "storage");
}

/** The process's storage (STORAGE_DIR is read on each call so tests can point it elsewhere). */
export function storage(): Storage {
  return localDiskStorage(storageDir());
}

/**
 * Files written and removed during one request, kept in step with its transaction: a file written
 * is removed again unless the request succeeds (its transaction committed); a file whose row was
 * deleted is removed only once that deletion committed.
 */
export class FileChanges {
  private written: string[] = [];
  private removed: string[] = [];
  constructor(readonly store: Storage = storage()) {}

  async put(key: string, bytes: Uint8Array) {
    this.written.push(key);
    await this.store.put(key, bytes);
  }

  removeAfterCommit(key: string) {
    this.removed.push(key);
  }

  async settle(committed: boolean) {
    const keys = committed ? this.removed : this.written;
    await Promise.all(keys.map((key) => this.store.delete(key).catch((error) => console.error("storage: could not remove", key, error))));
  }
}

/**
 * Runs a request whose transaction writes or removes files (`fn` wraps `withTenant`). A thrown
 * error or a 4xx/5xx answer means the transaction rolled back.
 */
export async function withFileChanges<T>(fn: (files: FileChanges) => Promise<T>): Promise<T> {
  const files = new FileChanges();
  let result: T;
  try {
    result = await fn(files);
  } catch (error) {
    await files.settle(false);
    throw error;
  }
  await files.settle(!(result instanceof Response && result.status >= 400));
  return result;
}
