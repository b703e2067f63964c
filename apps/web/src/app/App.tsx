import '@mantine/core/styles.css';
import { lazy, Suspense } from 'react';
import { MantineProvider } from '@mantine/core';
import { QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter, Route, Routes } from 'react-router';
import { queryClient } from './query-client';
import { theme } from './theme';
import { RequireSession } from '../components/RequireSession';
import { PageLoader } from '../components/PageLoader';
import { HomeRoute } from '../features/auth/components/HomeRoute';

// One chunk per screen: the sign-in screen does not download the board.
const BoardPage = lazy(() => import('../features/day-board/components/BoardPage'));
const NotFoundPage = lazy(() => import('../components/NotFoundPage'));

/** The nonce the API put in this page's CSP for Mantine's <style> tags (index.html). */
const styleNonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content ?? '';

export function App() {
  return (
    <MantineProvider theme={theme} getStyleNonce={() => styleNonce}>
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <Suspense fallback={<PageLoader />}>
            <Routes>
              <Route path="/" element={<HomeRoute />} />
              <Route
                path="/board"
                element={
                  <RequireSession>
                    <BoardPage />
                  </RequireSession>
                }
              />
              <Route path="*" element={<NotFoundPage />} />
            </Routes>
          </Suspense>
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  );
}
