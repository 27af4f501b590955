/** Types of ./public-api.mjs, for the TypeScript tests that read the documented API. */
export interface DocumentedEntryPoint {
  specifier: string;
  values: string[];
  types: string[];
}
export const API_DOC: string;
export function documentedApi(readme: string): DocumentedEntryPoint[];
export function exportKey(specifier: string): string;
