// Every regular expression in this package is created through `re()`, so the ReDoS test can
// check each one with recheck (a source scan in the tests keeps it that way).
const registry: RegExp[] = [];

export function re(pattern: RegExp): RegExp {
  registry.push(pattern);
  return pattern;
}

export function registeredPatterns(): readonly RegExp[] {
  return registry;
}
