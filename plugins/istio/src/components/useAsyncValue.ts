import { DependencyList, useCallback, useEffect, useState } from 'react';

/** The state of one asynchronous load. */
export interface AsyncValue<T> {
  loading: boolean;
  value?: T;
  error?: Error;
  retry: () => void;
}

/**
 * Runs `load` when `deps` change and keeps the latest result; a result that
 * arrives after the component moved on (or unmounted) is dropped.
 */
export function useAsyncValue<T>(
  load: () => Promise<T>,
  deps: DependencyList,
): AsyncValue<T> {
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<Omit<AsyncValue<T>, 'retry'>>({
    loading: true,
  });
  useEffect(() => {
    let current = true;
    setState(s => ({ ...s, loading: true }));
    load().then(
      value => current && setState({ loading: false, value }),
      error => current && setState({ loading: false, error }),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, attempt]);
  const retry = useCallback(() => setAttempt(a => a + 1), []);
  return { ...state, retry };
}
