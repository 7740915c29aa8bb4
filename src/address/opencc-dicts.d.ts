// opencc-js ships its dictionaries as ES modules without type declarations:
// each default-exports one table as `from to[ alternative…]|from to…`.
declare module 'opencc-js/dict/TSCharacters' {
  const table: string;
  export default table;
}
declare module 'opencc-js/dict/TWVariantsRev' {
  const table: string;
  export default table;
}
declare module 'opencc-js/dict/HKVariantsRev' {
  const table: string;
  export default table;
}
declare module 'opencc-js/dict/STCharacters' {
  const table: string;
  export default table;
}
