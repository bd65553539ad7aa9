import packageJson from "../../../package.json" with { type: "json" };

/** The `user-agent` sent to APIs, so their owners can tell this app's calls apart: `m2m-functions/<version>`. */
export const USER_AGENT = `m2m-functions/${packageJson.version}`;
