import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * scrypt parameters: N = 2^15, r = 8, p = 1 (the OWASP password-storage minimum for scrypt), 64-byte
 * key. About 32 MiB and ~100 ms per hash, so a stolen database is slow to attack.
 */
const N = 1 << 15;
const R = 8;
const P = 1;
const KEYLEN = 64;
const MAXMEM = 128 * N * R * 2;

function derive(password: string, salt: Buffer, n: number, r: number, p: number, keylen: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keylen, { N: n, r, p, maxmem: 128 * n * r * 2 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** `scrypt$N$r$p$<salt b64>$<hash b64>`: the parameters travel with the hash, so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P, KEYLEN);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const salt = Buffer.from(parts[4] as string, 'base64');
  const expected = Buffer.from(parts[5] as string, 'base64');
  if (!Number.isInteger(n) || !Number.isInteger(r) || !Number.isInteger(p) || 128 * n * r * 2 > MAXMEM * 4) {
    return false;
  }
  const key = await derive(password, salt, n, r, p, expected.length);
  return timingSafeEqual(key, expected);
}

/**
 * Words that make up most leaked passwords (from the top of the public breach lists such as
 * SecLists' 10k-most-common and NCSC's 100k list), lower case. A password is refused when, after
 * removing digits, symbols and repetition, what remains is one of these (`password1234`,
 * `Qwerty123456!`, `adminadminadmin`); NIST SP 800-63B 5.1.1.2 asks for exactly this check against
 * "commonly-used, expected or compromised" values.
 */
const COMMON = new Set(
  (
    'password passw0rd pass qwerty qwertz azerty qwertyuiop asdfghjkl asdf zxcvbnm letmein welcome ' +
    'admin administrator root login master secret changeme default iloveyou monkey dragon football ' +
    'baseball sunshine princess shadow superman batman trustno abc abcdef abcdefg abcdefgh ' +
    'hello freedom whatever starwars michael jordan charlie hunter killer soccer hockey ' +
    'summer winter spring autumn test testing guest user operator engineer viewer gotthard ' +
    'sommer passwort hallo geheim willkommen zurich zuerich'
  ).split(' '),
);

/** Checked when a password is set (not when one is verified). `user` is the account's name. */
export function passwordProblem(password: string, user?: string): string | undefined {
  if (password.length < 12) return 'a password needs at least 12 characters';
  if (password.length > 1024) return 'a password may have at most 1024 characters';
  const lower = password.normalize('NFKC').toLowerCase();
  if (new Set(lower).size < 5) return 'a password needs at least 5 different characters';
  const name = user?.normalize('NFKC').toLowerCase();
  if (name && name.length >= 3 && lower.includes(name)) return 'a password must not contain the user name';
  // The letters left once digits, symbols and repeats are gone: `P@ssw0rd!2024` → `password`, so leetspeak too.
  const leet = lower
    .replace(/^[^a-z@$]+|[^a-z@$]+$/g, '') // digits and symbols around the word: `2024!`
    .replace(/@/g, 'a')
    .replace(/0/g, 'o')
    .replace(/3/g, 'e')
    .replace(/\$/g, 's');
  for (const form of [lower, leet]) {
    const core = form.replace(/[^a-z]+/g, '');
    const once = core.replace(/^(.+?)\1+$/, '$1');
    if (core === '' || COMMON.has(core) || COMMON.has(once)) {
      return 'this password is on the lists of common passwords; choose a longer phrase of unrelated words';
    }
  }
  return undefined;
}
