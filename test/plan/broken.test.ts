/**
 * The corpus of broken plans: each file states, in `# expect: [FILE:]LINE:COL: message part` comments, every
 * problem it must produce (FILE defaults to the file itself; positions are exact, messages by substring).
 */
import fs from 'node:fs';
import path from 'node:path';
import { formatProblem, validatePlanFile, type PlanProblem } from '../../src/plan';

const CORPUS = path.join(__dirname, 'broken');
const cases = fs
  .readdirSync(CORPUS)
  .filter((name) => name.endsWith('.yaml'))
  .sort();

interface Expectation {
  file: string;
  line: number;
  column: number;
  message: string;
}

function expectationsOf(fileName: string): Expectation[] {
  const text = fs.readFileSync(path.join(CORPUS, fileName), 'utf8');
  return [...text.matchAll(/^# expect: (?:([\w.-]+\.yaml):)?(\d+):(\d+): (.+)$/gm)].map((match) => ({
    file: path.relative(process.cwd(), path.join(CORPUS, match[1] ?? fileName)),
    line: Number(match[2]),
    column: Number(match[3]),
    message: match[4],
  }));
}

const place = (p: Pick<PlanProblem, 'file' | 'line' | 'column'>) => `${p.file}:${p.line}:${p.column}`;

describe('broken plans', () => {
  it('has a corpus of at least 18 plans', () => {
    expect(cases.length).toBeGreaterThanOrEqual(18);
  });

  it.each(cases)('%s', (fileName) => {
    const expected = expectationsOf(fileName);
    expect(expected.length).toBeGreaterThan(0);

    const { plan, problems } = validatePlanFile(path.join(CORPUS, fileName));
    expect(plan).toBeUndefined();
    // Exactly the expected places, in order (problems come sorted by file, line, column).
    expect(problems.map(place)).toEqual(expected.map(place));
    for (const [i, problem] of problems.entries()) expect(formatProblem(problem)).toContain(expected[i]!.message);
  });
});
