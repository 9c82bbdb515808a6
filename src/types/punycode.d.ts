/** punycode.js ships no types; the one function the contracts use. */
declare module 'punycode.js' {
  const punycode: {
    toUnicode(domain: string): string;
  };
  export default punycode;
}
