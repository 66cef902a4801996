export * from "./uninstall-plugin"
