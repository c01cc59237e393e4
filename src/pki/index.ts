export {
  type CertificateEntry,
  type CertificateStatus,
  describeCertificate,
  HubPki,
  normalizeThumbprint,
  type OpenPkiOptions,
  type OwnCertificate,
  openPki,
  PkiError,
  type PkiErrorCode,
  readCertificateFile,
} from './pki.js';
