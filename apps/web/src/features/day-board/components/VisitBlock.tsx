import { Badge, Group, Text } from '@mantine/core';
import type { BoardVisit } from '../api/get-board';
import { clock } from '../lib/timeline';
import { flagOf, kindLabel, patientLabel, statusOf } from './visit-labels';
import classes from './DayBoard.module.css';

interface Props {
  visit: BoardVisit;
  /** Clinic-local minutes into the day of the chair time's start, the patient's release, and the chair's release. */
  start: number;
  end: number;
  release: number;
  /** Placed on the chair's track (percent of the axis); without, a card in a list (consults, phones). */
  place?: { left: number; width: number };
}

/**
 * One visit on the board (UI.md: `data-appointment-id`, `data-status`, the patient's name). Its
 * body is the chair time a patient occupies (prep, treatment, recovery); the pale tail is the
 * turnover before the chair is free again.
 */
export function VisitBlock({ visit, start, end, release, place }: Props) {
  const status = statusOf(visit.status);
  // On the track the turnover is drawn to scale; a card (list) leaves it out.
  const turnover = place && release > start ? ((release - end) / (release - start)) * 100 : 0;
  return (
    <article
      className={`${classes.visit} ${place ? classes.onTrack : classes.card}`}
      data-appointment-id={visit.id}
      data-status={visit.status}
      data-tone={status.color}
      tabIndex={0}
      style={place ? { left: `${place.left}%`, width: `${place.width}%` } : undefined}
    >
      <div className={classes.visitBody} style={{ marginRight: `${Math.max(0, turnover)}%` }}>
        <Text fw={650} size="sm" truncate="end" className={classes.patient}>
          {patientLabel(visit)}
        </Text>
        <Text size="xs" truncate="end">
          {clock(start)}–{clock(end)} · {kindLabel(visit.kind)}
        </Text>
        <Group gap={4} mt={4} wrap="wrap">
          <Badge size="xs" variant="filled" color={status.color} radius="sm" tt="none">
            {status.label}
          </Badge>
          {visit.flags.map((f) => (
            // Dark text beside a coloured dot: readable (WCAG AA) where light tinted badges are not.
            <Badge key={f} size="xs" variant="dot" color={flagOf(f).color} radius="sm" tt="none" bg="white">
              {flagOf(f).label}
            </Badge>
          ))}
        </Group>
      </div>
      {turnover > 0 && <div className={classes.turnover} style={{ width: `${turnover}%` }} aria-hidden="true" />}
    </article>
  );
}
