import { normaliseShortcut, type PlaceholderValues, renderPlaceholders, SHORTCUT_PATTERN } from '#src/modules/canned-responses/domain/placeholders.js';

const values: PlaceholderValues = { 'customer.name': 'Anna', 'ticket.id': '42', 'ticket.title': 'Cannot log in', 'agent.name': 'Alex' };

describe('renderPlaceholders', () => {
  it.each([
    ['Hello {{customer.name}}', 'Hello Anna'],
    ['Hello {{ customer.name }}, about #{{ticket.id}}', 'Hello Anna, about #42'],
    ['Re: {{ticket.title}} — {{agent.name}}', 'Re: Cannot log in — Alex'],
    ['{{agent.name}}{{agent.name}}', 'AlexAlex'],
    // Unknown names, other spellings and broken braces stay as written.
    ['Your order {{order.id}} ships', 'Your order {{order.id}} ships'],
    ['{{Customer.Name}} / {{customer}} / {{ customer.email }}', '{{Customer.Name}} / {{customer}} / {{ customer.email }}'],
    ['{customer.name} {{customer.name} {{{customer.name}}}', '{customer.name} {{customer.name} {Anna}'],
    ['{{customer name}} {{}}', '{{customer name}} {{}}'],
    ['{{constructor}} {{__proto__}} {{toString}}', '{{constructor}} {{__proto__}} {{toString}}'],
    ['no placeholders at all', 'no placeholders at all'],
  ])('%j -> %j', (template, expected) => {
    expect(renderPlaceholders(template, values)).toBe(expected);
  });

  it('inserts values as plain text, once: nothing in a value is expanded or interpreted', () => {
    const tricky = { ...values, 'customer.name': '{{ticket.id}} $& $1 <b>x</b>' };
    expect(renderPlaceholders('Hi {{customer.name}}!', tricky)).toBe('Hi {{ticket.id}} $& $1 <b>x</b>!');
  });
});

describe('normaliseShortcut', () => {
  it.each([
    ['refund', 'refund'],
    ['/Refund', 'refund'],
    ['  greet.hello-1 ', 'greet.hello-1'],
    ['/', ''],
  ])('%j -> %j', (input, expected) => {
    expect(normaliseShortcut(input)).toBe(expected);
  });

  it.each([
    ['refund', true],
    ['a', true],
    ['greet.hello_1-x', true],
    ['', false],
    ['-refund', false],
    ['re fund', false],
    ['réfund', false],
    ['Refund', false],
  ])('%j matches the stored form: %s', (shortcut, ok) => {
    expect(SHORTCUT_PATTERN.test(shortcut)).toBe(ok);
  });
});
