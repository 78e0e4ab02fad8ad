// Page-numbered lists (`perPage`, `page`) with CometChat's meta.pagination.
import { DEFAULT_PER_PAGE, MAX_PER_PAGE } from '../backend/facts.js';
import type { Query } from './input.js';

export interface Page<T> {
  data: T[];
  meta: { pagination: { total: number; count: number; per_page: number; current_page: number; total_pages: number } };
}

export function paginate<T>(items: T[], query: Query): Page<T> {
  const perPage = query.int('perPage', { min: 1, max: MAX_PER_PAGE }) ?? DEFAULT_PER_PAGE;
  const page = query.int('page', { min: 1 }) ?? 1;
  const data = items.slice((page - 1) * perPage, page * perPage);
  return { data, meta: { pagination: { total: items.length, count: data.length, per_page: perPage, current_page: page, total_pages: Math.max(1, Math.ceil(items.length / perPage)) } } };
}
