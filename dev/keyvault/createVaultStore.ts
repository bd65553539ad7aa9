import { createPrivateKey, randomBytes, X509Certificate } from "node:crypto";
import { toPem } from "../pki/pem.js";
import { recordSecret } from "../secrets/recordSecret.js";
import {
  policyFromCertificate,
  resolveCreatePolicy,
  type CertificatePolicy,
  type SecretContentType,
} from "./certificatePolicy.js";
import { issueFromPolicy } from "./issueFromPolicy.js";
import { keyOperationsFor } from "./keyOperationsFor.js";
import type { IssuerStore } from "./issuerStore.js";
import { KeyVaultError } from "./KeyVaultError.js";

/** One version of a certificate (and of its key and secret, which share the version). */
export interface StoredVersion {
  version: string;
  /** `pending` while a create operation runs: no certificate yet, and its secret is disabled. */
  status: "completed" | "pending";
  enabled: boolean;
  createdSeconds: number;
  updatedSeconds: number;
  tags: Record<string, string> | undefined;
  certPem: string | null;
  /** Issuer certificates after the leaf, leaf's issuer first. */
  chainPems: string[];
  /** The private key (PKCS#8 PEM). Kept even when not exportable: the secret then leaves it out. */
  keyPem: string | null;
  exportable: boolean;
  /** The key's `key_ops`, fixed when the version is made from the policy's key usage (see keyOperationsFor). */
  keyOps: string[];
  contentType: SecretContentType;
  der: Buffer | null;
  notBeforeSeconds: number | null;
  expiresSeconds: number | null;
}

/** A create operation (`/certificates/{name}/pending`). Kept after completion, as the service does. */
export interface StoredOperation {
  requestId: string;
  /** The pending version this operation fills in. */
  version: string;
  issuerName: string;
  csrDer: Buffer;
  status: "inProgress" | "completed" | "cancelled";
  cancellationRequested: boolean;
  /**
   * When the operation completes on its own (ms since the epoch): set when the vault issues the certificate itself
   * (issuer Self or a partnered CA) and completion follows the clock ("after-delay"). Null: a merge, or the
   * stand-in's completion mode, completes it.
   */
  readyAtMs: number | null;
  /** The certificate the vault issued for this operation (leaf and chain), or null when a person merges one. */
  issued: { certPem: string; chainPems: string[] } | null;
  enabledOnCompletion: boolean;
}

export interface StoredCertificate {
  /** The name as first written; look-ups ignore case, as Key Vault's do. */
  name: string;
  /** Oldest first; the last one is the latest. */
  versions: StoredVersion[];
  policy: CertificatePolicy;
  policyCreatedSeconds: number;
  policyUpdatedSeconds: number;
  operation: StoredOperation | null;
}

export interface NewVersionInput {
  certPem: string;
  keyPem?: string;
  chainPems?: string[];
  contentType?: SecretContentType;
  exportable?: boolean;
  enabled?: boolean;
  tags?: Record<string, string>;
  issuerName?: string;
  subject?: string;
  /** The policy's validity_months; default derived from the certificate. */
  validityMonths?: number;
}

export interface VaultStore {
  /** The certificate by name (any case), with a due operation the vault issues itself completed first. */
  get(name: string): StoredCertificate | undefined;
  /** Every certificate, sorted by name ignoring case. */
  all(): StoredCertificate[];
  /** Imports a new version (it becomes the latest). Throws on input the service would refuse. */
  importVersion(name: string, input: NewVersionInput): StoredVersion;
  /** Starts a create operation from a REST body (`policy`, `attributes`, `tags`). Throws KeyVaultError. */
  beginCreate(name: string, body: Record<string, unknown>): Promise<StoredCertificate>;
  /** Completes a pending operation with the issued chain (leaf first). Throws KeyVaultError. */
  merge(name: string, x5c: Buffer[], body: Record<string, unknown>): StoredVersion;
  /** Updates an operation in progress: `cancel` ends it and drops its pending version. Throws KeyVaultError. */
  cancelOperation(name: string, cancel: boolean): StoredOperation;
  /** Removes the operation (and its version, if still pending). Throws KeyVaultError. */
  deleteOperation(name: string): StoredOperation;
  /** Changes a version's enabled flag and tags. */
  update(version: StoredVersion, change: { enabled?: boolean; tags?: Record<string, string> }): void;
  /** Completes now an operation in progress whose certificate the vault issues itself; otherwise does nothing. */
  completeIssued(name: string): void;
  /** When creates the vault issues itself complete (for creates started from now on, and reads from now on). */
  createCompletion: CreateCompletion;
}

/**
 * When an operation the vault issues itself (Self, a partnered CA) completes — a parameter so tests can provoke
 * the interleavings a real vault allows:
 * - "after-delay": once `createDelayMs` has passed on the clock (checked lazily, on the next read);
 * - "after-versions-list": right after a list of the certificate's versions has been served, so a client that reads
 *   the versions and then the pending operation sees the version still pending, then the operation completed;
 * - "on-pending-read": when `GET /certificates/{name}/pending` is called, before it is answered.
 */
