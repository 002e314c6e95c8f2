import { IsInt, IsString, MaxLength, validate } from 'class-validator';
import { cacheValidationRules } from '#src/common/validation/rule-cache.js';

class Base {
  @IsString()
  title!: unknown;
}

class Child extends Base {
  @IsInt()
  count!: unknown;
}

const problems = async (value: object) =>
  (await validate(value, { whitelist: true, forbidNonWhitelisted: true })).map((e) => `${e.property}: ${Object.keys(e.constraints ?? {}).join(',')}`);

describe('cacheValidationRules', () => {
  beforeAll(() => cacheValidationRules());

  it('validates as class-validator does, inherited rules and unknown fields included, again and again', async () => {
    for (let i = 0; i < 3; i++) {
      expect(await problems(Object.assign(new Child(), { title: 1, count: 'x', extra: true }))).toEqual([
        'extra: whitelistValidation',
        'count: isInt',
        'title: isString',
      ]);
      expect(await problems(Object.assign(new Child(), { title: 't', count: 2 }))).toEqual([]);
      expect(await problems(Object.assign(new Base(), { title: 't', count: 2 }))).toEqual(['count: whitelistValidation']);
    }
  });

  it('sees rules added after a lookup (a class that loads later)', async () => {
    expect(await problems(Object.assign(new Child(), { title: 'a long title' }))).toEqual(['count: isInt']);
    class Later extends Child {
      @MaxLength(3)
      declare title: unknown;
    }
    expect(await problems(Object.assign(new Later(), { title: 'a long title', count: 1 }))).toEqual(['title: maxLength']);
    expect(await problems(Object.assign(new Child(), { title: 'a long title', count: 1 }))).toEqual([]);
  });

  it('is idempotent', async () => {
    cacheValidationRules();
    expect(await problems(Object.assign(new Child(), { title: 't', count: 1 }))).toEqual([]);
  });
});
