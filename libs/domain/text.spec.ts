import { unstorableText } from './text';

describe('unstorableText', () => {
  it('accepts ordinary text, emoji and accents', () => {
    for (const s of ['', 'Jane Doe', 'Zoë 😀', 'Ünïcödé', 'tab\tand\nnewline']) expect(unstorableText(s)).toBeNull();
  });

  it('refuses NUL and unpaired surrogates', () => {
    expect(unstorableText('a\u0000b')).toMatch(/NUL/);
    expect(unstorableText('a\uD800')).toMatch(/surrogate/);
    expect(unstorableText('\uDC00a')).toMatch(/surrogate/);
  });
});
