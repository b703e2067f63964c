import { Alert, Box, Button, Group, NativeSelect, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import { AppHeader } from '../../../components/AppHeader';
import { usePageTitle } from '../../../components/usePageTitle';
import { describeError } from '../../../lib/api/problem';
import { useMe } from '../../auth/api/get-me';
import { useBoard } from '../api/get-board';
import { useClinics, useOpeningHours } from '../api/get-clinic';
import { useBoardParams } from '../hooks/useBoardParams';
import { addDays, isDate, longDate, minutesInto, todayIn } from '../lib/timeline';
import { DayBoard } from './DayBoard';

/** `/board`: the day board of the user's clinic (UI.md). */
export default function BoardPage() {
  const me = useMe();
  const clinicIds = me.data?.clinicIds ?? [];
  const clinics = useClinics(clinicIds);
  const zoneOf = (id: string) => clinics.find((c) => c.data?.id === id)?.data?.timezone;
  const { clinicId, date, unknownClinic, go } = useBoardParams(clinicIds, (id) => {
    const zone = zoneOf(id);
    return zone ? todayIn(zone) : undefined;
  });
  const clinic = clinics.find((c) => c.data?.id === clinicId)?.data;
  const board = useBoard(clinic && date ? clinicId : undefined, date ?? '');
  const hours = useOpeningHours(clinicId);
  usePageTitle(clinic && date ? `Day board — ${clinic.name}, ${longDate(date)}` : 'Day board');

  const clinicSlot =
    clinicIds.length > 1 ? (
      // A native select: keyboard- and touch-friendly on a desk PC and a nurse's tablet alike.
      <NativeSelect
        aria-label="Clinic"
        size="xs"
        w={220}
        data={clinics.flatMap((c) => (c.data ? [{ value: c.data.id, label: c.data.name }] : []))}
        value={clinicId ?? ''}
        onChange={(e) => go({ clinic: e.currentTarget.value })}
      />
    ) : (
      <Text component="span" fw={500}>
        {clinic?.name}
      </Text>
    );

  const today = clinic ? todayIn(clinic.timezone) : undefined;
  const visits = board.data
    ? board.data.chairs.reduce((n, c) => n + (c.active ? c.appointments.length : 0), 0) + board.data.consults.length
    : 0;

  return (
    <>
      <AppHeader clinic={clinicSlot} />
      <Box component="main" p={{ base: 'sm', sm: 'lg' }}>
        <Stack gap="md">
          <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
            <div>
              <Title order={1} size="h2">
                Day board
              </Title>
              <Text c="gray.7" aria-live="polite">
                {date ? longDate(date) : ' '}
                {board.data &&
                  ` · ${visits} ${visits === 1 ? 'visit' : 'visits'} · chairs ${Math.round(board.data.utilization * 100)}% booked`}
              </Text>
            </div>
            {date && clinicId && (
              <Group gap="xs" wrap="wrap" role="group" aria-label="Choose the day">
                <Button variant="default" onClick={() => go({ date: addDays(date, -1) })}>
                  Previous day
                </Button>
                <Button variant="default" onClick={() => today && go({ date: today })} disabled={date === today}>
                  Today
                </Button>
                <Button variant="default" onClick={() => go({ date: addDays(date, 1) })}>
                  Next day
                </Button>
                <TextInput
                  type="date"
                  aria-label="Date"
                  value={date}
                  onChange={(e) => isDate(e.currentTarget.value) && go({ date: e.currentTarget.value })}
                  w={160}
                />
              </Group>
            )}
          </Group>

          {unknownClinic && (
            <Alert color="yellow" role="status">
              The clinic in the address is not one of yours; showing {clinic?.name ?? 'your first clinic'} instead.
            </Alert>
          )}
          {me.data && clinicIds.length === 0 && (
            <Alert color="yellow">Your account is not linked to a clinic yet. Ask an administrator to add you to one.</Alert>
          )}
          {(me.isError || board.isError || clinics.some((c) => c.isError)) && (
            <Alert color="red" title="The board could not be loaded" role="alert">
              {describeError(me.error ?? board.error ?? clinics.find((c) => c.isError)?.error)}
            </Alert>
          )}
          {board.data && clinic && date ? (
            <DayBoard
              board={board.data}
              zone={clinic.timezone}
              hours={hours.data?.weekly ?? []}
              now={date === today ? minutesInto(date, new Date().toISOString(), clinic.timezone) : undefined}
            />
          ) : (
            clinicIds.length > 0 && !board.isError && <Skeleton height={320} radius="md" aria-label="Loading the day board" />
          )}
          {board.data && visits === 0 && <Text c="gray.7">No visits are booked on this day.</Text>}
        </Stack>
      </Box>
    </>
  );
}
