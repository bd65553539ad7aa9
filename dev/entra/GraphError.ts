/** The JSON body Microsoft Graph answers a failed request with. */
export interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    innerError: {
      /** UTC, seconds precision, no zone designator: "2020-11-15T01:32:03", as Graph writes it. */
      date: string;
      "request-id": string;
      "client-request-id": string;
    };
  };
}

/**
 * A Microsoft Graph error of the stand-in. The static factories carry Graph's code and wording where it was found
 * in Graph's documentation or public error reports; where Graph's message says nothing useful (a failed proof of
 * possession is only "Access Token missing or malformed."), the stand-in appends what was wrong.
 */
export class GraphError extends Error {
  override name = "GraphError";

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers, e.g. the bearer challenge of a 401. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toBody(options: { now: Date; requestId: string; clientRequestId: string }): GraphErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        innerError: {
          date: options.now.toISOString().slice(0, 19),
          "request-id": options.requestId,
          "client-request-id": options.clientRequestId,
        },
      },
    };
  }

  // --- authentication of the caller (the bearer token) ---

  /** No bearer token at all: Graph's wording. */
  static tokenMissing(): GraphError {
    return new GraphError(401, "InvalidAuthenticationToken", "Access token is empty.", BEARER_CHALLENGE);
  }

  /**
   * A bearer token Graph refuses. `detail` starts with Graph's sentence where known ("Lifetime validation failed,
   * the token is expired.", "Access token validation failure. Invalid audience.").
   */
  static tokenInvalid(detail: string): GraphError {
    return new GraphError(401, "InvalidAuthenticationToken", detail, BEARER_CHALLENGE);
  }

  // --- authorization ---

  static insufficientPrivileges(): GraphError {
    return new GraphError(
      403,
      "Authorization_RequestDenied",
      "Insufficient privileges to complete the operation.",
    );
  }

  // --- the request ---

  /** Graph's wording for an object that does not exist. */
  static resourceNotFound(id: string): GraphError {
    return new GraphError(
      404,
      "Request_ResourceNotFound",
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    );
  }

  /** A path Graph has no segment for: Graph's wording, then what the stand-in serves. */
  static segmentNotFound(segment: string): GraphError {
    return new GraphError(
      400,
      "BadRequest",
      `Resource not found for the segment '${segment}'. (The Graph stand-in serves /v1.0/applications, /v1.0/applications/{id} or /v1.0/applications(appId='{appId}') with .../addKey, .../removeKey, .../owners, .../owners/$ref and .../federatedIdentityCredentials, /v1.0/servicePrincipals, /v1.0/servicePrincipals/{id} or (appId='{appId}') with .../appRoleAssignedTo, and /v1.0/users.)`,
    );
  }

  /** Stand-in wording. */
  static methodNotAllowed(method: string, path: string, allowed: string[]): GraphError {
    return new GraphError(
      405,
      "Request_BadRequest",
      `The HTTP method '${method}' is not allowed on '${path}'; use ${allowed.join(", ")}.`,
      { Allow: allowed.join(", ") },
    );
  }

  /** A body that is not JSON: Graph's wording. */
  static unreadableJson(): GraphError {
    return new GraphError(
      400,
      "BadRequest",
      "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
    );
  }

  /** `$select` of a property the type does not have: Graph's wording, then what the stand-in models. */
  static unknownProperty(
    name: string,
    modelled: readonly string[],
    type = "microsoft.graph.application",
  ): GraphError {
    return new GraphError(
      400,
      "BadRequest",
      `Could not find a property named '${name}' on type '${type}'. (The stand-in models ${modelled.join(", ")}.)`,
    );
  }

  /**
   * A `$top` that is not a non-negative integer: OData's wording (Microsoft.OData.Core's
   * QueryDescriptorQueryToken_InvalidTopQueryOptionValue), which Graph answers with `BadRequest`.
   */
  static invalidTopValue(value: string): GraphError {
    return new GraphError(
      400,
      "BadRequest",
      `Invalid value '${value}' for $top query option found. The $top query option requires a non-negative integer value.`,
    );
  }

  /**
   * A page size outside what the directory serves: Graph's code and wording ("Request_UnsupportedQuery: Invalid page
   * size specified: '1000'. Must be between 1 and 999 inclusive.", as Graph clients record it, e.g.
   * turbot/steampipe-plugin-azuread's azuread/table_azuread_group.go; learn.microsoft.com/answers/questions/1129204).
   */
  static invalidPageSize(value: string, max: number): GraphError {
    return new GraphError(
      400,
      "Request_UnsupportedQuery",
      `Invalid page size specified: '${value}'. Must be between 1 and ${max} inclusive.`,
    );
  }

  /**
   * A `$skiptoken` the directory will not continue: Graph's code and sentence (reported in
   * microsoftgraph/msgraph-sdk-dotnet issue 2254; microsoftgraph/msgraph-sdk-java issue 368 gets it for the next page
   * of a `$filter`ed list of users), then why. Graph documents no other answer to a token it will not take.
   */
  static pageTokenExpired(reason: string): GraphError {
    return new GraphError(
      400,
      "Directory_ExpiredPageToken",
      `The specified page token value has expired and can no longer be included in your request. (${reason})`,
    );
  }

  /**
   * A `$filter` the stand-in cannot evaluate: Graph's code and the shape of its sentence for a property it cannot
   * filter on, then what the stand-in supports.
   */
  static unsupportedFilter(property: string, filter: string, supported: string): GraphError {
    return new GraphError(
      400,
      "Request_UnsupportedQuery",
      `Unsupported or invalid query filter clause specified for property '${property}' of resource 'ServicePrincipal'. (The stand-in evaluates ${supported}; got '${filter}'.)`,
    );
  }

  /**
   * A second reference to the same object in a collection such as `owners` or `members`: Graph's code and wording
   * (azure-cli's `az ad app owner add` checks the owners first because of it: "API not idempotent and fails with: One
   * or more added object references already exist for the following modified properties: 'owners'", in
   * src/azure-cli/azure/cli/command_modules/role/custom.py).
   */
  static referenceExists(property: string): GraphError {
    return new GraphError(
      400,
      "Request_BadRequest",
      `One or more added object references already exist for the following modified properties: '${property}'.`,
    );
  }

  /** The same app role granted twice to a principal: Graph's code and wording. */
  static permissionExists(): GraphError {
    return new GraphError(
      400,
      "Request_BadRequest",
      "Permission being assigned already exists on the object",
    );
  }

  /**
   * A federated identity credential whose name the application already uses: Graph's status, code and wording
   * (409, reported in Azure/azure-dev issue 1482).
   */
  static federatedCredentialNameExists(name: string): GraphError {
    return new GraphError(
      409,
      "Request_MultipleObjectsWithSameKeyValue",
      `FederatedIdentityCredential with name ${name} already exists.`,
    );
  }

  /**
   * A federated identity credential value Graph refuses (`InvalidFederatedIdentityCredentialValue`, 400, as reported
   * in Azure/azure-workload-identity issue 434 for a repeated issuer and subject); `message` says what is wrong.
   */
  static federatedCredentialInvalid(message: string): GraphError {
    return new GraphError(400, "InvalidFederatedIdentityCredentialValue", message);
  }

  /** A directory validation error (Graph's `Request_BadRequest`); `message` says what is wrong. */
  static badRequest(message: string): GraphError {
    return new GraphError(400, "Request_BadRequest", message);
  }

  /**
   * A proof of possession for addKey/removeKey that Graph refuses. Graph answers 401 with only "Access Token missing
   * or malformed." whatever the reason; the stand-in says which check failed.
   */
  static proofInvalid(reason: string): GraphError {
    return new GraphError(
      401,
      "Authentication_MissingOrMalformed",
      `Access Token missing or malformed. Proof of possession failed: ${reason}`,
    );
  }
}

/** What Graph sends with a 401 for a bad bearer token. */
const BEARER_CHALLENGE = {
  "WWW-Authenticate":
    'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
};
