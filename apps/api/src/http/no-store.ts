import type { NextFunction, Request, Response } from 'express';

/**
 * `Cache-Control: no-store` on every API and admin response: they carry tokens or patient data,
 * which no browser, proxy or shared cache may keep. Set before the handler runs, so error answers
 * (written by the problem filter) carry it too. Docs, health and metrics carry neither and stay
 * cacheable.
 */
export function noStore() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const path = req.path;
    if (path.startsWith('/v1/') || path === '/v1' || path.startsWith('/admin/') || path === '/admin') {
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Pragma', 'no-cache');
    }
    next();
  };
}
