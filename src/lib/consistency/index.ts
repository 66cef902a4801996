export * from "./check"
export * from "./repair"
