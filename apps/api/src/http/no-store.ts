import type { NextFunction, Request, Response } from 'express';

/**
 * `Cache-Control: no-store` on every API and admin response: they carry tokens or patient data,
 * which no browser, proxy or shared cache may keep. Set before the handler runs, so error answers
 * (written by the problem filter) carry it too. Docs, health, metrics and Bull Board's static
 * assets carry neither and stay cacheable.
 */
export function noStore() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const path = req.path;
    const api = path.startsWith('/v1/') || path === '/v1';
    const admin = (path.startsWith('/admin/') || path === '/admin') && !path.startsWith('/admin/queues/static/');
    if (api || admin) {
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Pragma', 'no-cache');
    }
    next();
  };
}
