/**
 * The uninstall script's flags (`--yes`, `--json`). `medusa exec <file> [args..]` hands the script positional words
 * only: its own option parser keeps `--yes` for itself. So the flags are read from `args` and from the command line
 * after the script's path (whatever comes before it belongs to node and medusa), e.g. `uninstall.js -- --yes`.
 */
export function uninstallFlags(args: string[] = [], argv: string[] = process.argv): Set<string> {
  const at = argv.findIndex((a) => /uninstall\.(js|ts)$/.test(a))
  const words = [...args, ...(at >= 0 ? argv.slice(at + 1) : [])]
  return new Set(words.map((a) => a.replace(/^--?/, "")).filter(Boolean))
}
