// A Microsoft Graph job: pages through the tenant's users as the app (application permission User.Read.All) and
// reports how many accounts are disabled. Runs in the demo (`npm run dev`) against the Entra ID stand-in's Graph.
import { defineJob } from "../../src/jobs/code/defineJob.js";

interface User {
  id: string;
  displayName: string | null;
  accountEnabled: boolean | null;
}

export default defineJob({
  name: "directory-report",
  description: "Counts the tenant's users and disabled accounts through Microsoft Graph (User.Read.All)",
  schedule: "%DIRECTORY_REPORT_SCHEDULE%",
  async run(ctx) {
    let users = 0;
    let disabled = 0;
    let pages = 0;
    // $select keeps each page small; $top=2 makes the stand-in's five demo users three pages (Graph allows up to 999).
    for await (const page of ctx.graph.pages<User>(
      "/v1.0/users?$select=id,displayName,accountEnabled&$top=2",
    )) {
      pages += 1;
      users += page.items.length;
      disabled += page.items.filter((user) => user.accountEnabled === false).length;
    }
    return { users, disabled, pages };
  },
});
