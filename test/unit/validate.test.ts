import { describe, expect, it } from 'vitest';
import { parseJsonObject, parsePort, validateCredential, validateGroupSetting, validateRegion, validateUid, validateUrl } from '../../src/core/validate.js';
import { UsageError } from '../../src/errors.js';
import { generateCredentials, randomAlphanumeric } from '../../src/core/credentials.js';
import { randomBytes } from 'node:crypto';
import { apiBaseUrl, pick } from '../../src/core/profile.js';

describe('validateUid', () => {
  it('accepts letters, digits, - and _', () => {
    expect(validateUid('support_bot-2')).toEqual({ uid: 'support_bot-2', lowercased: false });
  });
  it('lower-cases and says so', () => {
    expect(validateUid('Support-Bot')).toEqual({ uid: 'support-bot', lowercased: true });
  });
  it.each(['has space', 'dot.bot', 'emoji🙂', '', 'a'.repeat(50)])('rejects %j as a usage error', (uid) => {
    expect(() => validateUid(uid)).toThrow(UsageError);
  });
  it('accepts 49 characters (under 50)', () => {
    expect(validateUid('a'.repeat(49)).uid).toHaveLength(49);
  });
  it('suggests a cleaned-up UID', () => {
    // Fails if validateUid stops throwing, as well as if the hint changes.
    expect(() => validateUid('my bot!')).toThrow(UsageError);
    const error = (() => {
      try {
        validateUid('my bot!');
      } catch (e) {
        return e as UsageError;
      }
      return undefined;
    })();
    expect(error?.hint).toContain('--uid my-bot');
  });
});

describe('other validators', () => {
  it('regions', () => {
    expect(validateRegion('EU')).toBe('eu');
    expect(() => validateRegion('asia')).toThrow(/expected one of us, eu, in/);
  });
  it('group settings, case-insensitive', () => {
    expect(validateGroupSetting('mentionedmessages')).toBe('mentionedMessages');
    expect(() => validateGroupSetting('some')).toThrow(UsageError);
  });
  it('credentials: alphanumeric, <= 50, password >= 8', () => {
    expect(validateCredential('abc12345', 'password', '--callback-password')).toBe('abc12345');
    expect(() => validateCredential('short', 'password', '--callback-password')).toThrow(/at least 8/);
    expect(() => validateCredential('a'.repeat(51), 'username', '--callback-user')).toThrow(/at most 50/);
    expect(() => validateCredential('has:colon', 'username', '--callback-user')).toThrow(/letters and digits/);
  });
  it('JSON objects only', () => {
    expect(parseJsonObject('{"a":1}', '--metadata')).toEqual({ a: 1 });
    expect(() => parseJsonObject('{bad', '--metadata')).toThrow(/invalid JSON for --metadata/);
    expect(() => parseJsonObject('[1]', '--metadata')).toThrow(/expected an object/);
  });
  it('ports and URLs', () => {
    expect(parsePort('0')).toBe(0);
    expect(() => parsePort('70000')).toThrow(UsageError);
    expect(() => parsePort('abc')).toThrow(UsageError);
    expect(validateUrl('http://127.0.0.1:3000/x', '--to').port).toBe('3000');
    expect(() => validateUrl('ftp://x', '--to')).toThrow(UsageError);
    expect(() => validateUrl('not a url', '--to')).toThrow(UsageError);
  });
});

describe('generated credentials', () => {
  it('satisfy CometChat (alphanumeric, <= 50) and ngrok (password >= 8)', () => {
    for (let i = 0; i < 50; i++) {
      const { username, password } = generateCredentials((n) => randomBytes(n));
      expect(username).toMatch(/^cometbot[A-Za-z0-9]{6}$/);
      expect(password).toMatch(/^[A-Za-z0-9]{32}$/);
      expect(validateCredential(password, 'password', 'x')).toBe(password);
    }
  });
  it('skips biased bytes', () => {
    const bytes = [255, 250, 248, 0, 61];
    expect(randomAlphanumeric(2, () => Uint8Array.from(bytes))).toBe('A9');
  });
});

