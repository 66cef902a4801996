export * from "./segments"
export * from "./pipeline"
