import { certificateLifecycleStory } from "./certificateLifecycleStory.js";

// A non-exportable key that never leaves Key Vault: Key Vault signs every client assertion and Graph proof. The
// identity has Certificate User (read certificates), Crypto User (sign) and Certificates Officer (renew): no secret
// is read.
certificateLifecycleStory({
  signing: "vault",
  exportable: false,
  identityRoles: ["Key Vault Certificate User", "Key Vault Crypto User", "Key Vault Certificates Officer"],
});