describe('profile resolution', () => {
  it('flag > env > profile, empty strings skipped', () => {
    expect(pick('flag', 'env', 'profile')).toBe('flag');
    expect(pick(undefined, '', 'profile')).toBe('profile');
    expect(pick(undefined, undefined)).toBeUndefined();
  });
  it('builds the regional base URL unless overridden', () => {
    expect(apiBaseUrl('abc', 'eu')).toBe('https://abc.api-eu.cometchat.io/v3');
    expect(apiBaseUrl('abc', 'eu', 'http://127.0.0.1:9/v3/')).toBe('http://127.0.0.1:9/v3');
  });
});

describe('invokedCommand (only the command being run is built)', async () => {
  const { invokedCommand } = await import('../../src/main.js');
  it('finds the command after global options', () => {
    expect(invokedCommand(['--profile', 'init', 'say', '--to', 'x'])).toBe('say');
    expect(invokedCommand(['--json', 'listen', '--port', '0'])).toBe('listen');
    expect(invokedCommand(['--version'])).toBe('none');
    expect(invokedCommand(['help', 'init'])).toBe('all');
    expect(invokedCommand(['initt'])).toBe('all');
  });
});

describe('errors are recognised across bundles', async () => {
  const { CliError, UsageError, ReportedFailure, isCliError } = await import('../../src/errors.js');
  const { report } = await import('../../src/main.js');
  it('by their mark, not by instanceof: a copy of the class from another bundle is still a usage error', () => {
    const copy = Object.assign(new Error('bad flag'), { [Symbol.for('cometbot.CliError')]: true, exitCode: 2, hint: 'pass --x', reported: false });
    expect(isCliError(copy)).toBe(true);
    expect(isCliError(new Error('x'))).toBe(false);
    expect(isCliError(new UsageError('u'))).toBe(true);
    const lines: string[] = [];
    const code = report(copy, { stderr: { write: (s: string) => lines.push(s) } as never, env: {} });
    expect([code, lines.join('')]).toEqual([2, 'error: bad flag\nhint: pass --x\n']);
  });
  it('a failure the command already reported prints nothing more', () => {
    const lines: string[] = [];
    expect(report(new ReportedFailure(1), { stderr: { write: (s: string) => lines.push(s) } as never, env: {} })).toBe(1);
    expect(lines).toEqual([]);
    expect(new CliError('x').exitCode).toBe(1);
  });
});

describe('cometbot test -- COMMAND: splitting the command line', async () => {
  const { splitCommand } = await import('../../src/commands/test.js');
  it('takes what follows -- as the bot’s command, the rest as paths', () => {
    expect(splitCommand(['tests', 'node', 'bot.js'], ['test', 'tests', '--verbose', '--', 'node', 'bot.js'])).toEqual({ paths: ['tests'], command: ['node', 'bot.js'] });
    expect(splitCommand(['python3', 'bot.py', '--port'], ['--json', 'test', '--', 'python3', 'bot.py', '--port'])).toEqual({ paths: [], command: ['python3', 'bot.py', '--port'] });
    expect(splitCommand(['a.convo.yaml'], ['test', 'a.convo.yaml', '--bot-url', 'http://x/'])).toEqual({ paths: ['a.convo.yaml'], command: [] });
  });
});

describe('environment variables are read loudly', async () => {
  const { readEnv } = await import('../../src/env.js');
  it('COMETBOT_DEBUG takes 1/true/yes/on and 0/false/no/off; anything else is a warning, not silence', () => {
    expect(['1', 'true', 'YES', 'on'].map((v) => readEnv({ COMETBOT_DEBUG: v }).debug)).toEqual([true, true, true, true]);
    expect(readEnv({ COMETBOT_DEBUG: 'off' })).toMatchObject({ debug: false, warnings: [] });
    expect(readEnv({ COMETBOT_DEBUG: 'verbose' })).toMatchObject({ debug: false, warnings: ['COMETBOT_DEBUG="verbose" is not understood: use 1 or 0 (it counts as 0)'] });
  });
});

describe('resolveSettings: flag > environment > profile, in one place', async () => {
  const { resolveSettings } = await import('../../src/core/profile.js');
  it('takes each setting from the first source that has it; empty counts as absent', () => {
    expect(resolveSettings({ appId: 'flag' }, { appId: 'env', region: 'eu', apiKey: '' }, { appId: 'prof', region: 'us', apiKey: 'pk', apiUrl: 'http://p/v3' })).toEqual({ appId: 'flag', region: 'eu', apiKey: 'pk', apiUrl: 'http://p/v3' });
    expect(resolveSettings({}, {}, undefined)).toEqual({});
  });
});
