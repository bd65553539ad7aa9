import type { Route } from "./Route.js";

/** The routes a stand-in serves when none are given: a read that needs Reports.Read.All, a write that needs Reports.Write. */
export function defaultRoutes(): Route[] {
  return [
    {
      method: "GET",
      path: "/reports",
      requiredRoles: ["Reports.Read.All"],
      json: {
        reports: [
          { id: "r-001", name: "Daily usage", generatedAt: "2025-01-01T06:00:00Z" },
          { id: "r-002", name: "Licence summary", generatedAt: "2025-01-01T06:05:00Z" },
        ],
      },
    },
    {
      method: "POST",
      path: "/reports/sync",
      requiredRoles: ["Reports.Write"],
      status: 202,
      json: { status: "accepted" },
    },
  ];
}
