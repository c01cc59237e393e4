import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import path from 'node:path';
import { OPCUACertificateManager } from 'node-opcua';
import type { Logger } from 'pino';
import { GotthardError } from '../errors.js';

/**
 * The hub's OPC UA PKI: one node-opcua certificate store (OPC UA Part 12, 7.3 / Part 6, 6.2.2 layout
 * as node-opcua writes it) with `own/`, `trusted/`, `rejected/` and `issuers/` below `dir`.
 *
 * Certificates are named by their SHA-1 thumbprint in lower-case hex, as OPC UA does
 * (Part 4, 5.4.4 uses the SHA-1 thumbprint to identify application certificates).
 */

export type CertificateStatus = 'trusted' | 'rejected';

export interface CertificateEntry {
  status: CertificateStatus;
  subject: string;
  /** SHA-1 thumbprint, lower-case hex without separators. */
  thumbprint: string;
  notBefore: Date;
  notAfter: Date;
  /** True when now is outside notBefore..notAfter. */
  expired: boolean;
  /** The URI SAN (the peer's ApplicationUri), when present. */
  applicationUri?: string;
  file: string;
}

export interface OwnCertificate {
  subject: string;
  thumbprint: string;
  notBefore: Date;
  notAfter: Date;
  applicationUri: string;
  certificateFile: string;
  privateKeyFile: string;
}

export interface OpenPkiOptions {
  /** Root of the store; created when missing. */
  dir: string;
  /** The hub's ApplicationUri; goes into the certificate's subjectAltName URI. */
  applicationUri: string;
  /** X.500 subject of the hub's certificate, e.g. `/CN=Gotthard/O=Acme`. Default `/CN=Gotthard@<host>/O=Gotthard`. */
  subject?: string;
  logger: Logger;
  /** Skip node-opcua's file watchers (tests, one-shot CLI commands). Default false. */
  disableFileWatchers?: boolean;
}

export type PkiErrorCode = 'GT_PKI_UNKNOWN_THUMBPRINT' | 'GT_PKI_AMBIGUOUS_THUMBPRINT' | 'GT_PKI_BAD_CERTIFICATE_FILE';

/** A CA certificate in `issuers/certs` (used to verify chains; trusted as a CA only when also in `trusted/`). */
export interface IssuerEntry extends Omit<CertificateEntry, 'status'> {
  status: 'issuer';
}

/** A certificate revocation list file in `trusted/crl` or `issuers/crl`. */
export interface CrlEntry {
  target: 'trusted' | 'issuers';
  file: string;
  bytes: number;
  modifiedAt: Date;
}

/** Turns PEM text (one block of `label`) or DER bytes into DER. */
export function pemOrDer(input: Buffer | string, label: 'CERTIFICATE' | 'X509 CRL'): Buffer {
  const text = typeof input === 'string' ? input : input.toString('latin1');
  const m = new RegExp(`-----BEGIN ${label}-----([\\s\\S]+?)-----END ${label}-----`).exec(text);
  if (m) return Buffer.from((m[1] as string).replace(/\s+/g, ''), 'base64');
  if (typeof input === 'string') {
    throw new PkiError('GT_PKI_BAD_CERTIFICATE_FILE', `expected a PEM block "-----BEGIN ${label}-----"`);
  }
  return input;
}

/** A PKI operation failed; a `GotthardError` from the catalogue with a PKI code. */
export class PkiError extends GotthardError {
  constructor(code: PkiErrorCode, message: string) {
    super(code, message);
    this.name = 'PkiError';
  }
}

const CERT_FILE = /\.(pem|der|crt|cer)$/i;

/** Normalises `AB:CD:...`, `ab cd ...` or `abcd...` to lower-case hex. */
export function normalizeThumbprint(input: string): string {
  return input.replace(/[\s:]/g, '').toLowerCase();
}

/** Reads a PEM (first certificate of a chain) or DER file and returns its DER bytes. */
export async function readCertificateFile(file: string): Promise<Buffer> {
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch (err) {
    throw new PkiError(
      'GT_PKI_BAD_CERTIFICATE_FILE',
      `cannot read certificate file ${file}: ${(err as Error).message}`,
    );
  }
  try {
    return new X509Certificate(raw).raw;
  } catch (err) {
    throw new PkiError(
      'GT_PKI_BAD_CERTIFICATE_FILE',
      `${file} is not an X.509 certificate (PEM or DER): ${(err as Error).message}`,
    );
  }
}

