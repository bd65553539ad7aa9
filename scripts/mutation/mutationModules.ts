/**
 * The pure decision and parsing modules that mutation testing covers, each with the unit tests that own it.
 * A module is mutated with only these tests: a mutant that another module's tests happen to kill still counts as
 * a gap in the module's own specification.
 *
 * Add a module here when it joins the list in the README's Development section (decisions and parsers that need
 * no I/O: the tests run once per mutant, so they must be fast).
 */
export interface MutationModule {
  /** The source file mutated, relative to the repository root. */
  module: string;
  /** Its unit tests, relative to the repository root. */
  tests: readonly string[];
}

export const MUTATION_MODULES: readonly MutationModule[] = [
  { module: "src/rotation/nextRotationAction.ts", tests: ["test/rotation/nextRotationAction.test.ts"] },
  { module: "src/rotation/issuerKind.ts", tests: ["test/rotation/issuerKind.test.ts"] },
  {
    module: "src/certificates/classifyCertificate.ts",
    tests: ["test/certificates/classifyCertificate.test.ts"],
  },
  { module: "src/alerts/decideConditionAlert.ts", tests: ["test/alerts/decideConditionAlert.test.ts"] },
  { module: "src/alerts/decideJobAlert.ts", tests: ["test/alerts/decideJobAlert.test.ts"] },
  { module: "src/certificates/detectDrift.ts", tests: ["test/certificates/detectDrift.test.ts"] },
  {
    module: "src/jobs/downstream/parseRetryAfter.ts",
    tests: ["test/jobs/downstream/parseRetryAfter.test.ts"],
  },
  { module: "src/jobs/downstream/backoffDelay.ts", tests: ["test/jobs/downstream/backoffDelay.test.ts"] },
  { module: "src/jobs/downstream/isRetryable.ts", tests: ["test/jobs/downstream/isRetryable.test.ts"] },
  { module: "src/state/nextJobSummary.ts", tests: ["test/state/nextJobSummary.test.ts"] },
  { module: "src/certificates/parseExpiryPolicy.ts", tests: ["test/certificates/parseExpiryPolicy.test.ts"] },
  {
    module: "src/certificates/normalizeThumbprint.ts",
    tests: ["test/certificates/normalizeThumbprint.test.ts"],
  },
  { module: "src/graph/buildKeyProof.ts", tests: ["test/graph/buildKeyProof.test.ts"] },
  { module: "src/graph/parseGraphApplication.ts", tests: ["test/graph/parseGraphApplication.test.ts"] },
  { module: "src/graph/isTransientGraphFailure.ts", tests: ["test/graph/isTransientGraphFailure.test.ts"] },
  { module: "src/graph/graphReadForbiddenFix.ts", tests: ["test/graph/graphReadForbiddenFix.test.ts"] },
  { module: "src/alerts/scrubUrlSecrets.ts", tests: ["test/alerts/scrubUrlSecrets.test.ts"] },
  { module: "src/alerts/fitAlert.ts", tests: ["test/alerts/fitAlert.test.ts"] },
  { module: "src/alerts/escapeSlackText.ts", tests: ["test/alerts/escapeSlackText.test.ts"] },
  { module: "src/alerts/escapeTeamsMarkdown.ts", tests: ["test/alerts/escapeTeamsMarkdown.test.ts"] },
  { module: "src/state/truncateText.ts", tests: ["test/state/truncateText.test.ts"] },
  { module: "src/state/retentionPlan.ts", tests: ["test/state/retentionPlan.test.ts"] },
  { module: "src/jobs/ncrontab.ts", tests: ["test/jobs/ncrontab.test.ts"] },
  { module: "src/jobs/nextOccurrence.ts", tests: ["test/jobs/nextOccurrence.test.ts"] },
  { module: "src/retry/decideRetry.ts", tests: ["test/retry/decideRetry.test.ts"] },
  { module: "src/clock/Deadline.ts", tests: ["test/clock/Deadline.test.ts"] },
  {
    module: "src/tokens/isTransientTokenFailure.ts",
    tests: ["test/tokens/isTransientTokenFailure.test.ts"],
  },
  { module: "src/config/parseFunctionTimeout.ts", tests: ["test/config/parseFunctionTimeout.test.ts"] },
  { module: "src/config/readRunDeadline.ts", tests: ["test/config/readRunDeadline.test.ts"] },
  { module: "src/config/createSettingReader.ts", tests: ["test/config/createSettingReader.test.ts"] },
  { module: "src/config/readApplication.ts", tests: ["test/config/readApplication.test.ts"] },
  { module: "src/config/readCredential.ts", tests: ["test/config/readCredential.test.ts"] },
  { module: "src/config/readKeyVaultCertificate.ts", tests: ["test/config/readKeyVaultCertificate.test.ts"] },
  { module: "src/config/readRunLimits.ts", tests: ["test/config/readRunLimits.test.ts"] },
  { module: "src/config/readAlertChannels.ts", tests: ["test/config/readAlertChannels.test.ts"] },
  { module: "src/config/readStorage.ts", tests: ["test/config/readStorage.test.ts"] },
  {
    module: "src/config/checkCertificateSchedule.ts",
    tests: ["test/config/checkCertificateSchedule.test.ts"],
  },
  { module: "src/config/readRotation.ts", tests: ["test/config/readRotation.test.ts"] },
  { module: "src/config/readWatch.ts", tests: ["test/config/readWatch.test.ts"] },
  { module: "src/config/readJobs.ts", tests: ["test/config/readJobs.test.ts"] },
  {
    module: "src/cli/applySettingsToEnvironment.ts",
    tests: ["test/cli/applySettingsToEnvironment.test.ts"],
  },
  { module: "src/net/isLoopbackHost.ts", tests: ["test/net/isLoopbackHost.test.ts"] },
  { module: "src/net/safeUrl.ts", tests: ["test/net/safeUrl.test.ts"] },
  { module: "src/net/scrubSecrets.ts", tests: ["test/net/scrubSecrets.test.ts"] },
  { module: "src/jobs/settleRunStatus.ts", tests: ["test/jobs/settleRunStatus.test.ts"] },
  { module: "src/alerts/directJobAlert.ts", tests: ["test/alerts/directJobAlert.test.ts"] },
  {
    module: "src/jobs/downstream/classifyAttempt.ts",
    tests: ["test/jobs/downstream/classifyAttempt.test.ts"],
  },
  { module: "src/jobs/downstream/nextStep.ts", tests: ["test/jobs/downstream/nextStep.test.ts"] },
  { module: "src/jobs/downstream/finalFailure.ts", tests: ["test/jobs/downstream/finalFailure.test.ts"] },
  { module: "src/credentials/keyVaultError.ts", tests: ["test/credentials/keyVaultError.test.ts"] },
  {
    module: "src/credentials/managedIdentityError.ts",
    tests: ["test/credentials/managedIdentityError.test.ts"],
  },
  { module: "src/certificates/checkSubject.ts", tests: ["test/certificates/checkSubject.test.ts"] },
  { module: "src/certificates/firstOfEach.ts", tests: ["test/certificates/firstOfEach.test.ts"] },
  { module: "src/auth/readClientPrincipal.ts", tests: ["test/auth/readClientPrincipal.test.ts"] },
  { module: "src/auth/decideAccess.ts", tests: ["test/auth/decideAccess.test.ts"] },
  { module: "src/auth/presentedKey.ts", tests: ["test/auth/presentedKey.test.ts"] },
  { module: "src/auth/diagnosticsNeed.ts", tests: ["test/auth/diagnosticsNeed.test.ts"] },
  { module: "src/auth/readAuthSettings.ts", tests: ["test/auth/readAuthSettings.test.ts"] },
  { module: "src/auth/createKeyVerdictCache.ts", tests: ["test/auth/createKeyVerdictCache.test.ts"] },
  { module: "src/auth/routePrefixOf.ts", tests: ["test/auth/routePrefixOf.test.ts"] },
  { module: "src/cli/tenant/planGrant.ts", tests: ["test/cli/tenant/planGrant.test.ts"] },
  {
    module: "src/cli/tenant/planKeyRegistration.ts",
    tests: ["test/cli/tenant/planKeyRegistration.test.ts"],
  },
  { module: "src/telemetry/telemetrySettings.ts", tests: ["test/telemetry/telemetrySettings.test.ts"] },
  { module: "src/logging/emitLogRecord.ts", tests: ["test/logging/emitLogRecord.test.ts"] },
  { module: "src/certificates/daysLeft.ts", tests: ["test/certificates/daysLeft.test.ts"] },
  { module: "src/jobs/failureStreakAfter.ts", tests: ["test/jobs/failureStreakAfter.test.ts"] },
  {
    module: "src/jobs/downstream/attemptTelemetry.ts",
    tests: ["test/jobs/downstream/attemptTelemetry.test.ts"],
  },
  { module: "src/jobs/code/nextPageUrl.ts", tests: ["test/jobs/code/nextPageUrl.test.ts"] },
  { module: "src/state/checkpointJson.ts", tests: ["test/state/checkpointJson.test.ts"] },
  { module: "src/jobs/code/pageItems.ts", tests: ["test/jobs/code/pageItems.test.ts"] },
  { module: "src/jobs/code/codeJobFailure.ts", tests: ["test/jobs/code/codeJobFailure.test.ts"] },
  { module: "src/jobs/code/runSummaryJson.ts", tests: ["test/jobs/code/runSummaryJson.test.ts"] },
  { module: "src/jobs/code/jobModuleFiles.ts", tests: ["test/jobs/code/jobModuleFiles.test.ts"] },
  { module: "src/jobs/jobFields.ts", tests: ["test/jobs/jobFields.test.ts"] },
  { module: "src/jobs/jobTarget.ts", tests: ["test/jobs/jobTarget.test.ts"] },
  { module: "src/jobs/code/checkJobInput.ts", tests: ["test/jobs/code/checkJobInput.test.ts"] },
  { module: "src/jobs/code/parseJobModules.ts", tests: ["test/jobs/code/parseJobModules.test.ts"] },
  { module: "src/state/memoryCheckpointStore.ts", tests: ["test/state/memoryCheckpointStore.test.ts"] },
  { module: "src/dashboard/overallStatus.ts", tests: ["test/dashboard/overallStatus.test.ts"] },
];

/** The lowest mutation score (percent) any module may have; `npm run test:mutation` fails below it. */
export const MUTATION_SCORE_THRESHOLD = 95;
