export * from "./segments"
