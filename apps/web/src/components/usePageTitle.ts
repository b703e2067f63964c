import { useEffect } from 'react';

/** Every page names itself in the tab and for screen readers (UI.md "Everywhere"). */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Chairtime`;
  }, [title]);
}
