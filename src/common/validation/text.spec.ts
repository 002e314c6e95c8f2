import { validateSync } from 'class-validator';
import { MinTrimmedLength } from '#src/common/validation/text.js';

class Sample {
  @MinTrimmedLength(3)
  text: unknown;
}

const problems = (text: unknown) => {
  const sample = new Sample();
  sample.text = text;
  return validateSync(sample).flatMap((e) => Object.values(e.constraints ?? {}));
};

describe('MinTrimmedLength', () => {
  it.each<[unknown, boolean]>([
    ['abc', true],
    ['  abc  ', true],
    ['\u{1F600}\u{1F600}\u{1F600}', true], // three code points, six UTF-16 units
    ['ab', false],
    ['  ab  ', false],
    ['\u{1F600}\u{1F600}', false], // four UTF-16 units, but two characters
    ['', false],
    [123, false],
    [null, false],
  ])('%p passes: %s', (text, passes) => {
    expect(problems(text)).toEqual(passes ? [] : ['text must be at least 3 characters long (not counting spaces at the ends)']);
  });
});
