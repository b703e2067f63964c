import { Fragment, useMemo } from 'react';
import { Stack, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import type { BoardDay, BoardVisit } from '../api/get-board';
import { clock, dayAxis, minutesInto, type OpeningInterval } from '../lib/timeline';
import { VisitBlock } from './VisitBlock';
import classes from './DayBoard.module.css';

interface Props {
  board: BoardDay;
  zone: string;
  hours: OpeningInterval[];
  /** Minutes into the day of "now" when the board shows today. */
  now?: number;
}

/** Pixels per minute below which the track scrolls sideways instead of squeezing visits unreadable. */
const MIN_PX_PER_MINUTE = 1.6;

/** The day: one row per active chair on a time axis over the opening hours. */
export function DayBoard({ board, zone, hours, now }: Props) {
  const chairs = board.chairs.filter((c) => c.active);
  // Below ~640 px a time axis leaves each visit a sliver: phones get each chair's visits as a list.
  const narrow = useMediaQuery('(max-width: 40em)');
  const times = useMemo(() => {
    const all = [...board.chairs.flatMap((c) => c.appointments), ...board.consults];
    return new Map(
      all.map((v) => [
        v.id,
        {
          start: minutesInto(board.date, v.startsAt, zone),
          end: minutesInto(board.date, v.endsAt, zone),
          release: minutesInto(board.date, v.chairReleasedAt, zone),
        },
      ]),
    );
  }, [board, zone]);
  const axis = dayAxis(
    board.date,
    hours,
    [...times.values()].map((t) => ({ start: t.start, end: t.release })),
  );
  const span = axis.to - axis.from;
  const hourMarks = Array.from({ length: span / 60 + 1 }, (_, i) => axis.from + i * 60);
  const pct = (m: number) => ((m - axis.from) / span) * 100;
  const place = (v: BoardVisit) => {
    const t = times.get(v.id)!;
    return { left: pct(t.start), width: Math.max(pct(t.release) - pct(t.start), 0.5) };
  };

  if (chairs.length === 0) return <Text>This clinic has no active chairs. Add chairs in setup.</Text>;
  const consults = board.consults.length > 0 && (
    <section aria-labelledby="consults-title">
      <Title order={2} size="h4" id="consults-title" mb="xs">
        Consults (no chair)
      </Title>
      <div className={classes.consults}>
        {board.consults.map((v) => (
          <VisitBlock key={v.id} visit={v} {...times.get(v.id)!} />
        ))}
      </div>
    </section>
  );
  if (narrow) {
    return (
      <Stack gap="lg">
        <div className={classes.agenda}>
          {chairs.map((chair) => (
            <section key={chair.chairId} className={classes.agendaChair} role="group" aria-labelledby={`chair-${chair.chairId}`}>
              <h2 id={`chair-${chair.chairId}`}>{chair.name}</h2>
              {chair.appointments.length === 0 && (
                <Text size="sm" c="gray.7">
                  No visits in this chair.
                </Text>
              )}
              {chair.appointments.map((v) => (
                <VisitBlock key={v.id} visit={v} {...times.get(v.id)!} />
              ))}
            </section>
          ))}
        </div>
        {consults}
      </Stack>
    );
  }
  return (
    <Stack gap="lg">
      <div className={classes.scroller} tabIndex={0} role="region" aria-label="Chairs and visits (scrolls sideways)">
        <div className={classes.grid} style={{ minWidth: `calc(var(--label-width) + ${span * MIN_PX_PER_MINUTE}px)` }}>
          <div className={classes.corner}>Chair</div>
          <div className={classes.axis} aria-hidden="true">
            {hourMarks.map((m) => (
              <span key={m} className={classes.hour} style={{ left: `${pct(m)}%` }}>
                {clock(m)}
              </span>
            ))}
          </div>
          {chairs.map((chair) => (
            <Fragment key={chair.chairId}>
              <div className={classes.chairName} id={`chair-${chair.chairId}`}>
                {chair.name}
              </div>
              <div
                className={classes.track}
                role="group"
                aria-labelledby={`chair-${chair.chairId}`}
                style={{ backgroundSize: `${(60 / span) * 100}% 100%`, backgroundPosition: `${pct(axis.from)}% 0` }}
              >
                {now !== undefined && now >= axis.from && now <= axis.to && (
                  <div className={classes.now} style={{ left: `${pct(now)}%` }} aria-hidden="true" />
                )}
                {chair.appointments.map((v) => {
                  const t = times.get(v.id)!;
                  return <VisitBlock key={v.id} visit={v} {...t} place={place(v)} />;
                })}
              </div>
            </Fragment>
          ))}
        </div>
      </div>
      <Text size="sm" c="gray.7">
        Each block is the chair time of one visit (prep, treatment and recovery); its hatched end is turnover, while the chair is cleaned.
      </Text>
      {consults}
    </Stack>
  );
}
