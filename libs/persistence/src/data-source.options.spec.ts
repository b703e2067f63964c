import { buildDataSourceOptions } from './data-source.options';

describe('buildDataSourceOptions', () => {
  const options = (poolSize?: number) =>
    buildDataSourceOptions({ databaseUrl: 'postgres://u@localhost:5432/db', entities: [], migrations: [], poolSize }) as unknown as {
      synchronize: boolean;
      extra: { max: number; min: number };
    };

  it('never builds the schema itself: migrations do', () => {
    expect(options().synchronize).toBe(false);
  });

  it('keeps every connection it opened (a quiet spell does not leave the next requests cold backends)', () => {
    expect(options(6).extra).toMatchObject({ max: 6, min: 6 });
    expect(options().extra).toMatchObject({ max: 10, min: 10 });
  });
});
