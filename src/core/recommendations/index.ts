export * from "./similarity"
export * from "./scoring"
export * from "./metrics"
export * from "./evaluate"
