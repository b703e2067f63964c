import { createTheme } from '@mantine/core';

/** Calm and readable: a teal primary, generous type, system fonts (nothing fetched from elsewhere). */
export const theme = createTheme({
  primaryColor: 'teal',
  // Shade 9: white on teal passes WCAG AA contrast (shade 8 does not).
  primaryShade: 9,
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '650' },
});
