// The results of a Check grouped by cause, for the results view: a cause's message once, first ("Fix this first"),
// then the checks it breaks. Pure (no DOM), so that Node tests it.
//
// tests: Check's results in TODO order ({name, passed, message, cause}). Failures that share a cause form one
// group, placed where its first failing test is; a failure without a cause is a group of its own. Each group:
// {cause, message (its first failure's), tests: [names]}.
export function groupFailures(tests) {
  const groups = [];
  const byCause = new Map();
  for (const t of tests) {
    if (t.passed) continue;
    const cause = t.cause || null;
    const existing = cause ? byCause.get(cause) : null;
    if (existing) {
      existing.tests.push(t.name);
      continue;
    }
    const group = { cause, message: t.message, tests: [t.name] };
    groups.push(group);
    if (cause) byCause.set(cause, group);
  }
  return groups;
}
