import { Button, Table, TableBody, TableCell, TableContainer, TableHead, TableRow } from '@mui/material';
import type { ReactNode } from 'react';
import { Empty, QueryView } from './States';

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  align?: 'left' | 'right';
}

/** The paging part of a TanStack infinite query ("Show more" loads the next cursor page). */
export interface Paging {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
}

interface QueryLike {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: unknown;
  refetch: () => unknown;
}

/**
 * One table of rows from the API with its loading, error and empty states and, for cursor lists,
 * "Show more": the scaffolding every list page shares (requests, audit trail, catalog lists).
 */
export function DataTable<T>(props: {
  query: QueryLike;
  what: string;
  label: string;
  rows: T[];
  rowKey: (row: T) => string | number;
  columns: Column<T>[];
  empty: ReactNode;
  paging?: Paging;
}) {
  const { query, what, label, rows, rowKey, columns, empty, paging } = props;
  return (
    <QueryView query={query} what={what}>
      {() =>
        rows.length === 0 ? (
          <Empty>{empty}</Empty>
        ) : (
          <>
            <TableContainer>
              <Table size="small" aria-label={label}>
                <TableHead>
                  <TableRow>
                    {columns.map((c) => (
                      <TableCell key={c.header} align={c.align}>
                        {c.header}
                      </TableCell>
                    ))}
                  </TableRow>
                </TableHead>
                <TableBody>
                  {rows.map((r) => (
                    <TableRow key={rowKey(r)} hover>
                      {columns.map((c) => (
                        <TableCell key={c.header} align={c.align}>
                          {c.cell(r)}
                        </TableCell>
                      ))}
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </TableContainer>
            {paging?.hasNextPage && (
              <Button onClick={() => void paging.fetchNextPage()} disabled={paging.isFetchingNextPage}>
                Show more
              </Button>
            )}
          </>
        )
      }
    </QueryView>
  );
}