/** Subject, thumbprint and validity of a DER or PEM certificate. */
export function describeCertificate(certificate: Buffer): Omit<CertificateEntry, 'status' | 'file'> {
  const x = new X509Certificate(certificate);
  const notBefore = new Date(x.validFrom);
  const notAfter = new Date(x.validTo);
  const now = Date.now();
  const uri = /URI:([^,\s]+)/.exec(x.subjectAltName ?? '')?.[1];
  return {
    subject: x.subject.split('\n').join(', '),
    thumbprint: normalizeThumbprint(x.fingerprint),
    notBefore,
    notAfter,
    expired: now < notBefore.getTime() || now > notAfter.getTime(),
    ...(uri !== undefined ? { applicationUri: uri } : {}),
  };
}

export class HubPki {
  readonly dir: string;
  readonly applicationUri: string;
  /** The node-opcua store; hand it to `OPCUAClient` as `clientCertificateManager`. */
  readonly certificateManager: OPCUACertificateManager;
  readonly certificateFile: string;
  readonly privateKeyFile: string;
  private readonly log: Logger;

  constructor(cm: OPCUACertificateManager, options: OpenPkiOptions) {
    this.certificateManager = cm;
    this.dir = path.resolve(options.dir);
    this.applicationUri = options.applicationUri;
    this.certificateFile = path.join(this.dir, 'own', 'certs', 'client_certificate.pem');
    this.privateKeyFile = cm.privateKey;
    this.log = options.logger;
  }

  get trustedDir(): string {
    return this.certificateManager.trustedFolder;
  }

  get rejectedDir(): string {
    return this.certificateManager.rejectedFolder;
  }

  /** Trusted and rejected certificates, trusted first, each sorted by subject. */
  async list(): Promise<CertificateEntry[]> {
    const out: CertificateEntry[] = [];
    for (const status of ['trusted', 'rejected'] as const) {
      const folder = status === 'trusted' ? this.trustedDir : this.rejectedDir;
      const files = existsSync(folder) ? (await readdir(folder)).filter((f) => CERT_FILE.test(f)).sort() : [];
      const entries: CertificateEntry[] = [];
      for (const f of files) {
        const file = path.join(folder, f);
        try {
          entries.push({ status, file, ...describeCertificate(await readFile(file)) });
        } catch (err) {
          this.log.warn({ file, err: (err as Error).message }, 'skipping unreadable certificate file');
        }
      }
      entries.sort((a, b) => a.subject.localeCompare(b.subject));
      out.push(...entries);
    }
    return out;
  }

  /**
   * Finds a certificate by thumbprint (any case, with or without colons; a unique prefix of at
   * least 8 hex digits is enough).
   */
  async find(thumbprint: string): Promise<CertificateEntry> {
    const t = normalizeThumbprint(thumbprint);
    const all = await this.list();
    const hits = t.length >= 8 ? all.filter((e) => e.thumbprint.startsWith(t)) : [];
    const unique = [...new Map(hits.map((e) => [e.thumbprint, e])).values()];
    if (unique.length === 0) {
      throw new PkiError(
        'GT_PKI_UNKNOWN_THUMBPRINT',
        `no certificate with thumbprint ${t} in ${this.trustedDir} or ${this.rejectedDir}` +
          ` (${all.length} certificate(s) there; run \`gotthard pki list\` to see them)`,
      );
    }
    if (unique.length > 1) {
      throw new PkiError(
        'GT_PKI_AMBIGUOUS_THUMBPRINT',
        `thumbprint prefix ${t} matches ${unique.length} certificates (${unique.map((e) => e.thumbprint).join(', ')}); give more digits`,
      );
    }
    // a certificate may sit in both folders after a manual copy; trusted wins
    return hits.find((e) => e.status === 'trusted') ?? (hits[0] as CertificateEntry);
  }

  /** Trusts a rejected certificate (by thumbprint) or a certificate file (by path). */
  async trust(thumbprintOrFile: string): Promise<CertificateEntry> {
    if (CERT_FILE.test(thumbprintOrFile) || thumbprintOrFile.includes(path.sep)) {
      return this.trustFile(thumbprintOrFile);
    }
    const entry = await this.find(thumbprintOrFile);
    if (entry.status === 'trusted') return entry;
    await this.certificateManager.trustCertificate(await readCertificateFile(entry.file));
    this.log.info({ subject: entry.subject, thumbprint: entry.thumbprint }, 'certificate trusted');
    return this.find(entry.thumbprint);
  }

  /** Copies a certificate file (PEM or DER), e.g. the demo plant's, into `trusted/`. */
  async trustFile(file: string): Promise<CertificateEntry> {
    const der = await readCertificateFile(file);
    await this.certificateManager.trustCertificate(der);
    const d = describeCertificate(der);
    this.log.info({ subject: d.subject, thumbprint: d.thumbprint, from: file }, 'certificate trusted from file');
    return this.find(d.thumbprint);
  }

