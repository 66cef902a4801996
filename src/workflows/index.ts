export * from "./segments"
export * from "./pipeline"
export * from "./privacy"
export * from "./consistency"
