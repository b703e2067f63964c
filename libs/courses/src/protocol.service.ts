import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError, Protocol } from '@chairtime/domain';
import { ProtocolEntity } from './entities';

/** Reads protocols, the course templates stored as data. */
@Injectable()
export class ProtocolService {
  /**
   * Versions already read. A (key, version) row never changes — a change of rules is a new version
   * and courses keep the version they were planned with — so every booking need not re-read it.
   */
  private readonly versions = new Map<string, Protocol>();

  constructor(private readonly dataSource: DataSource) {}

  /** The latest version of every protocol, by key. */
  async listLatest(): Promise<Protocol[]> {
    const rows = await this.dataSource
      .getRepository(ProtocolEntity)
      .createQueryBuilder('p')
      .distinctOn(['p.key'])
      .orderBy('p.key')
      .addOrderBy('p.version', 'DESC')
      .getMany();
    return rows.map(toProtocol);
  }

  /** The latest version of `key`; 404 when unknown. */
  async latest(key: string, em: EntityManager = this.dataSource.manager): Promise<Protocol> {
    const row = await em.getRepository(ProtocolEntity).findOne({ where: { key }, order: { version: 'DESC' } });
    if (!row) throw new DomainError('not-found', 'Protocol not found');
    return toProtocol(row);
  }

  /** A specific version: a course validates against the version it was created with. */
  async version(key: string, version: number, em: EntityManager = this.dataSource.manager): Promise<Protocol> {
    const cached = this.versions.get(`${key}@${version}`);
    if (cached) return cached;
    const row = await em.getRepository(ProtocolEntity).findOne({ where: { key, version } });
    if (!row) throw new DomainError('not-found', 'Protocol not found');
    const protocol = toProtocol(row);
    this.versions.set(`${key}@${version}`, protocol);
    return protocol;
  }
}

/** The plain-JSON domain shape of a row. */
export function toProtocol(row: ProtocolEntity): Protocol {
  return { key: row.key, version: row.version, name: row.name, visitKind: row.visitKind, rules: row.rules };
}