  /** Trusts a certificate given as PEM text or DER bytes (e.g. uploaded in the dashboard). */
  async trustCertificate(certificate: Buffer | string): Promise<CertificateEntry> {
    const der = pemOrDer(certificate, 'CERTIFICATE');
    let d: ReturnType<typeof describeCertificate>;
    try {
      d = describeCertificate(der);
    } catch (err) {
      throw new PkiError('GT_PKI_BAD_CERTIFICATE_FILE', `not an X.509 certificate: ${(err as Error).message}`);
    }
    await this.certificateManager.trustCertificate(der);
    this.log.info({ subject: d.subject, thumbprint: d.thumbprint }, 'certificate trusted (uploaded)');
    return this.find(d.thumbprint);
  }

  /** Moves a trusted certificate to `rejected/`. */
  async reject(thumbprint: string): Promise<CertificateEntry> {
    const entry = await this.find(thumbprint);
    if (entry.status === 'rejected') return entry;
    await this.certificateManager.rejectCertificate(await readCertificateFile(entry.file));
    this.log.info({ subject: entry.subject, thumbprint: entry.thumbprint }, 'certificate rejected');
    return this.find(entry.thumbprint);
  }

  /** Deletes a certificate from `trusted/` or `rejected/`. Returns what was removed. */
  async remove(thumbprint: string): Promise<CertificateEntry> {
    const entry = await this.find(thumbprint);
    if (entry.status === 'trusted') {
      await this.certificateManager.removeTrustedCertificate(entry.thumbprint);
    }
    if (existsSync(entry.file)) await unlink(entry.file);
    await this.certificateManager.reloadCertificates();
    this.log.info(
      { subject: entry.subject, thumbprint: entry.thumbprint, status: entry.status },
      'certificate removed',
    );
    return entry;
  }

  /** The hub's own application instance certificate. */
  async ownCertificate(): Promise<OwnCertificate> {
    const d = describeCertificate(await readFile(this.certificateFile));
    return {
      subject: d.subject,
      thumbprint: d.thumbprint,
      notBefore: d.notBefore,
      notAfter: d.notAfter,
      applicationUri: d.applicationUri ?? this.applicationUri,
      certificateFile: this.certificateFile,
      privateKeyFile: this.privateKeyFile,
    };
  }

  /** CA certificates in `issuers/certs`. */
  async issuers(): Promise<IssuerEntry[]> {
    const folder = this.certificateManager.issuersCertFolder;
    const files = existsSync(folder) ? (await readdir(folder)).filter((f) => CERT_FILE.test(f)).sort() : [];
    const out: IssuerEntry[] = [];
    for (const f of files) {
      const file = path.join(folder, f);
      try {
        out.push({ status: 'issuer', file, ...describeCertificate(await readFile(file)) });
      } catch (err) {
        this.log.warn({ file, err: (err as Error).message }, 'skipping unreadable issuer certificate');
      }
    }
    return out.sort((a, b) => a.subject.localeCompare(b.subject));
  }

  /**
   * Adds a CA certificate (PEM or DER) to `issuers/`, so server certificates it signed can be
   * verified; with `trust`, also to `trusted/` (then every certificate it signed is trusted).
   */
  async addIssuer(certificate: Buffer | string, trust = false): Promise<IssuerEntry> {
    const der = pemOrDer(certificate, 'CERTIFICATE');
    let d: ReturnType<typeof describeCertificate>;
    try {
      d = describeCertificate(der);
    } catch (err) {
      throw new PkiError('GT_PKI_BAD_CERTIFICATE_FILE', `not an X.509 certificate: ${(err as Error).message}`);
    }
    const status = await this.certificateManager.addIssuer(der, false, trust);
    this.log.info({ subject: d.subject, thumbprint: d.thumbprint, trust, status }, 'issuer certificate added');
    const added = (await this.issuers()).find((i) => i.thumbprint === d.thumbprint);
    if (!added) throw new PkiError('GT_PKI_BAD_CERTIFICATE_FILE', `the issuer certificate was not stored (${status})`);
    return added;
  }

  async removeIssuer(thumbprint: string): Promise<IssuerEntry> {
    const t = normalizeThumbprint(thumbprint);
    const entry = (await this.issuers()).find((i) => t.length >= 8 && i.thumbprint.startsWith(t));
    if (!entry) throw new PkiError('GT_PKI_UNKNOWN_THUMBPRINT', `no issuer certificate with thumbprint ${t}`);
    await this.certificateManager.removeIssuer(entry.thumbprint);
    if (existsSync(entry.file)) await unlink(entry.file);
    await this.certificateManager.reloadCertificates();
    this.log.info({ subject: entry.subject, thumbprint: entry.thumbprint }, 'issuer certificate removed');
    return entry;
  }

