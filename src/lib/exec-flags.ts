/**
 * Flags of a `medusa exec` script (`--yes`, `--repair`, `--json`). `medusa exec <file> [args..]` parses options
 * strictly and refuses ones it does not know, so flags are passed after `--` (`medusa exec <file> -- --repair`) and
 * never reach `args`; they are read from `args` and from the command line after the script's path (whatever comes
 * before it belongs to node and medusa). Returned without their dashes.
 */
export function execFlags(script: RegExp, args: string[] = [], argv: string[] = process.argv): Set<string> {
  const at = argv.findIndex((a) => script.test(a))
  const words = [...args, ...(at >= 0 ? argv.slice(at + 1) : [])]
  return new Set(words.map((a) => a.replace(/^--?/, "")).filter(Boolean))
}
