/** Where the dashboard is served (outside the versioned API: it is an operator tool). */
export const ADMIN_QUEUES_ROUTE = '/admin/queues';
