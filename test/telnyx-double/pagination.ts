import { errors } from './errors.js';

/** Telnyx's default page size for `page[size]` when none is given. */
const defaultPageSize = 20;
/** The documented maximum `page[size]`. */
const maxPageSize = 250;

function positiveInteger(raw: string | null, name: string, fallback: number): number {
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw errors.badRequest(`${name} must be a positive integer`, { parameter: name });
  return Number(raw);
}

/**
 * One page of `items` and the `meta` the SDK's DefaultFlatPagination reads (`page_number`, `total_pages`).
 * A size over the maximum is refused rather than clamped: a client that asks for more than a page can hold
 * must notice (the docs are silent; this is the stricter reading).
 */
export function paginate<T>(items: T[], query: URLSearchParams) {
  const pageNumber = positiveInteger(query.get('page[number]'), 'page[number]', 1);
  const pageSize = positiveInteger(query.get('page[size]'), 'page[size]', defaultPageSize);
  if (pageSize > maxPageSize) throw errors.badRequest(`page[size] must be at most ${maxPageSize}`, { parameter: 'page[size]' });
  const totalPages = Math.max(1, Math.ceil(items.length / pageSize));
  return {
    data: items.slice((pageNumber - 1) * pageSize, pageNumber * pageSize),
    meta: { page_number: pageNumber, page_size: pageSize, total_pages: totalPages, total_results: items.length },
  };
}
