import { bareSubject, ticketMailSubject } from '#src/modules/mail/domain/subject.js';

describe('ticketMailSubject', () => {
  it.each([
    [42, 'Printer on fire', '[#42] Printer on fire'],
    [42, 'Re: [#42] Printer on fire', '[#42] Re: Printer on fire'],
    [8, 'Re: Printer not working', '[#8] Re: Printer not working'],
    [8, 'Re: Re: Printer not working', '[#8] Re: Printer not working'],
    [9, 'Re: Re: We have your request: (no subject)', '[#9] Re: We have your request: (no subject)'],
    [3, 'Re: [#3] We have your request: (no subject)', '[#3] Re: We have your request: (no subject)'],
    [3, 'Re: Re: [#3] Re: Printer', '[#3] Re: Printer'],
    [5, 'RE: Fwd: AW: Ответ: Принтер', '[#5] Re: Принтер'],
    [5, 'Re: FW: WG: SV: Antw: Отв: status', '[#5] Re: status'],
    [5, 'Re[2]: Re(3): Re^4: counted', '[#5] Re: counted'],
    [5, 'Re: ответ: Пересл: Ticket', '[#5] Re: Ticket'],
    [5, 'Re：full-width colon', '[#5] Re: full-width colon'],
    [7, 'Resolved: Printer', '[#7] Resolved: Printer'],
    [7, '[#7] Resolved: Printer', '[#7] Resolved: Printer'],
    [7, 'Resolved: [#7] Printer', '[#7] Resolved: Printer'],
    [7, 'Regarding the invoice', '[#7] Regarding the invoice'],
    [7, 'Recurring: Fwd is fine here', '[#7] Recurring: Fwd is fine here'],
    [7, 'Re:', '[#7] Re:'],
    [7, '', '[#7]'],
    [12, 'Re: [#4] old tag of another ticket', '[#12] Re: old tag of another ticket'],
  ])('ticket %i, %j → %j', (ticketId, subject, expected) => {
    expect(ticketMailSubject(ticketId, subject)).toBe(expected);
  });
});

describe('bareSubject', () => {
  it.each([
    ['Printer', { bare: 'Printer', replied: false }],
    ['re:printer', { bare: 'printer', replied: true }],
    ['  Re :  Re : Printer  ', { bare: 'Printer', replied: true }],
    ['Fwd: [#3]', { bare: '', replied: true }],
    ['Reply needed: Printer', { bare: 'Reply needed: Printer', replied: false }],
  ])('%j → %j', (subject, expected) => {
    expect(bareSubject(subject)).toEqual(expected);
  });
});