export type CreateCompletion = "after-delay" | "after-versions-list" | "on-pending-read";

const NAME = /^[0-9a-zA-Z-]{1,127}$/;
const newId = () => randomBytes(16).toString("hex");

function certificateFields(certPem: string) {
  const cert = new X509Certificate(certPem);
  return {
    certPem: toPem("CERTIFICATE", cert.raw),
    der: cert.raw,
    notBeforeSeconds: Math.floor(cert.validFromDate.getTime() / 1000),
    expiresSeconds: Math.floor(cert.validToDate.getTime() / 1000),
  };
}

/**
 * The in-memory vault: certificates with their versions, policies and create operations. A create the vault issues
 * itself (issuer Self, or an issuer object of a partnered provider) completes as `createCompletion` says.
 */
export function createVaultStore(
  now: () => number,
  options: { issuers: IssuerStore; createDelayMs?: number; createCompletion?: CreateCompletion },
): VaultStore {
  const { issuers } = options;
  const createDelayMs = options.createDelayMs ?? 0;
  const certificates = new Map<string, StoredCertificate>();
  const seconds = () => Math.floor(now() / 1000);

  function complete(
    certificate: StoredCertificate,
    operation: StoredOperation,
    chain: { certPem: string; chainPems: string[] },
  ) {
    const version = certificate.versions.find((v) => v.version === operation.version);
    if (!version) throw new Error(`pending version ${operation.version} of ${certificate.name} is missing`);
    Object.assign(version, certificateFields(chain.certPem), {
      chainPems: chain.chainPems,
      status: "completed",
      enabled: operation.enabledOnCompletion,
      updatedSeconds: seconds(),
    });
    operation.status = "completed";
    return version;
  }

  function settle(certificate: StoredCertificate): StoredCertificate {
    const operation = certificate.operation;
    if (
      operation?.status === "inProgress" &&
      operation.issued &&
      operation.readyAtMs !== null &&
      now() >= operation.readyAtMs
    ) {
      complete(certificate, operation, operation.issued);
    }
    return certificate;
  }

  function operationInProgress(name: string): StoredOperation | null {
    const operation = certificates.get(name.toLowerCase())?.operation;
    return operation?.status === "inProgress" ? operation : null;
  }

  function requireOperation(name: string): { certificate: StoredCertificate; operation: StoredOperation } {
    const certificate = certificates.get(name.toLowerCase());
    const operation = certificate ? settle(certificate).operation : null;
    if (!certificate || !operation) throw KeyVaultError.pendingNotFound(name);
    return { certificate, operation };
  }

  const store: VaultStore = {
    createCompletion: options.createCompletion ?? "after-delay",

    get(name) {
      const certificate = certificates.get(name.toLowerCase());
      return certificate ? settle(certificate) : undefined;
    },

    all() {
      return [...certificates.values()]
        .map(settle)
        .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
    },

    importVersion(name, input) {
      if (!NAME.test(name))
        throw new Error(`certificate name '${name}' is invalid: use 1-127 letters, digits and dashes`);
      if (operationInProgress(name)) throw new Error(KeyVaultError.operationInProgress(name).message);
      const fields = certificateFields(input.certPem);
      if (
        input.keyPem &&
        !new X509Certificate(input.certPem).checkPrivateKey(createPrivateKey(input.keyPem))
      ) {
        throw new Error(`the key given for certificate '${name}' does not belong to its certificate`);
      }
      if (input.keyPem) recordSecret("key-vault-private-key", input.keyPem);
      const contentType = input.contentType ?? "application/x-pem-file";
      const exportable = input.exportable ?? true;
      const at = seconds();
      const policy = policyFromCertificate(input.certPem, {
        contentType,
        exportable,
        issuerName: input.issuerName ?? "Self",
        ...(input.subject ? { subject: input.subject } : {}),
      });
      if (input.validityMonths !== undefined) policy.x509_props.validity_months = input.validityMonths;
      const version: StoredVersion = {
        version: newId(),
        status: "completed",
        enabled: input.enabled ?? true,
        createdSeconds: at,
        updatedSeconds: at,
        tags: input.tags,
        ...fields,
        chainPems: input.chainPems ?? [],
        keyPem: input.keyPem ?? null,
        exportable,
        keyOps: keyOperationsFor(policy.x509_props.key_usage),
        contentType,
      };
      const existing = certificates.get(name.toLowerCase());
      if (existing) {
        existing.versions.push(version);
        existing.policy = policy;
        existing.policyUpdatedSeconds = at;
      } else {
        certificates.set(name.toLowerCase(), {
          name,
          versions: [version],
          policy,
          policyCreatedSeconds: at,
          policyUpdatedSeconds: at,
          operation: null,
        });
      }
      return version;
    },

    async beginCreate(name, body) {
      if (!NAME.test(name)) {
        throw KeyVaultError.badParameter(
          `The certificate name '${name}' is invalid: use 1-127 letters, digits and dashes.`,
        );
      }
      const current = certificates.get(name.toLowerCase());
      if (current) settle(current);
      if (operationInProgress(name)) throw KeyVaultError.operationInProgress(name);
      const policy = resolveCreatePolicy(body.policy, current?.policy);
      const attributes = (body.attributes ?? {}) as { enabled?: unknown };
      const issued = await issueFromPolicy(
        policy,
        new Date(now()),
        await issuers.signerFor(policy.issuer.name),
      );
      // Another create may have started while the key was being made.
      if (operationInProgress(name)) throw KeyVaultError.operationInProgress(name);

      const at = seconds();
      const version: StoredVersion = {
        version: newId(),
        status: "pending",
        enabled: false,
        createdSeconds: at,
        updatedSeconds: at,
        tags: isTags(body.tags) ? body.tags : undefined,
        certPem: null,
        chainPems: [],
        keyPem: issued.keyPem,
        exportable: policy.key_props.exportable,
        keyOps: keyOperationsFor(policy.x509_props.key_usage),
        contentType: policy.secret_props.contentType,
        der: null,
        notBeforeSeconds: null,
        expiresSeconds: null,
      };
      const operation: StoredOperation = {
        requestId: newId(),
        version: version.version,
        issuerName: policy.issuer.name,
        csrDer: issued.csrDer,
        status: "inProgress",
        cancellationRequested: false,
        readyAtMs:
          issued.certificate && store.createCompletion === "after-delay" ? now() + createDelayMs : null,
        issued: issued.certificate
          ? { certPem: issued.certificate.certPem, chainPems: issued.chainPems }
          : null,
        enabledOnCompletion: attributes.enabled !== false,
      };
      const certificate: StoredCertificate = current ?? {
        name,
        versions: [],
        policy,
        policyCreatedSeconds: at,
        policyUpdatedSeconds: at,
        operation: null,
      };
      certificate.versions.push(version);
      certificate.policy = policy;
      certificate.policyUpdatedSeconds = at;
      certificate.operation = operation;
      certificates.set(name.toLowerCase(), certificate);
      return certificate;
    },

    merge(name, x5c, body) {
      const { certificate, operation } = requireOperation(name);
      if (operation.status !== "inProgress") throw KeyVaultError.pendingNotFound(name);
      const [leaf, ...chain] = x5c;
      if (!leaf) throw KeyVaultError.badParameter("x5c must hold the issued certificate (and its chain).");
      const pending = certificate.versions.find((v) => v.version === operation.version);
      let leafCert: X509Certificate;
      try {
        leafCert = new X509Certificate(leaf);
        chain.forEach((der) => new X509Certificate(der));
      } catch {
        throw KeyVaultError.badParameter("x5c holds something that is not a DER X.509 certificate.");
      }
      if (!pending?.keyPem || !leafCert.checkPrivateKey(createPrivateKey(pending.keyPem)))
        throw KeyVaultError.keyMismatch();
      const attributes = (body.attributes ?? {}) as { enabled?: unknown };
      if (attributes.enabled === false) operation.enabledOnCompletion = false;
      if (isTags(body.tags)) pending.tags = body.tags;
      return complete(certificate, operation, {
        certPem: toPem("CERTIFICATE", leaf),
        chainPems: chain.map((der) => toPem("CERTIFICATE", der)),
      });
    },

    cancelOperation(name, cancel) {
      const { certificate, operation } = requireOperation(name);
      if (operation.status !== "inProgress") throw KeyVaultError.pendingNotInProgress();
      if (!cancel) return operation;
      operation.cancellationRequested = true;
      operation.status = "cancelled";
      certificate.versions = certificate.versions.filter((v) => v.version !== operation.version);
      return operation;
    },

    deleteOperation(name) {
      const { certificate, operation } = requireOperation(name);
      certificate.versions = certificate.versions.filter(
        (v) => v.version !== operation.version || v.status === "completed",
      );
      certificate.operation = null;
      if (certificate.versions.length === 0) certificates.delete(name.toLowerCase());
      return operation;
    },

    update(version, change) {
      if (change.enabled !== undefined && version.status === "completed") version.enabled = change.enabled;
      if (change.tags !== undefined) version.tags = change.tags;
      version.updatedSeconds = seconds();
    },

    completeIssued(name) {
      const certificate = certificates.get(name.toLowerCase());
      const operation = certificate?.operation;
      if (certificate && operation?.status === "inProgress" && operation.issued) {
        complete(certificate, operation, operation.issued);
      }
    },
  };
  return store;
}

function isTags(value: unknown): value is Record<string, string> {
  return !!value && typeof value === "object" && Object.values(value).every((v) => typeof v === "string");
}
