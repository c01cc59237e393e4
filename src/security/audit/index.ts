export { auditConfigAtStart } from './config.js';
export {
  type AuditEntry,
  type AuditHead,
  AuditLog,
  type AuditLogOptions,
  auditToCsv,
  canonicalJson,
  entryHash,
  GENESIS_HASH,
  readEntries,
  readHead,
} from './log.js';
export { type AuditProblem, type AuditVerification, verifyAuditLog } from './verify.js';
