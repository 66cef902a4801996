export * from "./plan-membership"
export * from "./summarize-trace"
