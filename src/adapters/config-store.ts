// config.json: profiles and secrets. 0600 file in a 0700 dir, atomic writes, never silently clobbered.
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../errors.js';
import { configDir, type Env } from '../env.js';
import { emptyConfig, type ConfigFile } from '../core/profile.js';

export interface ConfigStore {
  readonly dir: string;
  readonly file: string;
  load(): ConfigFile;
  save(config: ConfigFile): void;
  /** Throws a ConfigError when config.json could not be written (checked before any remote change). */
  checkWritable(): void;
}

export function createConfigStore(env: Env, warn: (line: string) => void): ConfigStore {
  const dir = configDir(env);
  const file = join(dir, 'config.json');

  function tighten(): void {
    // The folder too: a 0777 folder lets anyone replace the 0600 file.
    try {
      const dirMode = statSync(dir).mode & 0o777;
      if (dirMode & 0o077) {
        chmodSync(dir, 0o700);
        warn(`${dir} was open to others (mode ${dirMode.toString(8)}); tightened it to 700 because it holds your API key`);
      }
    } catch {
      // not ours to fix (shared folder): the file check below still runs
    }
    let mode: number;
    try {
      mode = statSync(file).mode & 0o777;
    } catch {
      return;
    }
    if (mode & 0o077) {
      try {
        chmodSync(file, 0o600);
        warn(`${file} was readable by others (mode ${mode.toString(8)}); tightened it to 600 because it holds your API key`);
      } catch (e) {
        warn(`${file} is readable by others (mode ${mode.toString(8)}) and could not be fixed: ${(e as Error).message}. Run: chmod 600 ${file}`);
      }
    }
  }

  return {
    dir,
    file,
    load(): ConfigFile {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return emptyConfig();
        throw new ConfigError(`cannot read ${file}: ${code ?? (e as Error).message}`, `check the file's permissions, or point COMETBOT_HOME at another directory`);
      }
      tighten();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        throw new ConfigError(`config file ${file} is not valid JSON (${(e as Error).message})`, `fix it by hand, or move it aside and run init again: mv ${file} ${file}.bak && cometbot init`);
      }
      if (!isConfigShape(parsed)) {
        throw new ConfigError(`config file ${file} is not a cometbot config (no "profiles" object)`, `move it aside and run init again: mv ${file} ${file}.bak && cometbot init`);
      }
      return parsed;
    },
    checkWritable(): void {
      const probe = join(dir, `.config.json.check-${process.pid}`);
      try {
        makeDirs(dir);
        writeFileSync(probe, '', { mode: 0o600 });
        unlinkSync(probe);
      } catch (e) {
        throw new ConfigError(`cannot write ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); nothing was changed in CometChat`, 'point COMETBOT_HOME at a folder you can write to, or fix its permissions');
      }
    },
    save(config: ConfigFile): void {
      try {
        makeDirs(dir);
        chmodSync(dir, 0o700);
        // Temp file in the same dir, fsync, rename: a crash leaves either the old or the new file whole.
        const tmp = join(dir, `.config.json.${process.pid}.${Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(4))).toString('hex')}.tmp`);
        const fd = openSync(tmp, 'wx', 0o600);
        try {
          writeSync(fd, `${JSON.stringify(config, null, 2)}\n`);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        try {
          renameSync(tmp, file);
        } catch (e) {
          unlinkSync(tmp);
          throw e;
        }
        chmodSync(file, 0o600);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
        throw new ConfigError(`cannot write ${file}: ${code}`, `make ${dir} writable, or point COMETBOT_HOME at a writable directory`);
      }
    },
  };
}

function isConfigShape(v: unknown): v is ConfigFile {
  return typeof v === 'object' && v !== null && typeof (v as ConfigFile).profiles === 'object' && (v as ConfigFile).profiles !== null;
}

/**
 * mkdir -p, one level at a time: Node's recursive mkdirSync spins forever on some pseudo file systems
 * (/proc), where this fails at once with the real error.
 */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  let at = dir;
  while (!existsSync(at)) {
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const d of missing) mkdirSync(d, { mode: 0o700 });
}