  /** Adds a CRL (PEM or DER) for a CA in `issuers/` or `trusted/`; revoked certificates are then refused. */
  async addCrl(crl: Buffer | string, target: 'trusted' | 'issuers' = 'issuers'): Promise<string> {
    const der = pemOrDer(crl, 'X509 CRL');
    const status = await this.certificateManager.addRevocationList(der, target);
    this.log.info({ target, status }, 'certificate revocation list added');
    return String(status);
  }

  async crls(): Promise<CrlEntry[]> {
    const out: CrlEntry[] = [];
    for (const [target, folder] of [
      ['trusted', this.certificateManager.crlFolder],
      ['issuers', this.certificateManager.issuersCrlFolder],
    ] as const) {
      if (!existsSync(folder)) continue;
      for (const f of (await readdir(folder)).sort()) {
        const file = path.join(folder, f);
        const st = await stat(file);
        if (st.isFile()) out.push({ target, file, bytes: st.size, modifiedAt: st.mtime });
      }
    }
    return out;
  }

  /**
   * Renews the hub's own certificate: a new self-signed certificate with the same private key,
   * subject, ApplicationUri and host names, valid `validityDays` from yesterday. The trusted,
   * rejected and issuer lists are untouched; the old certificate is kept beside it as
   * `client_certificate.<notAfter>.pem.old`. Servers that trust the hub by certificate must be
   * given the new one (`gotthard pki list` shows it); new sessions use it.
   */
  async renewOwnCertificate(validityDays = 3650): Promise<{ previous: OwnCertificate; current: OwnCertificate }> {
    const previous = await this.ownCertificate();
    const x = new X509Certificate(await readFile(this.certificateFile));
    const dns = /DNS:([^,\s]+)/g;
    const hosts: string[] = [];
    for (let m = dns.exec(x.subjectAltName ?? ''); m; m = dns.exec(x.subjectAltName ?? '')) hosts.push(m[1] as string);
    const subject = `/${x.subject.split('\n').join('/')}`;
    const backup = this.certificateFile.replace(/\.pem$/, `.${previous.notAfter.toISOString().slice(0, 10)}.pem.old`);
    await rename(this.certificateFile, backup);
    try {
      await this.certificateManager.createSelfSignedCertificate({
        applicationUri: previous.applicationUri,
        dns: hosts.length > 0 ? hosts : [osHostname()],
        subject,
        startDate: new Date(Date.now() - 24 * 3600_000),
        validity: validityDays,
        outputFile: this.certificateFile,
      });
    } catch (err) {
      await rename(backup, this.certificateFile);
      throw err;
    }
    const current = await this.ownCertificate();
    this.log.info(
      { previous: previous.thumbprint, current: current.thumbprint, notAfter: current.notAfter },
      'hub certificate renewed (same key; trust lists kept)',
    );
    return { previous, current };
  }

  /** Stops file watchers and releases the store. */
  async close(): Promise<void> {
    await this.certificateManager.dispose();
  }
}

/**
 * Opens (and on first start creates) the hub's PKI: the store folders and a self-signed
 * application instance certificate (RSA 2048, SHA-256, SAN = ApplicationUri + host name,
 * valid 10 years) as OPC UA Part 6, 6.2.2 requires of an application instance certificate.
 */
export async function openPki(options: OpenPkiOptions): Promise<HubPki> {
  const dir = path.resolve(options.dir);
  await mkdir(dir, { recursive: true });
  const cm = new OPCUACertificateManager({
    rootFolder: dir,
    automaticallyAcceptUnknownCertificate: false,
    keySize: 2048,
    name: 'gotthard',
    disableFileWatchers: options.disableFileWatchers ?? false,
  });
  await cm.initialize();
  const pki = new HubPki(cm, options);
  if (!existsSync(pki.certificateFile)) {
    const host = osHostname();
    await mkdir(path.dirname(pki.certificateFile), { recursive: true });
    await cm.createSelfSignedCertificate({
      applicationUri: options.applicationUri,
      dns: [host],
      subject: options.subject ?? `/CN=Gotthard@${host}/O=Gotthard`,
      startDate: new Date(Date.now() - 24 * 3600_000), // tolerate peers whose clocks lag a day
      validity: 3650,
      outputFile: pki.certificateFile,
    });
    const own = await pki.ownCertificate();
    options.logger.info(
      { subject: own.subject, thumbprint: own.thumbprint, file: own.certificateFile },
      'created the hub application instance certificate',
    );
  } else {
    const own = await pki.ownCertificate();
    if (own.applicationUri !== options.applicationUri) {
      options.logger.warn(
        { certificateUri: own.applicationUri, applicationUri: options.applicationUri, file: own.certificateFile },
        'the hub certificate was made for another ApplicationUri; servers will refuse it. Delete own/certs to create a new one',
      );
    }
  }
  return pki;
}
